"""Rate limits kept in the database (so every app server counts the same attempts).

Fixed windows: a key (already hashed: no address is stored in clear) counts its attempts per
window of `seconds`; over `limit` the caller is told how long to wait.
"""

from __future__ import annotations

import hashlib
import time

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import RequestThrottle


def hashed(kind: str, value: str) -> str:
    """A key for `value` (an address, an e-mail) that does not reveal it: keyed SHA-256."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hashlib.sha256(secret + b"\0" + kind.encode() + b"\0" + value.encode()).hexdigest()
    return f"{kind}:{digest[:40]}"


def retry_after(key: str, limit: int, seconds: int) -> int | None:
    """Seconds to wait if `key` already used its `limit` attempts in this window, else None."""
    now = time.time()
    window = int(now // seconds)
    row = db.session.get(RequestThrottle, (key, window))
    if row is not None and row.count >= limit:
        return max(1, int((window + 1) * seconds - now))
    return None


def count(key: str, seconds: int) -> None:
    """Count one attempt for `key` in the current window (commits; old windows are purged)."""
    window = int(time.time() // seconds)
    for _ in range(3):
        row = db.session.execute(
            db.select(RequestThrottle)
            .where(RequestThrottle.key == key, RequestThrottle.window == window)
            .with_for_update()
        ).scalar_one_or_none()
        if row is None:
            db.session.add(RequestThrottle(key=key, window=window, count=1))
        else:
            row.count += 1
        try:
            db.session.execute(
                db.delete(RequestThrottle).where(
                    RequestThrottle.key == key, RequestThrottle.window < window
                )
            )
            db.session.commit()
            return
        except IntegrityError:  # another server inserted the same window first
            db.session.rollback()
