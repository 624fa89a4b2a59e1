"""Feeds, read back with a real feed parser (feedparser)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser
import pytest

from catalog.extensions import db
from catalog.models import PUBLISHED, Publisher, Resource
from catalog.services.actors import Actor
from catalog.services.resources import change_status, get_resource, update_resource

BASE = "http://catalogo.test"
KINDS = [
    "/feeds/recursos",
    "/feeds/entidad/secretaria-general",
    "/feeds/tipo/buena-practica",
    "/feeds/tipo/norma",
    "/feeds/tema/datos-gov-co/funcion-publica",
    "/feeds/tema/mipg/gobierno-digital",
    "/feeds/tema/eu-themes/gove",
    "/feeds/palabra/datos abiertos",
    "/feeds/buscar",
]


def alternate(entry) -> str:
    """The entry's HTML link (feedparser may expose an enclosure as entry.link)."""
    return next(link.href for link in entry.links if link.rel == "alternate")


def parse(response):
    assert response.status_code == 200, response.data[:300]
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    ET.fromstring(response.data)  # well-formed XML
    return feed


@pytest.mark.parametrize("path", KINDS)
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_every_feed_kind_parses(shared_demo, path, fmt):
    response = shared_demo.test_client().get(f"{path}.{fmt}")
    feed = parse(response)
    assert response.mimetype == f"application/{fmt}+xml"
    assert feed.version.startswith(fmt)
    assert feed.feed.get("language", "").lower().startswith("es")
    for entry in feed.entries:
        assert alternate(entry).startswith(f"{BASE}/recurso/")  # HTML page, never JSON
        assert entry.id.startswith(f"{BASE}/id/recurso/")
        assert "updated_parsed" in entry or "published_parsed" in entry
        assert entry.get("summary")


def test_site_feed_entries_carry_everything(shared_demo):
    client = shared_demo.test_client()
    atom = parse(client.get("/feeds/recursos.atom"))
    rss = parse(client.get("/feeds/recursos.rss"))
    with shared_demo.app_context():
        newest = (
            db.session.execute(
                db.select(Resource)
                .where(Resource.status == PUBLISHED)
                .order_by(Resource.updated_at.desc(), Resource.id.desc())
                .limit(50)
            )
            .scalars()
            .all()
        )
        expected = [(r.slug, r.title, r.publisher.name, r.type) for r in newest]
        with_download = {
            r.slug: [d.download_url for d in r.distributions if d.download_url] for r in newest
        }
    assert [e.title for e in atom.entries] == [title for _, title, _, _ in expected]
    assert [e.title for e in rss.entries] == [title for _, title, _, _ in expected]
    assert atom.feed.title.startswith("Novedades")
    root = ET.fromstring(client.get("/feeds/recursos.atom").data)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "es-CO"
    for entry, (slug, _, publisher, kind) in zip(atom.entries, expected, strict=True):
        assert alternate(entry) == f"{BASE}/recurso/{slug}"
        assert entry.id == f"{BASE}/id/recurso/{slug}"
        assert entry.author_detail.name == publisher
        terms = {t.term for t in entry.tags}
        assert f"https://catalogo.bogota.gov.co/def/resource-types/{kind}" in terms
        enclosures = [link.href for link in entry.links if link.rel == "enclosure"]
        assert enclosures == with_download[slug]
    for entry, (slug, _, _, _) in zip(rss.entries, expected, strict=True):
        assert entry.id == f"{BASE}/id/recurso/{slug}"  # guid, not a permalink
        if with_download[slug]:
            assert entry.enclosures[0].href == with_download[slug][0]


def test_entity_feed_includes_units_and_type_feed_filters(demo_app):
    from catalog.services.resources import create_resource

    client = demo_app.test_client()
    with demo_app.app_context():
        entity = db.session.execute(
            db.select(Publisher).where(Publisher.slug == "secretaria-general")
        ).scalar_one()
        unit = entity.units[0].slug
        create_resource(
            {
                "title": "Guía publicada por una dependencia",
                "type": "guia",
                "publisher": unit,
                "status": "published",
            },
            Actor.system(),
        )
        other = (
            db.session.execute(
                db.select(Resource.slug)
                .join(Publisher, Resource.publisher_id == Publisher.id)
                .where(Resource.status == PUBLISHED, Publisher.slug == "secretaria-hacienda")
            )
            .scalars()
            .all()
        )
    feed = parse(client.get("/feeds/entidad/secretaria-general.atom"))
    got = {alternate(e).rsplit("/", 1)[-1] for e in feed.entries}
    assert "guia-publicada-por-una-dependencia" in got  # a unit's resource reaches the entity
    assert not got & set(other)
    assert "Secretaría General" in feed.feed.title
    practices = parse(client.get("/feeds/tipo/buena-practica.rss"))
    assert practices.feed.title.startswith("Buenas prácticas")
    assert practices.entries
    for entry in practices.entries:  # RSS: category text is the label, domain the scheme
        assert "Buena práctica" in {t.term for t in entry.tags}


