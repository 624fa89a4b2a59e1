"""Fast synthetic catalogs for benchmarks: the demo district, multiplied.

The demo resources are written once through the normal services (revisions, fragments); then
their rows — resource, keywords, themes, distributions and stored fragments — are copied N times
with new ids, slugs and UUIDs in bulk SQL. The result is what N writes through the API would
leave, without waiting for N rdflib renderings.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("CATALOG_SECRET_KEY", "benchmark")

from flask import Flask  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from catalog import create_app  # noqa: E402
from catalog.extensions import db  # noqa: E402
from catalog.models import (  # noqa: E402
    Distribution,
    Resource,
    ResourceFragment,
    ResourceKeyword,
    ResourceTheme,
    SearchEntry,
)

BATCH = 2000


def arguments() -> tuple[list[str], str | None]:
    """The benchmark's positional arguments and its `--database URL` (an empty database,
    SQLite or PostgreSQL; without it, a temporary SQLite file)."""
    args, database = [], None
    rest = iter(sys.argv[1:])
    for arg in rest:
        if arg == "--database":
            database = next(rest, None)
        elif arg.startswith("--database="):
            database = arg.split("=", 1)[1]
        elif not arg.startswith("--"):
            args.append(arg)
    return args, database


def make_app(database_url: str | None = None) -> tuple[Flask, Path | None]:
    workdir = None
    if database_url is None:
        workdir = Path(tempfile.mkdtemp(prefix="catalog-bench-"))
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CATALOG_BASE_URI": "https://catalogo.bogota.gov.co",
        }
    )
    gc.freeze()  # as wsgi.py does in production: the app's long-lived objects skip full GCs
    return app, workdir


def _rows(model, where) -> list[dict]:
    columns = [c for c in model.__table__.columns]
    return [dict(r._mapping) for r in db.session.execute(select(*columns).where(where))]


def populate(app: Flask, total: int) -> float:
    """Make the catalog hold `total` published resources; returns seconds taken."""
    from flask_migrate import upgrade

    from catalog.demo.loader import load_demo

    started = time.perf_counter()
    with app.app_context():
        upgrade(revision="heads")
        load_demo()
        templates = (
            db.session.execute(
                select(Resource).where(Resource.status == "published").order_by(Resource.id)
            )
            .scalars()
            .all()
        )
        have = db.session.execute(select(db.func.count(Resource.id))).scalar_one()
        next_id = db.session.execute(select(db.func.max(Resource.id))).scalar_one() + 1
        base = {t.id: t for t in templates}
        res_rows = {t.id: _rows(Resource, Resource.id == t.id)[0] for t in templates}
        kw_rows = {
            t.id: _rows(ResourceKeyword, ResourceKeyword.resource_id == t.id) for t in templates
        }
        th_rows = {t.id: _rows(ResourceTheme, ResourceTheme.resource_id == t.id) for t in templates}
        di_rows = {t.id: _rows(Distribution, Distribution.resource_id == t.id) for t in templates}
        fr_rows = {
            t.id: _rows(ResourceFragment, ResourceFragment.resource_id == t.id)[0]
            for t in templates
        }
        ids = list(base)
        from catalog.search.index import document

        search_docs = {t.id: document(t) for t in templates}
        entries = {t.id: _rows(SearchEntry, SearchEntry.resource_id == t.id)[0] for t in templates}
        batch: dict[str, list[dict]] = {key: [] for key in ("r", "k", "t", "d", "f", "s", "e")}
        for n in range(max(0, total - have)):
            source = ids[n % len(ids)]
            new_id = next_id + n
            slug = f"{base[source].slug}-{n + 1}"
            row = dict(res_rows[source])
            row.update(
                id=new_id,
                slug=slug,
                uuid=str(uuid.uuid4()),
                title=f"{row['title']} ({n + 1})",
                updated_at=row["updated_at"] - timedelta(minutes=n + 1),
            )
            batch["r"].append(row)
            batch["k"] += [
                {**{k: v for k, v in kw.items() if k != "id"}, "resource_id": new_id}
                for kw in kw_rows[source]
            ]
            batch["t"] += [
                {**{k: v for k, v in th.items() if k != "id"}, "resource_id": new_id}
                for th in th_rows[source]
            ]
            batch["d"] += [
                {
                    **{k: v for k, v in d.items() if k != "id"},
                    "resource_id": new_id,
                    "uuid": str(uuid.uuid4()),
                }
                for d in di_rows[source]
            ]
            fragment = dict(fr_rows[source])
            old = f"/recurso/{base[source].slug}"
            for key in ("nt", "ttl", "jsonld", "rdfxml", "datajson"):
                fragment[key] = (
                    (fragment[key] or "")
                    .replace(old + ">", f"/recurso/{slug}>")
                    .replace(old + '"', f'/recurso/{slug}"')
                    .replace(old + "#", f"/recurso/{slug}#")
                )
            fragment["resource_id"] = new_id
            batch["f"].append(fragment)
            batch["e"].append(
                {
                    **entries[source],
                    "resource_id": new_id,
                    "title": row["title"],
                    "updated_at": row["updated_at"],
                }
            )
            title, body = search_docs[source]
            batch["s"].append({"id": new_id, "title": f"{title} ({n + 1})", "body": body})
            if len(batch["r"]) >= BATCH:
                _flush(batch)
        _flush(batch)
        if db.engine.dialect.name == "postgresql":  # the copies took explicit ids
            db.session.execute(
                db.text(
                    "SELECT setval(pg_get_serial_sequence('resource', 'id'), "
                    "(SELECT max(id) FROM resource))"
                )
            )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # planner statistics, as after any bulk load
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def _flush(batch: dict[str, list[dict]]) -> None:
    from sqlalchemy import text

    from catalog.text import fold

    for key, model in (
        ("r", Resource),
        ("k", ResourceKeyword),
        ("t", ResourceTheme),
        ("d", Distribution),
        ("f", ResourceFragment),
        ("e", SearchEntry),
    ):
        if batch[key]:
            db.session.execute(insert(model.__table__), batch[key])
            batch[key] = []
    # after the resources: PostgreSQL checks resource_search.resource_id against them
    if batch["s"]:
        if db.engine.dialect.name == "sqlite":
            db.session.execute(
                text("INSERT INTO resource_fts (rowid, title, body) VALUES (:id, :title, :body)"),
                batch["s"],
            )
        else:
            db.session.execute(
                text(
                    "INSERT INTO resource_search (resource_id, folded_title, folded_body) "
                    "VALUES (:id, :title, :body)"
                ),
                [
                    {**row, "title": fold(row["title"]), "body": fold(row["body"])}
                    for row in batch["s"]
                ],
            )
        batch["s"] = []
