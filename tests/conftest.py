"""Fixtures: real databases (SQLite or PostgreSQL) cloned from migrated templates per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, text

os.environ.setdefault("CATALOG_SECRET_KEY", "test-secret-key-not-for-production")

from catalog import create_app  # noqa: E402
from catalog.extensions import db  # noqa: E402

from .databases import BACKEND, Template  # noqa: E402

BASE_URI = "http://catalogo.test"
HERE = Path(__file__).parent


def make_app(url: str, tmp: Path, **overrides) -> Flask:
    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "CATALOG_BASE_URI": BASE_URI,
        "TESTING": True,
        "SERVER_NAME": "catalogo.test",
        "CATALOG_FILES_DIR": str(tmp / "files"),
        "CATALOG_WITNESS_FILE": str(tmp / "chain-head.json"),
    }
    config.update(overrides)
    return create_app(config)


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> Iterator[dict[str, Template]]:
    from flask_migrate import upgrade

    from catalog.demo.loader import load_demo

    # CATALOG_TEST_TEMPLATES=<dir> keeps the SQLite templates between runs (the mutation run
    # starts pytest once per mutant; migrating and loading the demo each time would dominate)
    cache = os.environ.get("CATALOG_TEST_TEMPLATES") if BACKEND == "sqlite" else None
    workdir = Path(cache) if cache else tmp_path_factory.mktemp("db")
    workdir.mkdir(parents=True, exist_ok=True)
    built: dict[str, Template] = {}
    for name in ("empty", "demo"):
        template = Template(name, workdir)
        if cache and template.path.exists():
            built[name] = template
            continue
        app = make_app(template.url, workdir)
        with app.app_context():
            upgrade(revision="heads")
            if name == "demo":
                load_demo()
        _dispose(app)
        template.finish()
        built[name] = template
    yield built
    if not cache:
        for template in built.values():
            template.drop()


def _app_from(template: Template, tmp: Path) -> Iterator[Flask]:
    database = template.clone()
    app = make_app(database.url, tmp)
    try:
        yield app
    finally:
        _dispose(app)
        database.drop()


@pytest.fixture
def app(templates, tmp_path) -> Iterator[Flask]:
    """An app on a fresh, empty (migrated) database."""
    yield from _app_from(templates["empty"], tmp_path)


@pytest.fixture
def demo_app(templates, tmp_path) -> Iterator[Flask]:
    """An app on a fresh copy of the demo catalog; tests may write."""
    yield from _app_from(templates["demo"], tmp_path)


@pytest.fixture(scope="module")
def shared_demo(templates, tmp_path_factory) -> Iterator[Flask]:
    """One demo database for a whole module of read-only tests."""
    yield from _app_from(templates["demo"], tmp_path_factory.mktemp("shared"))


@pytest.fixture
def client(demo_app):
    return demo_app.test_client()


def make_token(app: Flask, publisher: str, role: str = "editor") -> str:
    from catalog.services.actors import Actor
    from catalog.services.resources import find_publisher
    from catalog.services.tokens import create_token

    with app.app_context():
        _, plaintext = create_token(find_publisher(publisher), role, Actor.system("test"))
    return plaintext


def database_state(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: to prove a refused request changed nothing."""
    state: dict[str, list[tuple]] = {}
    with app.app_context():
        for table in sorted(inspect(db.engine).get_table_names()):
            if table == "alembic_version":
                continue
            rows = db.session.execute(text(f'SELECT * FROM "{table}"')).all()
            state[table] = sorted(tuple(map(repr, row)) for row in rows)
        db.session.remove()
    return state


def pytest_report_header(config) -> str:
    return f"catalog test database: {BACKEND}"


def add_two_entities(app: Flask) -> dict[str, int]:
    """Entity A with one unit, and entity B: the smallest district that shows per-entity rules.
    Returns their ids by slug."""
    from catalog.models import Publisher

    with app.app_context():
        a = Publisher(slug="entidad-a", name="Entidad A")
        unit = Publisher(slug="entidad-a-unidad", name="Unidad de A", kind="dependencia", parent=a)
        b = Publisher(slug="entidad-b", name="Entidad B")
        db.session.add_all([a, unit, b])
        db.session.commit()
        return {p.slug: p.id for p in (a, unit, b)}
