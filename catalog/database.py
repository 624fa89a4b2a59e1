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


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def count_generations(engine: Engine) -> None:
    """Every committed transaction that wrote anything moves catalog_generation on by one, in
    that same transaction: a value all app servers and CLI processes read alike, which names
    the state of the database (catalog.web.page_cache keys pages by it). Temporary tables
    (the search's per-connection scratch tables) are not the catalog's state."""
    ready: dict[str, bool] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _note_write(conn, _cursor, statement, _parameters, _context, _executemany):
        if conn.info.get("catalog_wrote"):
            return
        head = statement.lstrip()[:7].upper()
        if head.startswith(_WRITES) and "temp." not in statement:
            if "catalog_generation" not in statement:
                conn.info["catalog_wrote"] = True

    @event.listens_for(engine, "commit")
    def _bump(conn):
        if not conn.info.pop("catalog_wrote", False):
            return
        if not ready.get("table"):
            ready["table"] = _has_generation_table(conn)  # absent until migration 0022
            if not ready["table"]:
                return
        conn.exec_driver_sql("UPDATE catalog_generation SET value = value + 1 WHERE id = 1")

    @event.listens_for(engine, "rollback")
    def _forget(conn):
        conn.info.pop("catalog_wrote", None)


def _has_generation_table(conn) -> bool:
    if conn.dialect.name == "postgresql":
        query = "SELECT to_regclass('catalog_generation') IS NOT NULL"
    else:
        query = "SELECT count(*) FROM sqlite_master WHERE name = 'catalog_generation'"
    return bool(conn.exec_driver_sql(query).scalar())


def generation() -> int:
    """The database's current generation (see count_generations)."""
    from .extensions import db

    return int(
        db.session.execute(
            db.text("SELECT value FROM catalog_generation WHERE id = 1")
        ).scalar_one()
    )
