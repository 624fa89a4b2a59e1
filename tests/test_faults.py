"""Faults answer 503 with Retry-After, quickly, change nothing, and pass by themselves.

Real faults, no mocks: another connection holding the database's write lock, a PostgreSQL
server stopped and started again, SQLite refusing to grow (SQLITE_FULL), and the file storage
on a small tmpfs that fills up or is remounted read-only.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from catalog.extensions import db
from catalog.models import Resource

from . import pg_server
from .conftest import _dispose, add_two_entities, database_state, make_app, make_token
from .databases import BACKEND
from .test_api import auth, payload
from .workspace_helpers import add_user, csrf_token, sign_in

LOCK_MS = 300


@pytest.fixture
def fault_app(templates, tmp_path) -> Iterator[Flask]:
    """Two entities and a token, on an app that waits at most LOCK_MS for a database lock."""
    database = templates["empty"].clone()
    app = make_app(database.url, tmp_path, CATALOG_DB_LOCK_TIMEOUT_MS=LOCK_MS)
    add_two_entities(app)
    app.token = make_token(app, "entidad-a")
    try:
        yield app
    finally:
        _dispose(app)
        database.drop()


def _count(app: Flask) -> int:
    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(Resource))
        db.session.remove()
    return n


@contextmanager
def _write_lock_held(url: str):
    """Another client holds the lock a resource insert needs, until the block ends."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    conn = engine.connect()
    try:
        if BACKEND == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
            conn.exec_driver_sql("LOCK TABLE resource, user_account IN EXCLUSIVE MODE")
        yield
    finally:
        conn.exec_driver_sql("ROLLBACK")
        conn.close()
        engine.dispose()


def _assert_unavailable(response, reason: str) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["error"] == "unavailable" and body["reason"] == reason
    assert body["message"]


def test_a_locked_database_answers_503_quickly_and_the_retry_works(fault_app):
    client = fault_app.test_client()
    url = fault_app.config["SQLALCHEMY_DATABASE_URI"]
    before = database_state(fault_app)
    with _write_lock_held(url):
        started = time.monotonic()
        refused = client.post("/api/v1/resources", json=payload(), headers=auth(fault_app.token))
        waited = time.monotonic() - started
        # reads do not wait for writers
        assert client.get("/api/v1/resources").status_code == 200
    _assert_unavailable(refused, "database_busy")
    assert waited < 5, f"the lock wait is bounded (LOCK_MS={LOCK_MS}), it took {waited:.1f} s"
    assert database_state(fault_app) == before
    again = client.post("/api/v1/resources", json=payload(), headers=auth(fault_app.token))
    assert again.status_code == 201
    assert _count(fault_app) == 1


def test_people_get_a_plain_page_when_the_database_is_busy(fault_app):
    """A workspace form sent while the lock is held: a 503 page in Spanish, not a traceback."""
    add_user(fault_app, "editora@a.gov.co", "entidad-a")
    client = fault_app.test_client()
    sign_in(client, "editora@a.gov.co")
    home = "/publicar/entidad/entidad-a"
    token = csrf_token(client.get(home).text)
    with _write_lock_held(fault_app.config["SQLALCHEMY_DATABASE_URI"]):
        refused = client.post("/publicar/salir", data={"csrf_token": token})
    assert refused.status_code == 503
    assert refused.mimetype == "text/html"
    assert int(refused.headers["Retry-After"]) > 0
    html = refused.get_data(as_text=True)
    assert "Servicio no disponible" in html and "otra escritura" in html
    # the sign-out did not happen: the session still works, and signing out now succeeds
    assert client.get(home).status_code == 200
    assert client.post("/publicar/salir", data={"csrf_token": token}).status_code == 302
    assert client.get(home).status_code == 302


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLITE_FULL is SQLite's own disk-full error")
def test_a_full_sqlite_database_answers_503_and_recovers(fault_app):
    """SQLite's page limit gives the very error a full disk gives (SQLITE_FULL)."""
    client = fault_app.test_client()
    limit = {"pages": None}
    with fault_app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _cap(dbapi_connection, _record):
            if limit["pages"] is not None:
                dbapi_connection.execute(f"PRAGMA max_page_count={limit['pages']}")

        with engine.connect() as conn:
            limit["pages"] = conn.exec_driver_sql("PRAGMA page_count").scalar()
        engine.dispose()
    before = database_state(fault_app)
    big = payload(description="Texto largo. " * 1400)
    refused = client.post("/api/v1/resources", json=big, headers=auth(fault_app.token))
    _assert_unavailable(refused, "storage_full")
    limit["pages"] = None
    with fault_app.app_context():
        db.engine.dispose()
    assert database_state(fault_app) == before
    again = client.post("/api/v1/resources", json=big, headers=auth(fault_app.token))
    assert again.status_code == 201


