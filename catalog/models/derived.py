"""Stored outputs derived from resources: DCAT fragments and link-check results."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class ResourceFragment(db.Model):
    """A resource's DCAT rendered once per change, in every serialisation (see DESIGN.md):
    its own triples, and the shared nodes it points at as separate blocks (each emitted once
    per document)."""

    __tablename__ = "resource_fragment"

    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True
    )
    nt: Mapped[str] = mapped_column(Text, default="")
    ttl: Mapped[str] = mapped_column(Text, default="")
    jsonld: Mapped[str] = mapped_column(Text, default="")
    rdfxml: Mapped[str] = mapped_column(Text, default="")
    # the keys (JSON list) of the shared blocks it points at, in shared_block
    shared_keys: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    datajson: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")  # plain text
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SharedBlock(db.Model):
    """One shared node (concept, agent, place…) as some resources describe it, in every
    serialisation, under the hash of its N-Triples text: content-addressed, never updated."""

    __tablename__ = "shared_block"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    nt: Mapped[str] = mapped_column(Text)
    ttl: Mapped[str] = mapped_column(Text)
    jsonld: Mapped[str] = mapped_column(Text)
    rdfxml: Mapped[str] = mapped_column(Text)


class LinkCheck(db.Model):
    """The last result of checking one URL (written by the link checker only)."""

    __tablename__ = "link_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    url_hash: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    ok: Mapped[bool] = mapped_column(default=False)
    media_type: Mapped[str | None] = mapped_column(String(120))
    error: Mapped[str | None] = mapped_column(String(500))
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)


class FileCheck(db.Model):
    """The last time `catalog verify` re-hashed a hosted file, and whether it still matched."""

    __tablename__ = "file_check"

    distribution_id: Mapped[int] = mapped_column(
        ForeignKey("distribution.id", ondelete="CASCADE"), primary_key=True
    )
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ok: Mapped[bool] = mapped_column(default=False)
    problem: Mapped[str | None] = mapped_column(String(200))
