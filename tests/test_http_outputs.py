"""HTTP of the outputs: Vary on what Accept chooses, Cache-Control on every machine output,
the catalog URI for browsers, conditional review feeds and a robots.txt that names real paths."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from catalog.services.actors import Actor
from catalog.services.resources import create_resource

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TURTLE = "text/turtle"


@pytest.fixture(scope="module")
def web(shared_demo):
    return shared_demo.test_client()


@pytest.fixture(scope="module")
def slug(shared_demo):
    from catalog.extensions import db
    from catalog.models import Resource

    with shared_demo.app_context():
        return db.session.execute(
            db.select(Resource.slug).where(Resource.status == "published").limit(1)
        ).scalar_one()


def _negotiated_urls(slug: str) -> list[str]:
    return [
        "/",
        "/catalog",
        "/id/catalogo",
        f"/recurso/{slug}",
        f"/id/recurso/{slug}",
        "/entidad/secretaria-general",
        "/id/entidad/secretaria-general",
    ]


@pytest.mark.parametrize("accept", [BROWSER, TURTLE, "application/ld+json", None])
def test_every_negotiated_answer_varies_on_accept(web, slug, accept):
    headers = {"Accept": accept} if accept else {}
    for url in _negotiated_urls(slug):
        response = web.get(url, headers=headers)
        assert response.status_code in (200, 303), (url, response.status_code)
        assert "accept" in {v.lower() for v in response.vary}, (url, accept, response.vary)


def test_a_browser_asking_for_the_catalog_gets_a_page_and_a_harvester_turtle(web):
    for url in ("/catalog", "/id/catalogo"):
        page = web.get(url, headers={"Accept": BROWSER})
        assert page.status_code == 303
        assert page.headers["Location"].endswith("/buscar")
        assert web.get(page.headers["Location"]).mimetype == "text/html"
        for accept in (None, "*/*", TURTLE, "text/turtle, text/html;q=0.5"):
            rdf = web.get(url, headers={"Accept": accept} if accept else {})
            assert rdf.status_code == 303
            assert rdf.headers["Location"].split("?")[0].endswith("/catalog.ttl"), (url, accept)
    jsonld = web.get("/catalog", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["Location"].endswith("/catalog.jsonld")


def _machine_urls(slug: str) -> list[str]:
    return [
        "/catalog.ttl",
        "/catalog.jsonld?page_size=all",
        f"/recurso/{slug}.ttl",
        "/entidad/secretaria-general.nt",
        "/data.json",
        "/retirados.json",
        "/sitemap.xml",
        "/robots.txt",
        "/feeds/recursos.atom",
        "/feeds/revisiones/secretaria-general.rss",
        "/api/v1/resources",
        f"/api/v1/resources/{slug}",
        f"/api/v1/resources/{slug}/history",
        "/api/v1/openapi.json",
        "/api/3/action/package_list",
        "/api/3/action/package_search?rows=2",
        "/integridad.json",
    ]


def test_every_machine_output_says_how_long_it_may_be_cached(web, slug):
    for url in _machine_urls(slug):
        response = web.get(url)
        assert response.status_code == 200, url
        policy = response.headers.get("Cache-Control")
        assert policy, url
        assert "max-age" in policy or "no-cache" in policy, (url, policy)


def test_errors_and_private_answers_are_not_stored_by_shared_caches(shared_demo, web, slug):
    from .conftest import make_token

    missing = web.get("/api/v1/resources/no-existe")
    assert missing.status_code == 404
    assert missing.headers["Cache-Control"] == "no-store"
    token = make_token(shared_demo, "secretaria-general")
    private = web.get("/api/v1/resources", headers={"Authorization": f"Bearer {token}"})
    assert private.status_code == 200
    assert private.headers["Cache-Control"] == "private, no-cache"
    assert web.get(f"/api/v1/resources/{slug}").headers["Cache-Control"] == "public, max-age=60"


def test_review_feed_is_conditional(demo_app):
    with demo_app.app_context():
        create_resource(
            {
                "title": "Guía por revisar",
                "type": "guia",
                "publisher": "secretaria-general",
                "status": "published",
                "review_on": (date.today() - timedelta(days=2)).isoformat(),
            },
            Actor.system(),
        )
    client = demo_app.test_client()
    url = "/feeds/revisiones/secretaria-general.atom"
    first = client.get(url)
    assert first.status_code == 200 and b"Gu\xc3\xada por revisar" in first.data
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    # the same list renders the same bytes (no "now" inside), so the tag means the body
    assert client.get(url).data == first.data
    # another format is another representation
    assert client.get(url.replace(".atom", ".rss")).headers["ETag"] != etag
    with demo_app.app_context():
        from catalog.services.resources import get_resource, update_resource

        resource = get_resource("guia-por-revisar")
        update_resource(resource, {"title": "Guía por revisar (v2)"}, Actor.system(), partial=True)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "(v2)" in changed.get_data(as_text=True)


def test_robots_names_paths_that_exist(shared_demo, web):
    body = web.get("/robots.txt").get_data(as_text=True)
    disallowed = [
        line.split(":", 1)[1].strip() for line in body.splitlines() if line.startswith("Disallow:")
    ]
    assert "/publicar/" in disallowed and "/panel/" not in disallowed
    rules = [rule.rule for rule in shared_demo.url_map.iter_rules()]
    for prefix in disallowed:
        assert any(rule.startswith(prefix) for rule in rules), prefix
    sitemap = [line for line in body.splitlines() if line.startswith("Sitemap:")]
    assert sitemap and sitemap[0].endswith("/sitemap.xml")
