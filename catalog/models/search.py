"""What search keeps per published resource: its facet values and sort keys.

Kept in step on every write (catalog.search.index). Resources that share every facet value
share one FacetCombination, so counting a search's facets is one GROUP BY combination_id over
the matching entries, then a sum over the (few) combinations in Python.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import JSONType, UTCDateTime


class FacetCombination(db.Model):
    """One set of facet values. Never changed: the key is a digest of the values, so an id
    means the same values for as long as the row exists."""

    __tablename__ = "facet_combination"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    publisher_id: Mapped[int] = mapped_column(ForeignKey("publisher.id"))
    type: Mapped[str] = mapped_column(String(40))
    year: Mapped[int | None] = mapped_column(Integer)  # of `issued`
    license: Mapped[str | None] = mapped_column(String(40))
    categories: Mapped[list[str]] = mapped_column(JSONType)  # datos.gov.co concept URIs
    policies: Mapped[list[str]] = mapped_column(JSONType)  # MIPG concept URIs
    formats: Mapped[list[str]] = mapped_column(JSONType)  # distribution formats


class SearchEntry(db.Model):
    """A published resource as search sees it; drafts and withdrawn resources have none."""

    __tablename__ = "search_entry"
    __table_args__ = (
        Index("ix_search_entry_combination", "combination_id"),
        Index("ix_search_entry_date", "sort_date", "updated_at", "resource_id"),
        Index("ix_search_entry_title", "title", "resource_id"),
    )

    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True
    )
    combination_id: Mapped[int] = mapped_column(ForeignKey("facet_combination.id"))
    title: Mapped[str] = mapped_column(String(300))  # Resource.title (sort by title)
    sort_date: Mapped[date | None] = mapped_column()  # Resource.modified or Resource.issued
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)  # Resource.updated_at
