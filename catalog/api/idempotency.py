"""`Idempotency-Key` on the API's creates: a retried request creates nothing twice.

A client that sends `Idempotency-Key: <its own unique value>` with a POST that creates
something (a resource, a distribution, a hosted file) and gets no answer — the connection
dropped, a 503, a timeout — sends the same request again with the same key. If the first one
was committed, the retry creates nothing and answers what the first created (201, with
`Idempotent-Replayed: true`); if it was not, the retry runs as new.

The key is written **in the same transaction** as what it created (a `before_commit` hook on
the session), so "created" and "remembered" can never disagree — not even when the connection
drops at commit time. Keys belong to the token that sent them and are kept 24 hours; the same
key with a different request is refused (422), and two requests racing with the same key end
with one created and the other answered 409 (retry it: it is then replayed).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Response, current_app, has_request_context, request
from sqlalchemy import delete, event
from sqlalchemy.orm import Session

from ..errors import Gone, Invalid
from ..extensions import db
from ..models import Distribution, Resource
from ..models.operations import IdempotentReply
from ..models.types import utcnow
from .auth import required_actor

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
_KEY = re.compile(r"[\x21-\x7e]{1,200}")


@dataclass
class Pending:
    scope: str
    key: str
    request_hash: str
    kind: type  # Resource or Distribution: what the request creates
    created: list[Any] = field(default_factory=list)
    written: bool = False


def _request_hash() -> str:
    """What makes two requests "the same": method, path, and the body (for a multipart
    upload: its fields and each file's name and content)."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.mimetype == "multipart/form-data":
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(f"field {name}={value}\n".encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            digest.update(f"file {name} {upload.filename}\n".encode())
            stream = upload.stream
            while chunk := stream.read(1 << 16):
                digest.update(chunk)
            stream.seek(0)
    else:
        digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def idempotent(kind: type, replay: Callable[[Resource, Distribution | None], Response]):
    """Make a create view honour `Idempotency-Key`. `replay` answers for a remembered result."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            key = request.headers.get(HEADER)
            if key is None:
                return view(*args, **kwargs)
            actor = required_actor()  # authorisation first: keys belong to a token
            if not _KEY.fullmatch(key):
                raise Invalid(
                    {
                        HEADER: [
                            "La clave debe tener entre 1 y 200 caracteres ASCII visibles "
                            "(sin espacios), por ejemplo un UUID."
                        ]
                    }
                )
            scope = f"token:{actor.token_id}"
            digest = _request_hash()
            db.session.execute(
                delete(IdempotentReply).where(IdempotentReply.created_at < utcnow() - KEEP)
            )
            known = db.session.get(IdempotentReply, (scope, key))
            if known is not None:
                if known.request_hash != digest:
                    db.session.rollback()
                    raise Invalid(
                        {
                            HEADER: [
                                "Esta clave ya se usó con otra solicitud distinta; use una "
                                "clave nueva para cada creación."
                            ]
                        }
                    )
                return _replayed(known, replay)
            pending = Pending(scope, key, digest, kind)
            db.session.info["idempotency"] = pending
            try:
                return view(*args, **kwargs)
            finally:
                db.session.info.pop("idempotency", None)

        return wrapped

    return decorate


def _replayed(known: IdempotentReply, replay) -> Response:
    body = known.body or {}
    resource = db.session.execute(
        db.select(Resource).where(Resource.uuid == body.get("resource"))
    ).scalar_one_or_none()
    distribution = None
    if resource is not None and body.get("distribution"):
        distribution = next(
            (d for d in resource.distributions if d.uuid == body["distribution"]), None
        )
    if resource is None or (body.get("distribution") and distribution is None):
        raise Gone("Lo que creó esa solicitud ya no existe (fue eliminado después).")
    response = replay(resource, distribution)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _pending(session: Session) -> Pending | None:
    if not has_request_context():
        return None
    pending = session.info.get("idempotency")
    return pending if isinstance(pending, Pending) and not pending.written else None


_registered = False


def init_idempotency() -> None:
    global _registered
    if _registered:
        return
    _registered = True

    @event.listens_for(Session, "before_flush")
    def _collect(session: Session, _context, _instances) -> None:
        pending = _pending(session)
        if pending is not None:
            pending.created.extend(o for o in session.new if isinstance(o, pending.kind))

    @event.listens_for(Session, "before_commit")
    def _remember(session: Session) -> None:
        pending = _pending(session)
        if pending is None:
            return
        session.flush()
        if not pending.created:  # e.g. the token's last-use stamp: not the create itself
            return
        made = pending.created[0]
        if isinstance(made, Distribution):
            body = {"resource": made.resource.uuid, "distribution": made.uuid}
        else:
            body = {"resource": made.uuid}
        session.add(
            IdempotentReply(
                scope=pending.scope,
                key=pending.key,
                request_hash=pending.request_hash,
                status=201,
                body=body,
                headers={},
            )
        )
        pending.written = True
        current_app.logger.debug("idempotency key %s remembered", pending.key)
