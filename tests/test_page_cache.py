"""Public pages kept per database state: a second request is served from memory, and a write
from anywhere — another app server, a CLI process, SQL — is visible on the very next request."""

from __future__ import annotations

from catalog.extensions import db
from catalog.models import Publisher, Resource
from catalog.services.actors import Actor
from catalog.services.resources import update_resource
from catalog.web import page_cache

from .conftest import _dispose, make_app

SLUG = "decreto-847-2019-servicio-ciudadania"


def _generation(app) -> int:
    from catalog.database import generation

    with app.app_context():
        return generation()


def test_second_request_is_served_from_the_kept_page(demo_app):
    page_cache.forget()
    client = demo_app.test_client()
    first = client.get(f"/recurso/{SLUG}")
    kept = len(page_cache._kept)
    assert kept >= 1
    again = client.get(f"/recurso/{SLUG}")
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert len(page_cache._kept) == kept  # served, not rendered and kept again
    # the security headers are there on a kept page too, and conditional requests answer 304
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert (
        client.get(f"/recurso/{SLUG}", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )
    # another language is another page
    english = client.get(f"/recurso/{SLUG}", headers={"Accept-Language": "en"})
    assert b'lang="en"' in english.data and b'lang="es"' in first.data[:200]


def test_a_write_from_another_app_server_shows_at_once(demo_app, tmp_path):
    page_cache.forget()
    client = demo_app.test_client()
    assert b"Decreto renombrado" not in client.get(f"/recurso/{SLUG}").data
    before = client.get("/entidad/secretaria-general").data
    # a second app server (its own engine and pool) on the same database writes
    other = make_app(demo_app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    try:
        with other.app_context():
            resource = db.session.execute(
                db.select(Resource).where(Resource.slug == SLUG)
            ).scalar_one()
            update_resource(
                resource, {"title": "Decreto renombrado"}, Actor.system("test"), partial=True
            )
            db.session.commit()
            publisher = Publisher.by_slug("secretaria-general")
            publisher.description = "Descripción cambiada por otro servidor."
            db.session.commit()
    finally:
        _dispose(other)
    assert b"Decreto renombrado" in client.get(f"/recurso/{SLUG}").data
    after = client.get("/entidad/secretaria-general").data
    assert after != before and "Descripción cambiada por otro servidor.".encode() in after


def test_raw_sql_moves_the_generation_and_reads_do_not(demo_app):
    before = _generation(demo_app)
    client = demo_app.test_client()
    client.get("/buscar?q=gestion")  # the search writes only its temporary tables
    client.get(f"/recurso/{SLUG}")
    assert _generation(demo_app) == before
    with demo_app.app_context():
        db.session.execute(db.text("UPDATE publisher SET name = name || ' ' WHERE slug = 'idrd'"))
        db.session.rollback()  # nothing committed: the state did not change
    assert _generation(demo_app) == before
    with demo_app.app_context():
        db.session.execute(
            db.text("UPDATE publisher SET phone = '601 000 0000' WHERE slug = 'idrd'")
        )
        db.session.commit()
    assert _generation(demo_app) == before + 1


def test_personal_requests_are_never_kept(demo_app):
    from .conftest import make_token

    page_cache.forget()
    client = demo_app.test_client()
    token = make_token(demo_app, "secretaria-general")
    client.get("/api/v1/docs", headers={"Authorization": f"Bearer {token}"})
    client.set_cookie("session", "anything", domain="catalogo.test")
    client.get(f"/recurso/{SLUG}")
    assert len(page_cache._kept) == 0
    # a bad token is refused even where a kept page exists
    client.delete_cookie("session", domain="catalogo.test")
    assert client.get("/api/v1/docs").status_code == 200 and len(page_cache._kept) == 1
    refused = client.get("/api/v1/docs", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401
