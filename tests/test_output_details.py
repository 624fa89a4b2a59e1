"""Small things every output must get right: what the record says, never a stand-in."""

from __future__ import annotations

import json
from datetime import UTC

import feedparser

from catalog.extensions import db
from catalog.models import Resource
from catalog.services.actors import Actor
from catalog.services.resources import change_status, create_resource, get_resource, update_resource

SUBA = "https://sws.geonames.org/3667905/"


def _create(app, **data):
    with app.app_context():
        resource = create_resource(
            {"type": "guia", "publisher": "secretaria-general", "status": "published", **data},
            Actor.system("prueba"),
        )
        return resource.slug


def _datajson(client, slug):
    datasets = json.loads(client.get("/data.json").data)["dataset"]
    return next(d for d in datasets if d["identifier"].endswith(f"/{slug}"))


def test_datajson_spatial_and_keywords_come_from_the_record(demo_app):
    placed = _create(demo_app, title="Guía de Suba", keywords=["suba"], spatial=SUBA)
    bare = _create(demo_app, title="Guía sin palabras clave")
    client = demo_app.test_client()
    assert _datajson(client, placed)["spatial"] == SUBA
    assert _datajson(client, placed)["keyword"] == ["suba"]
    unplaced = _datajson(client, bare)
    assert unplaced["spatial"] == "Bogotá D.C., Colombia"  # the district, as dct:spatial says
    assert "Guía sin palabras clave" not in unplaced["keyword"]
    assert "guía" in unplaced["keyword"]


def test_a_first_publication_is_not_announced_as_an_update(demo_app):
    with demo_app.app_context():
        draft = create_resource(
            {"title": "Manual nuevo", "type": "manual", "publisher": "secretaria-general"},
            Actor.system("prueba"),
        )
        update_resource(draft, {"description": "Borrador."}, Actor.system("prueba"), partial=True)
        change_status(get_resource(draft.slug), "published", Actor.system("prueba"))
        slug = draft.slug
    client = demo_app.test_client()
    top = feedparser.parse(client.get("/feeds/recursos.atom").data).entries[0]
    assert top.link.endswith(f"/recurso/{slug}")
    assert not top.summary.startswith("Actualizado"), top.summary
    with demo_app.app_context():
        update_resource(
            get_resource(slug), {"description": "Corregido."}, Actor.system("prueba"), partial=True
        )
    top = feedparser.parse(client.get("/feeds/recursos.atom").data).entries[0]
    assert top.summary.startswith("Actualizado:")
    # published again after going back to draft: that is news about an old resource
    with demo_app.app_context():
        change_status(get_resource(slug), "draft", Actor.system("prueba"))
        change_status(get_resource(slug), "published", Actor.system("prueba"))
    top = feedparser.parse(client.get("/feeds/recursos.atom").data).entries[0]
    assert top.summary.startswith("Actualizado:")


def test_an_empty_feed_is_as_new_as_the_catalog(demo_app):
    client = demo_app.test_client()
    feed = feedparser.parse(client.get("/feeds/palabra/ninguna-palabra-asi.atom").data)
    assert not feed.entries
    with demo_app.app_context():
        newest = db.session.execute(db.select(db.func.max(Resource.updated_at))).scalar_one()
    stamp = newest if newest.tzinfo else newest.replace(tzinfo=UTC)
    assert feed.feed.updated.startswith(stamp.strftime("%Y-%m-%dT%H:%M"))
    assert not feed.feed.updated.startswith("2025-01-01")
