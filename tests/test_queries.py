"""No query per row: the number of SQL statements a page runs does not grow with its rows."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from catalog.extensions import db


@contextmanager
def counting(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def run(app, path: str) -> int:
    client = app.test_client()
    client.get(path)  # warm caches (vocabularies, templates)
    with counting(app) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_queries_do_not_grow_with_rows(shared_demo):
    few = run(shared_demo, "/buscar?tipo=manual")  # a handful of results
    many = run(shared_demo, "/buscar")  # a full page of 20
    assert many <= few + 2, (few, many)
    assert many < 25
    assert run(shared_demo, "/") < 15
    assert run(shared_demo, "/entidad/secretaria-general") < 15
    assert run(shared_demo, "/feeds/recursos.atom?antes=") < 15
    with shared_demo.app_context():
        from catalog.models import PUBLISHED, Resource

        slugs = (
            db.session.execute(
                db.select(Resource.slug).where(Resource.status == PUBLISHED).limit(60)
            )
            .scalars()
            .all()
        )
    counts = {run(shared_demo, f"/recurso/{s}") for s in slugs[:40] if s}
    assert max(counts) < 20, counts
