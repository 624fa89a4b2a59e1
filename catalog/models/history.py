"""Revisions: every change to a resource, chained by hashes so history is tamper-evident."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JSONType, UTCDateTime, utcnow


class Revision(db.Model):
    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("resource_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(String(500), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    catalog_prev_hash: Mapped[str | None] = mapped_column(String(64))
    catalog_hash: Mapped[str] = mapped_column(String(64))
    # 1: written before migration 0015 (hash without changes and actor ids); 2: every column
    hash_version: Mapped[int] = mapped_column(Integer, default=2, server_default="1")

    resource = relationship("Resource")


class ChainHead(db.Model):
    """One row: the head of the catalog-wide chain. Locked while a revision is appended."""

    __tablename__ = "chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))
    hash: Mapped[str | None] = mapped_column(String(64))
    length: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
