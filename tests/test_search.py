"""Search: the same behaviour on SQLite FTS5 and PostgreSQL full-text search."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from catalog.extensions import db
from catalog.models import PUBLISHED, Resource
from catalog.services.actors import Actor
from catalog.services.resources import change_status, create_resource, get_resource


class Results(HTMLParser):
    """Result titles (h3 links to resource pages) and highlighted words of a results page."""

    def __init__(self, html: str):
        super().__init__()
        self.titles: list[str] = []
        self.marks: list[str] = []
        self._h3 = False
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "h3":
            self._h3 = True
        elif tag == "a" and self._h3 and href.startswith("/recurso/"):
            self._in = "title"
            self.titles.append("")
        elif tag == "mark":
            self._in = "mark"
            self.marks.append("")

    def handle_endtag(self, tag):
        if tag == "h3":
            self._h3 = False
        if tag in ("a", "mark"):
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.titles[-1] += data
        elif self._in == "mark":
            self.marks[-1] += data


def total(html: str) -> int:
    found = re.search(r"(\d+) resultados?", html)
    assert found, "the page states how many results"
    return int(found.group(1))


def page(client, query: str) -> tuple[str, Results]:
    response = client.get(f"/buscar?{query}")
    assert response.status_code == 200, response.data[:500]
    html = response.get_data(as_text=True)
    return html, Results(html)


def test_accent_and_case_insensitive(shared_demo):
    client = shared_demo.test_client()
    plain, _ = page(client, "q=gestion+documental")
    accented, results = page(client, "q=GESTIÓN+Documental")
    assert total(plain) == total(accented) > 0
    assert any("gestión" in m.lower() or "gestion" in m.lower() for m in results.marks)


def test_finds_by_keyword_publisher_and_good_practice_text(shared_demo):
    with shared_demo.app_context():
        resource = (
            db.session.execute(
                db.select(Resource).where(
                    Resource.status == PUBLISHED, Resource.type == "buena-practica"
                )
            )
            .scalars()
            .first()
        )
        title = resource.title
        conclusion = next(
            (c for c in (resource.good_practice.conclusions or []) if len(c.split()) > 3), None
        )
        publisher = resource.publisher.name
    client = shared_demo.test_client()
    if conclusion:
        words = "+".join(w for w in re.findall(r"\w{6,}", conclusion)[:3])
        _, results = page(client, f"q={words}")
        assert title in results.titles
    _, by_entity = page(client, "q=" + "+".join(re.findall(r"\w{5,}", publisher)[:2]))
    assert by_entity.titles


def test_facets_combine_and_are_removable(shared_demo):
    client = shared_demo.test_client()
    html, _ = page(client, "tipo=norma")
    norms = total(html)
    assert norms >= 4
    html2, results = page(client, "tipo=norma&entidad=secretaria-general")
    assert 0 < total(html2) <= norms
    assert "quitar filtro" in html2
    with shared_demo.app_context():
        expected = {
            r.title
            for r in db.session.execute(
                db.select(Resource).where(Resource.status == PUBLISHED, Resource.type == "norma")
            ).scalars()
            if r.publisher.slug == "secretaria-general"
            or (r.publisher.parent and r.publisher.parent.slug == "secretaria-general")
        }
    assert set(results.titles) == expected
    # the facet counts for types, with the entity filter applied, include "Norma"
    assert re.search(r"Norma</strong> \(\d+\)", html2)


@pytest.mark.parametrize(
    "query",
    [
        "q=%25",
        "q=_",
        "q=%22",
        "q=AND+OR+NOT",
        "q=a*b",
        "q=(x)",
        "q=-",
        "q=%27%3B+DROP",
        "q=" + "palabra+" * 20,
    ],
)
def test_hostile_queries_never_fail(shared_demo, query):
    response = shared_demo.test_client().get(f"/buscar?{query}")
    assert response.status_code == 200


def test_refusals_are_clear(shared_demo):
    client = shared_demo.test_client()
    assert client.get("/buscar?q=" + "x" * 1000).status_code == 400
    assert client.get("/buscar?orden=raro").status_code == 400
    assert client.get("/buscar?pagina=-3").status_code == 400
    assert client.get("/buscar?pagina=99999").status_code == 404


def test_sorting_and_paging(shared_demo):
    client = shared_demo.test_client()
    _, by_title = page(client, "orden=titulo")
    assert by_title.titles == sorted(by_title.titles) or len(by_title.titles) == 20
    html, first = page(client, "")
    html2, second = page(client, "pagina=2")
    assert first.titles and second.titles and not set(first.titles) & set(second.titles)


def test_index_follows_writes(demo_app):
    client = demo_app.test_client()
    with demo_app.app_context():
        create_resource(
            {
                "title": "Protocolo de ñandúes pedagógicos",
                "type": "guia",
                "publisher": "secretaria-general",
                "status": "published",
            },
            Actor.system(),
        )
    _, results = page(client, "q=nandues")
    assert results.titles == ["Protocolo de ñandúes pedagógicos"]
    with demo_app.app_context():
        change_status(
            get_resource("protocolo-de-nandues-pedagogicos"),
            "withdrawn",
            Actor.system(),
            reason="Prueba.",
        )
    _, results = page(client, "q=nandues")
    assert results.titles == []


def test_search_feed_matches_search_page(shared_demo):
    import feedparser

    client = shared_demo.test_client()
    _, results = page(client, "q=gestion&tipo=guia")
    feed = feedparser.parse(client.get("/feeds/buscar.atom?q=gestion&tipo=guia").data)
    assert not feed.bozo
    assert {e.title for e in feed.entries} == set(results.titles)
