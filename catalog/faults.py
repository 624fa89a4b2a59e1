"""Faults outside the request's control answer 503 with Retry-After, quickly, and pass.

The database down or unreachable, SQLite locked by another writer beyond the bounded wait,
the disk full, the file storage read-only: none of these is the client's mistake nor a bug,
so the answer is a plain 503 (JSON for the API, a page without database look-ups for people)
saying when to try again. The transaction is rolled back, so nothing is half-written, and the
next request starts afresh (pooled connections are pinged first), so the app recovers by itself
as soon as the cause is gone.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

from flask import Flask, Response, current_app, jsonify
from sqlalchemy import exc as sa_exc

from .errors import wants_json
from .extensions import db
from .i18n import N_, translated


@dataclass(frozen=True)
class Fault:
    reason: str
    message: str
    retry_after: int  # seconds


DATABASE_BUSY = Fault(
    "database_busy",
    N_("La base de datos está ocupada con otra escritura. Intente de nuevo en unos segundos."),
    2,
)
DATABASE_UNAVAILABLE = Fault(
    "database_unavailable",
    N_("La base de datos no está disponible en este momento. Intente de nuevo en unos segundos."),
    10,
)
STORAGE_FULL = Fault(
    "storage_full",
    N_("El almacenamiento del catálogo está lleno. No se guardó nada; intente más tarde."),
    60,
)
STORAGE_READ_ONLY = Fault(
    "storage_read_only",
    N_(
        "El almacenamiento del catálogo está en solo lectura. No se guardó nada; intente más tarde."
    ),
    60,
)

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def classify_database(error: BaseException) -> Fault | None:
    """The fault behind a database error, or None when it is a bug (kept as a 500)."""
    if isinstance(error, sa_exc.TimeoutError):  # no pooled connection within the wait
        return DATABASE_BUSY
    if not isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
        return None
    text = str(getattr(error, "orig", error)).lower()
    if "locked" in text or "lock timeout" in text or "could not obtain lock" in text:
        return DATABASE_BUSY
    if "disk is full" in text or "no space left" in text or "disk full" in text:
        return STORAGE_FULL
    if "readonly" in text or "read-only" in text or "read only" in text:
        return STORAGE_READ_ONLY
    return DATABASE_UNAVAILABLE


def classify_os(error: OSError) -> Fault | None:
    if error.errno in _FULL_ERRNOS:
        return STORAGE_FULL
    if error.errno in _READ_ONLY_ERRNOS:
        return STORAGE_READ_ONLY
    return None


def unavailable_response(fault: Fault) -> Response:
    message = translated(fault.message)
    if wants_json():
        response = jsonify({"error": "unavailable", "reason": fault.reason, "message": message})
    else:
        # straight from the Jinja environment: no context processors, so no user look-up
        template = current_app.jinja_env.get_template("errors/unavailable.html")
        html = template.render(message=message, fault=fault)
        response = Response(html, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(fault.retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


def _roll_back() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 — the connection may be gone; the pool replaces it
        pass


def init_faults(app: Flask) -> None:
    @app.errorhandler(sa_exc.OperationalError)
    @app.errorhandler(sa_exc.InterfaceError)
    @app.errorhandler(sa_exc.TimeoutError)
    def _database(error: Exception):
        fault = classify_database(error)
        if fault is None:
            raise error
        _roll_back()
        app.logger.warning("503 %s: %s", fault.reason, error)
        return unavailable_response(fault)

    @app.errorhandler(OSError)
    def _storage(error: OSError):
        fault = classify_os(error)
        if fault is None:
            raise error
        _roll_back()
        app.logger.warning("503 %s: %s", fault.reason, error)
        return unavailable_response(fault)
