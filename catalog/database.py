"""Engine set-up per database: SQLite pragmas and write transactions that take the lock first."""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure_engine(engine: Engine, lock_timeout_ms: int = 5000) -> None:
    """On SQLite: WAL, foreign keys, BEGIN IMMEDIATE for writes (no busy-snapshot errors) and a
    bounded wait for the write lock; past it the request answers 503 (see catalog.faults)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions are unreliable).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A write request takes the write lock up front: in WAL mode a read transaction that
        # later writes fails at once if another writer committed meanwhile.
        if connection.get_execution_options().get("catalog_read_only"):
            writing = False  # an export's snapshot: a plain read transaction, no write lock
        else:
            writing = not has_request_context() or request.method not in _READ_METHODS
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