def test_conditional_get_and_cache_headers(shared_demo):
    client = shared_demo.test_client()
    first = client.get("/feeds/recursos.rss")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get("/feeds/recursos.rss", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    since = client.get(
        "/feeds/recursos.rss", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304


def test_update_changes_etag_and_says_what_changed(demo_app):
    client = demo_app.test_client()
    etag = client.get("/feeds/recursos.atom").headers["ETag"]
    with demo_app.app_context():
        slug = (
            db.session.execute(
                db.select(Resource.slug).where(Resource.status == PUBLISHED).order_by(Resource.id)
            )
            .scalars()
            .first()
        )
        resource = get_resource(slug)
        update_resource(resource, {"version_label": "3.0"}, Actor.system("prueba"), partial=True)
    fresh = client.get("/feeds/recursos.atom", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    feed = parse(fresh)
    top = feed.entries[0]
    assert alternate(top).endswith(f"/recurso/{slug}")
    assert top.summary.startswith("Actualizado:")
    assert "versión" in top.summary


def test_withdrawn_resources_leave_the_feeds(demo_app):
    client = demo_app.test_client()
    with demo_app.app_context():
        slug = (
            db.session.execute(
                db.select(Resource.slug)
                .where(Resource.status == PUBLISHED)
                .order_by(Resource.updated_at.desc())
            )
            .scalars()
            .first()
        )
    assert slug in client.get("/feeds/recursos.rss").get_data(as_text=True)
    with demo_app.app_context():
        change_status(get_resource(slug), "withdrawn", Actor.system(), reason="Derogada.")
    for fmt in ("rss", "atom"):
        feed = parse(client.get(f"/feeds/recursos.{fmt}"))
        assert all(not alternate(e).endswith(f"/recurso/{slug}") for e in feed.entries)


def test_one_hostile_record_cannot_break_a_feed(demo_app):
    """Text that bypassed validation (e.g. an old import) is stripped or escaped on output."""
    with demo_app.app_context():
        resource = (
            db.session.execute(
                db.select(Resource).where(Resource.status == PUBLISHED).order_by(Resource.id)
            )
            .scalars()
            .first()
        )
        resource.title = "Ataque \x01\x1b\ufffe \u202e<script>alert(1)</script> fin"
        resource.description = "<img src=x onerror=alert(2)> **negrita** \x0b roto"
        resource.updated_at = resource.updated_at.replace(year=2030)
        db.session.commit()
    client = demo_app.test_client()
    for fmt in ("rss", "atom"):
        response = client.get(f"/feeds/recursos.{fmt}")
        feed = parse(response)
        top = feed.entries[0]
        assert "Ataque" in top.title and "fin" in top.title
        assert "\u202e" not in top.title and "\x1b" not in top.title
        raw = response.get_data(as_text=True)
        assert "<script>" not in raw and "<img" not in raw
        assert "onerror" not in top.summary or "<img" not in top.summary
    assert len(parse(client.get("/feeds/recursos.rss")).entries) == 50


def test_search_feed_uses_the_search_filters(shared_demo):
    client = shared_demo.test_client()
    feed = parse(client.get("/feeds/buscar.atom?tipo=norma&q=decreto"))
    assert "Normas" in feed.feed.title and "decreto" in feed.feed.title
    assert feed.entries
    for entry in feed.entries:
        assert any(t.term.endswith("/norma") for t in entry.tags)
        assert "decreto" in (entry.title + entry.summary).lower()
    bad = client.get("/feeds/buscar.rss?anio=dosmil")
    assert bad.status_code == 400
    assert client.get("/feeds/tipo/poema.rss").status_code == 404
    assert client.get("/feeds/recursos.json").status_code == 404


def test_paging_links_reach_older_entries(shared_demo):
    client = shared_demo.test_client()
    first = parse(client.get("/feeds/recursos.atom"))
    nxt = [link.href for link in first.feed.links if link.rel == "next"]
    assert nxt, "more than 50 resources: a next page"
    second = parse(client.get(nxt[0].removeprefix(BASE)))
    seen = {e.id for e in first.entries}
    assert second.entries and not seen & {e.id for e in second.entries}


def test_pages_offer_feeds(shared_demo):
    client = shared_demo.test_client()
    home = client.get("/").get_data(as_text=True)
    assert 'type="application/rss+xml"' in home and "/feeds/recursos.rss" in home
    assert "Suscribirse" in home
    entity = client.get("/entidad/secretaria-general").get_data(as_text=True)
    assert "/feeds/entidad/secretaria-general.atom" in entity and "Suscribirse" in entity
