"""A good practice is found by the MIPG policy its form names, everywhere themes count."""

from __future__ import annotations

import feedparser
from rdflib import Graph, URIRef
from rdflib.namespace import Namespace

from .conftest import make_token

DCAT = Namespace("http://www.w3.org/ns/dcat#")
MIPG = "https://catalogo.bogota.gov.co/def/mipg/"
INTEGRITY = MIPG + "integridad"
TALENT = MIPG + "gestion-estrategica-talento-humano"


def _practice(client, token, policy):
    body = {
        "title": "Buena práctica de integridad en la contratación",
        "description": "Cómo se adoptó el código de integridad.",
        "type": "buena-practica",
        "publisher": "secretaria-general",
        "keywords": ["integridad"],
        "good_practice": {"mipg_policy": policy, "objectives": ["Reducir riesgos."]},
    }
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/resources", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    slug = created.get_json()["slug"]
    assert client.post(f"/api/v1/resources/{slug}/publish", headers=headers).status_code == 200
    return slug


def test_the_forms_policy_finds_the_practice(demo_app):
    token = make_token(demo_app, "secretaria-general")
    client = demo_app.test_client()
    slug = _practice(client, token, INTEGRITY)
    resource = client.get(f"/api/v1/resources/{slug}").get_json()
    assert INTEGRITY in resource["themes"]
    page = client.get("/tema/mipg/integridad").get_data(as_text=True)
    assert f"/recurso/{slug}" in page
    feed = feedparser.parse(client.get("/feeds/tema/mipg/integridad.atom").data)
    assert any(e.link.endswith(f"/recurso/{slug}") for e in feed.entries)
    found = client.get("/buscar?politica=integridad").get_data(as_text=True)
    assert f"/recurso/{slug}" in found
    graph = Graph().parse(data=client.get(f"/recurso/{slug}.ttl").data, format="turtle")
    subject = URIRef(f"http://catalogo.test/id/recurso/{slug}")
    assert URIRef(INTEGRITY) in set(graph.objects(subject, DCAT.theme))
    with demo_app.app_context():
        from catalog.services.resources import get_resource
        from catalog.stewardship.quality import score

        hints = " ".join(score(get_resource(slug))["fixes"])
    assert "Asigne temas" not in hints


def test_changing_the_policy_moves_the_practice(demo_app):
    token = make_token(demo_app, "secretaria-general")
    client = demo_app.test_client()
    slug = _practice(client, token, INTEGRITY)
    headers = {"Authorization": f"Bearer {token}"}
    current = client.get(f"/api/v1/resources/{slug}", headers=headers)
    moved = client.patch(
        f"/api/v1/resources/{slug}",
        json={"good_practice": {"mipg_policy": TALENT}},
        headers={**headers, "If-Match": current.headers["ETag"]},
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["themes"] == [TALENT]
    assert f"/recurso/{slug}" not in client.get("/tema/mipg/integridad").get_data(as_text=True)
    page = client.get("/tema/mipg/gestion-estrategica-talento-humano").get_data(as_text=True)
    assert f"/recurso/{slug}" in page
