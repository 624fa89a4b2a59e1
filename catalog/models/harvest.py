"""Harvest sources (other portals the catalog gathers from), their runs, and what each brought.

The lock that keeps two runs of a source from overlapping is a column here (`lock_until`), so
every app server and cron host agrees on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JSONType, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .publishers import Publisher
    from .resources import Resource

KINDS = ("ckan", "dcat", "datajson")
WITHDRAWN_AT_SOURCE = "retirado en la fuente"


class HarvestSource(db.Model):
    __tablename__ = "harvest_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    publisher_id: Mapped[int] = mapped_column(ForeignKey("publisher.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(2000))
    every_seconds: Mapped[int] = mapped_column(Integer, default=86400)
    grace_seconds: Mapped[int] = mapped_column(Integer, default=7 * 86400)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # optional filters: {"organization": "<CKAN org name>"}, {"publisher": "<DCAT agent IRI>"}
    filters: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_complete_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    publisher: Mapped[Publisher] = relationship()
    runs: Mapped[list[HarvestRun]] = relationship(
        back_populates="source", order_by="HarvestRun.id.desc()", cascade="all, delete-orphan"
    )


class HarvestRun(db.Model):
    __tablename__ = "harvest_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("harvest_source.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running ok failed
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)  # every page was read
    pages: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)
    # [{"record": remote id or title, "reason": Spanish}] refused; approximated values
    refused: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    approximated: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    error: Mapped[str | None] = mapped_column(Text)

    source: Mapped[HarvestSource] = relationship(back_populates="runs")


class HarvestRecord(db.Model):
    """One remote record of a source and the resource it became."""

    __tablename__ = "harvest_record"
    __table_args__ = (UniqueConstraint("source_id", "remote_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("harvest_source.id"), index=True)
    remote_id: Mapped[str] = mapped_column(String(500))
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), unique=True)
    original_uri: Mapped[str | None] = mapped_column(String(2000), index=True)
    original_page: Mapped[str | None] = mapped_column(String(2000))
    content_hash: Mapped[str] = mapped_column(String(64))
    filters_seen: Mapped[str] = mapped_column(String(64), default="")
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    missing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    source: Mapped[HarvestSource] = relationship()
    resource: Mapped[Resource] = relationship(back_populates="harvest")
