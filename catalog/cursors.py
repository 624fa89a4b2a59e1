"""Opaque paging cursors, one codec for every paged output (the publisher API, the harvest
catalog, the feeds): URL-safe base64 of a keyset position. Decoding raises ValueError; each
caller answers it with its own 4xx naming its parameter."""

from __future__ import annotations

import base64
from datetime import datetime

MAX_ID = 2**63 - 1  # a database id: beyond it a cursor is not one of ours


def _pack(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unpack(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise ValueError("cursor no válido") from None


def _ident(text: str) -> int:
    ident = int(text)
    if not 0 <= ident <= MAX_ID:
        raise ValueError("cursor fuera de rango")
    return ident


def encode_id(ident: int) -> str:
    """The position after the row with this id (pages ordered by id)."""
    return _pack(f"id:{ident}")


def decode_id(token: str) -> int:
    kind, _, ident = _unpack(token).partition(":")
    if kind != "id":
        raise ValueError("cursor no válido")
    return _ident(ident)


def encode_key(updated_at: datetime, ident: int) -> str:
    """The position before (updated_at, id) (pages ordered newest first)."""
    return _pack(f"{updated_at.isoformat()}|{ident}")


def decode_key(token: str) -> tuple[datetime, int]:
    stamp, _, ident = _unpack(token).partition("|")
    return datetime.fromisoformat(stamp), _ident(ident)
