"""Search that forgives: "¿Quiso decir …?" from the catalog's own words (trigram similarity,
pg_trgm's measure on both databases), offered only when it finds something; related
resources on resource pages."""

from __future__ import annotations

import html5lib
import pytest

from catalog.extensions import db
from catalog.models import Resource
from catalog.search.words import similarity, trigrams
from catalog.services.actors import Actor
from catalog.services.resources import change_status, create_resource

HTML = "{http://www.w3.org/1999/xhtml}"


def test_trigrams_and_similarity_are_pg_trgm_s():
    # the values PostgreSQL gives: SELECT show_trgm('gestion'), similarity('getsion', 'gestion')
    assert trigrams("Gestion") == {"  g", " ge", "ges", "est", "sti", "tio", "ion", "on "}
    assert similarity("getsion", "gestion") == pytest.approx(4 / 12)
    assert similarity("gestion", "gestion") == 1.0
    assert similarity("abcd", "wxyz") == 0.0


def _suggestion(client, query: str, **args) -> tuple[int, str | None, str | None]:
    response = client.get("/buscar", query_string={"q": query, **args})
    assert response.status_code == 200
    tree = html5lib.parse(response.data)
    heading = "".join(tree.find(f".//{HTML}h2[@id='h-resultados']").itertext())
    found = tree.find(f".//{HTML}p[@class='suggestion']")
    if found is None:
        return int(heading.split()[0].replace(".", "")), None, None
    link = found.find(f"{HTML}a")
    return int(heading.split()[0].replace(".", "")), link.text, link.get("href")


def test_misspelt_words_get_the_catalogs_word(shared_demo):
    client = shared_demo.test_client()
    total, words, href = _suggestion(client, "getsion")
    assert total == 0 and words == "gestión"
    assert href == "/buscar?q=gesti%C3%B3n"
    followed = client.get(href).get_data(as_text=True)
    assert "0 resultados" not in followed
    # two words, one right and one wrong: only the wrong one changes; filters are kept
    total, words, href = _suggestion(client, "gestión documantal")
    assert total == 0 and words == "gestión documental"
    total, words, href = _suggestion(client, "getsion", tipo="guia")
    assert total == 0 and words == "gestión" and "tipo=guia" in href
    # a query that finds something, or one with nothing close, gets no suggestion
    assert _suggestion(client, "gestión")[1] is None
    assert _suggestion(client, "xqzwv")[1] is None
    english = client.get("/buscar?q=getsion&lang=en").get_data(as_text=True)
    assert "Did you mean" in english


def test_no_suggestion_that_finds_nothing_or_comes_from_a_draft(demo_app):
    with demo_app.app_context():
        create_resource(
            {
                "title": "Protocolo zarigüeyas urbanas",
                "type": "guia",
                "publisher": "secretaria-general",
                "status": "draft",
            },
            Actor.system("test"),
        )
        db.session.commit()
    client = demo_app.test_client()
    # the draft's word is not in the vocabulary: no suggestion reveals it
    assert _suggestion(client, "zarigueyaz")[1] is None
    with demo_app.app_context():
        resource = db.session.execute(
            db.select(Resource).where(Resource.title == "Protocolo zarigüeyas urbanas")
        ).scalar_one()
        change_status(resource, "published", Actor.system("test"))
        db.session.commit()
        resource_id = resource.id
    assert _suggestion(client, "zarigueyaz")[1] == "zarigüeyas"
    # withdrawn: the word stays in the vocabulary but finds nothing, so it is not offered
    with demo_app.app_context():
        resource = db.session.get(Resource, resource_id)
        change_status(resource, "withdrawn", Actor.system("test"), reason="Se publicó por error.")
        db.session.commit()
    assert _suggestion(client, "zarigueyaz")[1] is None


THEME_URI = "https://catalogo.bogota.gov.co/def/datos-gov-co/funcion-publica"


def _page(client, slug: str, **headers):
    response = client.get(f"/recurso/{slug}", headers=headers)
    tree = html5lib.parse(response.data)
    section = tree.find(f".//{HTML}section[@aria-labelledby='h-relacionados']")
    links = [] if section is None else section.findall(f".//{HTML}li/{HTML}a")
    return response, [a.get("href").rsplit("/", 1)[-1] for a in links]


def test_related_resources_share_keywords_themes_or_entity(app):
    from .conftest import add_two_entities

    add_two_entities(app)
    theme = THEME_URI
    with app.app_context():

        def make(slug, publisher="entidad-a", status="published", **extra):
            create_resource(
                {
                    "slug": slug,
                    "title": slug.replace("-", " ").capitalize(),
                    "type": "guia",
                    "publisher": publisher,
                    "status": status,
                    **extra,
                },
                Actor.system("test"),
            )

        make("base", keywords=["Trámites", "Servicio"], themes=[theme])
        make("dos-palabras", publisher="entidad-b", keywords=["tramites", "servicio"])
        make("un-tema", publisher="entidad-b", themes=[theme])
        make("palabra-y-entidad", keywords=["servicio"])
        make("solo-entidad", publisher="entidad-a-unidad")
        make("nada-en-comun", publisher="entidad-b")
        make("borrador", keywords=["tramites", "servicio"], themes=[theme], status="draft")
        make("retirado", keywords=["tramites", "servicio"], themes=[theme])
        db.session.commit()
        retired = db.session.execute(
            db.select(Resource).where(Resource.slug == "retirado")
        ).scalar_one()
        change_status(retired, "withdrawn", Actor.system("test"), reason="Duplicado.")
        db.session.commit()
    client = app.test_client()
    response, slugs = _page(client, "base")
    # two keywords (6) > a keyword and the entity (4) > a theme (2) > the entity alone (1)
    assert slugs == ["dos-palabras", "palabra-y-entidad", "un-tema", "solo-entidad"]
    text = response.get_data(as_text=True)
    assert "En común: Trámites, Servicio" in text or "En común: Servicio, Trámites" in text
    # a related resource that changes changes the page: the old ETag no longer answers 304
    etag = response.headers["ETag"]
    assert client.get("/recurso/base", headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        gone = db.session.execute(
            db.select(Resource).where(Resource.slug == "un-tema")
        ).scalar_one()
        change_status(gone, "withdrawn", Actor.system("test"), reason="Ya no aplica.")
        db.session.commit()
    response, slugs = _page(client, "base", **{"If-None-Match": etag})
    assert response.status_code == 200 and "un-tema" not in slugs


def test_a_query_of_misspelt_words_costs_a_bounded_number_of_searches(shared_demo, monkeypatch):
    from catalog.search import service

    calls = []
    real = service.search

    def counting(params):
        calls.append(params.q)
        return real(params)

    monkeypatch.setattr(service, "search", counting)
    with shared_demo.test_request_context("/buscar"):
        query = " ".join(["getsion", "documantal", "ciudadanai", "servicoi", "planeasion"] * 4)
        service.suggest(service.SearchParams(q=query))
    assert 1 <= len(calls) <= service.SUGGEST_TRIALS
