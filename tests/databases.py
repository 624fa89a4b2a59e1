"""Test databases: a migrated template per backend, cloned for each test that writes.

SQLite: the template is a file, cloned by copying it. PostgreSQL: the template is a database,
cloned with CREATE DATABASE … TEMPLATE (fast, file-level copy). The backend is chosen by
CATALOG_TEST_DB (sqlite | postgresql); PostgreSQL needs CATALOG_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import sqlalchemy as sa

BACKEND = os.environ.get("CATALOG_TEST_DB", "sqlite")


def _pg_admin_url() -> sa.URL:
    raw = os.environ.get("CATALOG_TEST_POSTGRES_URL")
    if not raw:
        raise RuntimeError(
            "CATALOG_TEST_DB=postgresql needs CATALOG_TEST_POSTGRES_URL "
            "(make test starts a temporary server and sets it)"
        )
    url = sa.make_url(raw)
    return url.set(drivername="postgresql+psycopg")


def _pg_execute(statement: str) -> None:
    engine = sa.create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with engine.connect() as conn:
        conn.exec_driver_sql(statement)
    engine.dispose()


class Database:
    """One test database (a URL), made from a template and dropped afterwards."""

    def __init__(self, url: str, cleanup):
        self.url = url
        self._cleanup = cleanup

    def drop(self) -> None:
        self._cleanup()


class Template:
    def __init__(self, name: str, workdir: Path):
        self.name = name
        self.workdir = workdir
        if BACKEND == "sqlite":
            self.path = workdir / f"{name}.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.dbname = f"t_{name}_{uuid.uuid4().hex[:8]}"
            _pg_execute(f'CREATE DATABASE "{self.dbname}"')
            self.url = (
                _pg_admin_url().set(database=self.dbname).render_as_string(hide_password=False)
            )

    def finish(self) -> None:
        """Call after filling the template: close connections so it can be copied."""
        if BACKEND == "sqlite":
            con = sa.create_engine(self.url, poolclass=sa.NullPool)
            with con.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            con.dispose()

    def clone(self) -> Database:
        if BACKEND == "sqlite":
            path = self.workdir / f"{self.name}-{uuid.uuid4().hex[:8]}.sqlite3"
            shutil.copyfile(self.path, path)

            def cleanup() -> None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)

            return Database(f"sqlite:///{path}", cleanup)
        name = f"{self.dbname}_{uuid.uuid4().hex[:8]}"
        _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.dbname}"')
        url = _pg_admin_url().set(database=name).render_as_string(hide_password=False)
        return Database(url, lambda: _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def drop(self) -> None:
        if BACKEND == "postgresql":
            _pg_execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')


def copy_database(url: str):
    """A copy of a live test database (its connections closed first); returns (url, drop)."""
    if BACKEND == "sqlite":
        source = Path(sa.make_url(url).database)
        engine = sa.create_engine(url, poolclass=sa.NullPool)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        target = source.with_name(f"copy-{uuid.uuid4().hex[:8]}.sqlite3")
        shutil.copyfile(source, target)

        def cleanup() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)

        return f"sqlite:///{target}", cleanup
    source_name = sa.make_url(url).database
    name = f"{source_name}_c{uuid.uuid4().hex[:6]}"
    _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{source_name}"')
    copy = _pg_admin_url().set(database=name).render_as_string(hide_password=False)
    return copy, lambda: _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
