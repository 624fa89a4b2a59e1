"""Operational state every app server must share: rate-limit counters and idempotent replies.

Both live in the database (never in one process's memory), so several app servers behind a
load balancer agree on them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import JSONType, UTCDateTime, utcnow


class RequestThrottle(db.Model):
    """Attempts counted per key (e.g. a sign-in address, hashed) in fixed time windows."""

    __tablename__ = "request_throttle"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class IdempotentReply(db.Model):
    """The reply to an API create sent with an `Idempotency-Key`, replayed on a retry."""

    __tablename__ = "idempotent_reply"

    scope: Mapped[str] = mapped_column(String(100), primary_key=True)  # who sent it
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSONType)
    headers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
