"""API tokens: random secrets shown once, stored as SHA-256, scoped to one publisher."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from ..errors import Invalid, NotFound
from ..extensions import db
from ..models import ROLES, ApiToken, Publisher, utcnow
from .actors import Actor

PREFIX = "cgp_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


MAX_DAYS = 3650


def create_token(
    publisher: Publisher,
    role: str,
    actor: Actor,
    name: str = "",
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for the publisher; returns the row and the plaintext (never stored).
    With `expires_in_days` the token stops working after that many days."""
    actor.require_manage(publisher)
    if role not in ROLES:
        raise Invalid({"role": [f"Rol desconocido: use uno de {', '.join(ROLES)}."]})
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_DAYS:
        raise Invalid({"expires_in_days": [f"Indique entre 1 y {MAX_DAYS} días."]})
    plaintext = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        publisher=publisher,
        role=role,
        name=name[:120],
        prefix=plaintext[:12],
        token_hash=_digest(plaintext),
        created_by_id=actor.user_id,
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    db.session.add(token)
    db.session.commit()
    return token, plaintext


def revoke_token(token_id: int, actor: Actor) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No existe ese token.")
    actor.require_manage(token.publisher)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token


def actor_for_token(plaintext: str) -> Actor | None:
    """The actor a bearer token stands for, or None if unknown or revoked."""
    if not plaintext.startswith(PREFIX) or len(plaintext) > 200:
        return None
    token = db.session.execute(
        db.select(ApiToken).where(ApiToken.token_hash == _digest(plaintext))
    ).scalar_one_or_none()
    if token is None or not token.is_active:
        return None
    return Actor(
        label=f"token {token.prefix}… ({token.publisher.slug})",
        token_id=token.id,
        roles={token.publisher_id: token.role},
    )


def touch_token(token_id: int) -> None:
    """Record use (called on write requests only, which already hold the write lock)."""
    token = db.session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = utcnow()