# --- the database server stops and starts again ----------------------------------------------


@pytest.mark.skipif(BACKEND != "postgresql", reason="a database server to stop: PostgreSQL run")
def test_database_down_answers_503_and_recovers_when_it_is_back(tmp_path):
    from flask_migrate import upgrade

    directory = Path(tempfile.mkdtemp(prefix="pgdown"))
    os.chmod(directory, 0o755)
    try:
        url = pg_server.start(directory)
        app = make_app(
            sa.make_url(url).set(drivername="postgresql+psycopg").render_as_string(False),
            tmp_path,
            CATALOG_DB_CONNECT_TIMEOUT_SECONDS=2,
        )
        with app.app_context():
            upgrade(revision="heads")
        add_two_entities(app)
        token = make_token(app, "entidad-a")
        client = app.test_client()
        assert client.get("/api/v1/resources").status_code == 200

        pg_server.pause(directory)
        started = time.monotonic()
        down = client.get("/api/v1/resources")
        _assert_unavailable(down, "database_unavailable")
        write = client.post("/api/v1/resources", json=payload(), headers=auth(token))
        _assert_unavailable(write, "database_unavailable")
        page = client.get("/", headers={"Accept": "text/html", "Accept-Language": "es"})
        assert page.status_code == 503 and "Retry-After" in page.headers
        assert "no está disponible" in page.get_data(as_text=True)
        assert time.monotonic() - started < 10

        pg_server.start(directory)
        assert client.get("/api/v1/resources").status_code == 200
        assert _count(app) == 0  # the refused write left nothing behind
        created = client.post("/api/v1/resources", json=payload(), headers=auth(token))
        assert created.status_code == 201
        _dispose(app)
    finally:
        pg_server.stop(directory)


# --- file storage full or read-only (a real tmpfs) -------------------------------------------


@pytest.fixture
def small_storage(tmp_path) -> Iterator[Path]:
    where = tmp_path / "files"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _remount(where: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True)


PDF = b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n"


def test_full_or_read_only_file_storage_answers_503_and_keeps_nothing(fault_app, small_storage):
    fault_app.config["CATALOG_FILES_DIR"] = str(small_storage)
    client = fault_app.test_client()
    slug = client.post(
        "/api/v1/resources", json=payload(), headers=auth(fault_app.token)
    ).get_json()["slug"]
    before = database_state(fault_app)

    def upload():
        return client.post(
            f"/api/v1/resources/{slug}/files",
            data={"file": (io.BytesIO(PDF), "informe.pdf")},
            headers=auth(fault_app.token),
            content_type="multipart/form-data",
        )

    _assert_unavailable(upload(), "storage_full")
    assert list(small_storage.rglob("*")) == [], "no half-written file is left behind"
    assert database_state(fault_app) == before

    _remount(small_storage, "size=4m,ro")
    _assert_unavailable(upload(), "storage_read_only")
    assert database_state(fault_app) == before

    _remount(small_storage, "rw")
    stored = upload()
    assert stored.status_code == 201, stored.get_json()
    assert stored.get_json()["byte_size"] == len(PDF)
    assert shutil.disk_usage(small_storage).used >= len(PDF)
