"""Languages: Spanish first, English on request (switch, cookie, Accept-Language); Colombian
formats in Spanish; machine outputs stay Spanish; caches never mix the languages."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import html5lib
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from catalog.extensions import db
from catalog.models import PUBLISHED, Resource
from catalog.web import helpers

from .conftest import make_token
from .test_html_valid import pages
from .test_pages import Page

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "catalog" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
MESES = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
MONTHS = "January February March April May June July August September October November December"


def html_lang(html: str) -> str:
    found = re.search(r"<html lang=\"([^\"]+)\"", html)
    assert found, "no lang on <html>"
    return found.group(1)


def switch_link(html: str, language: str) -> str:
    """The href of the language switch towards `language` (a plain link: no JavaScript)."""
    found = re.search(rf'<a href="([^"]+)" hreflang="{language}" lang="{language}">', html)
    assert found, f"no switch to {language}"
    return found.group(1).replace("&amp;", "&")


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}


def a_resource(app, **where) -> Resource:
    with app.app_context():
        resource = (
            db.session.execute(
                db.select(Resource)
                .where(Resource.status == PUBLISHED, Resource.issued.is_not(None), *where.values())
                .order_by(Resource.id)
            )
            .scalars()
            .first()
        )
        db.session.expunge(resource)
        return resource


# ------------------------------------------------------------------ choosing the language


def test_spanish_is_the_default(shared_demo):
    response = shared_demo.test_client().get("/")
    html = response.get_data(as_text=True)
    assert html_lang(html) == "es"
    assert "Actualizado recientemente" in Page(html).headings
    assert {"accept-language", "cookie"} <= vary(response)
    assert "lang=" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-US,en;q=0.9", "en"),
        ("en-GB", "en"),
        ("fr-FR, en;q=0.5", "en"),
        ("es-CO,es;q=0.9,en;q=0.8", "es"),
        ("fr", "es"),
        ("de, es;q=0.1, en;q=0.5", "en"),
        ("*", "es"),
    ],
)
def test_accept_language_picks_the_best_of_spanish_and_english(shared_demo, header, expected):
    response = shared_demo.test_client().get("/", headers={"Accept-Language": header})
    assert html_lang(response.get_data(as_text=True)) == expected


def test_english_home_page(shared_demo):
    html = shared_demo.test_client().get("/", headers=ENGLISH).get_data(as_text=True)
    page = Page(html)
    assert html_lang(html) == "en"
    assert {"Recently updated", "What you'll find", "Entities"} <= set(page.headings)
    assert "Actualizado recientemente" not in page.visible
    assert 'aria-label="Main"' in html and ">Skip to content<" in html
    assert '<meta property="og:locale" content="en_US">' in html
    # vocabulary labels come from the SKOS files' @en labels
    assert "Dataset" in page.visible and "Conjunto de datos" not in page.visible


def test_the_switch_stores_the_choice_and_the_next_pages_follow_it(shared_demo):
    client = shared_demo.test_client()
    spanish = client.get("/buscar?q=gestion&tipo=guia").get_data(as_text=True)
    link = switch_link(spanish, "en")
    assert link == "/buscar?q=gestion&tipo=guia&lang=en"  # same page, same search
    response = client.get(link)
    assert html_lang(response.get_data(as_text=True)) == "en"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "SameSite=Lax" in cookie and "Max-Age=" in cookie
    # the next page, without ?lang, is English: the cookie remembers
    follow = client.get("/acerca", headers={"Accept-Language": "es-CO"})
    html = follow.get_data(as_text=True)
    assert html_lang(html) == "en" and "About the catalog and its open data" in Page(html).headings
    assert "Set-Cookie" not in follow.headers  # already stored
    # and back to Spanish the same way, even with a browser that prefers English
    back = client.get(switch_link(html, "es"), headers=ENGLISH)
    assert html_lang(back.get_data(as_text=True)) == "es"
    assert back.headers["Set-Cookie"].startswith("lang=es;")
    assert html_lang(client.get("/", headers=ENGLISH).get_data(as_text=True)) == "es"


def test_explicit_choice_beats_accept_language_and_bad_values_are_ignored(shared_demo):
    client = shared_demo.test_client()
    assert html_lang(client.get("/?lang=es", headers=ENGLISH).get_data(as_text=True)) == "es"
    client = shared_demo.test_client()
    ignored = client.get("/?lang=xx", headers=ENGLISH)
    assert html_lang(ignored.get_data(as_text=True)) == "en"
    assert "Set-Cookie" not in ignored.headers
    client.set_cookie("lang", "klingon", domain="catalogo.test")
    assert html_lang(client.get("/", headers=ENGLISH).get_data(as_text=True)) == "en"
    assert html_lang(client.get("/").get_data(as_text=True)) == "es"


def test_every_public_page_has_lang_a_switch_and_valid_html_in_english(shared_demo):
    client = shared_demo.test_client()
    for path in pages(shared_demo):
        response = client.get(path, headers=ENGLISH)
        assert response.status_code in (200, 404), path
        html = response.get_data(as_text=True)
        assert html_lang(html) == "en", path
        assert switch_link(html, "es").endswith("lang=es"), path
        assert {"accept-language", "cookie"} <= vary(response), path
        try:
            html5lib.HTMLParser(strict=True).parse(html)
        except html5lib.html5parser.ParseError as error:
            pytest.fail(f"{path}: {error}")
        spanish = client.get(path).get_data(as_text=True)
        assert html_lang(spanish) == "es" and switch_link(spanish, "en"), path


@pytest.mark.parametrize(
    "path",
    [
        "/entidad/secretaria-general/registro-activos",
        "/entidad/secretaria-general/indice-clasificada-reservada",
        "/publicar/ingresar",
    ],
)
def test_spanish_only_pages_say_so_and_offer_no_switch(shared_demo, path):
    """Ley 1712 registers and the publishers' workspace exist only in Spanish."""
    response = shared_demo.test_client().get(path, headers=ENGLISH)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html_lang(html) == "es"
    assert 'hreflang="en"' not in html
    assert "accept-language" not in vary(response)


# ------------------------------------------------------------------ pages in English


def test_search_page_in_english(shared_demo):
    client = shared_demo.test_client()
    html = client.get("/buscar?q=gestion&tipo=guia", headers=ENGLISH).get_data(as_text=True)
    page = Page(html)
    assert "Resource type" in page.headings and "Filter" in page.headings
    assert re.search(r"\d+ results? for “gestion”", page.visible)
    assert "Resource type: Guide" in page.visible  # facet title and @en concept label
    # the search service (and the Spanish page) keep Spanish labels
    spanish = Page(client.get("/buscar?q=gestion&tipo=guia").get_data(as_text=True))
    assert "Tipo de recurso: Guía" in spanish.visible


def test_error_pages_and_their_messages_are_translated(shared_demo):
    client = shared_demo.test_client()
    page = Page(client.get("/no-existe", headers=ENGLISH).get_data(as_text=True))
    assert "Page not found" in page.headings
    assert "The page you are looking for was not found." in page.visible
    bad = client.get("/buscar?q=" + "x" * 300, headers=ENGLISH)
    assert bad.status_code == 400
    assert (
        "The search is too long (at most 200 characters)."
        in Page(bad.get_data(as_text=True)).visible
    )
    spanish = client.get("/buscar?pagina=x").get_data(as_text=True)
    assert "La página debe ser un número." in spanish


@pytest.mark.parametrize(
    "path",
    ["/feeds/recursos.atom", "/feeds/recursos.rss", "/data.json", "/catalog.ttl", "/sitemap.xml"],
)
def test_machine_outputs_stay_spanish(shared_demo, path):
    client = shared_demo.test_client()
    spanish = client.get(path)
    english = client.get(path, headers=ENGLISH)
    assert spanish.status_code == english.status_code == 200
    assert english.data == spanish.data
    assert "accept-language" not in vary(english)


def test_json_errors_stay_spanish(shared_demo):
    client = shared_demo.test_client()
    as_json = client.get("/buscar?pagina=x", headers={**ENGLISH, "Accept": "application/json"})
    assert as_json.get_json()["message"] == "La página debe ser un número."
    api = client.post("/api/v1/resources", json={}, headers=ENGLISH)
    assert api.status_code == 401
    assert api.get_json() == client.post("/api/v1/resources", json={}).get_json()
    assert "accept-language" not in vary(api)


def test_api_422_messages_stay_spanish(demo_app):
    token = make_token(demo_app, "secretaria-general")
    response = demo_app.test_client().post(
        "/api/v1/resources",
        json={"title": "", "type": "poema"},
        headers={**ENGLISH, "Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == "Los datos enviados no son válidos."
    assert "accept-language" not in vary(response)


# ------------------------------------------------------------------ dates and numbers


@pytest.mark.parametrize(
    ("language", "day", "moment", "number", "size"),
    [
        ("es", "3 de marzo de 2025", "3 de marzo de 2025, 09:05", "1.234,5", "1,5 KB"),
        ("en", "March 3, 2025", "March 3, 2025, 9:05 AM", "1,234.5", "1.5 KB"),
    ],
)
def test_formats_follow_the_page_language(shared_demo, language, day, moment, number, size):
    from zoneinfo import ZoneInfo

    with shared_demo.test_request_context("/", headers={"Accept-Language": language}):
        assert helpers.fecha(date(2025, 3, 3)) == day
        bogota = datetime(2025, 3, 3, 9, 5, tzinfo=ZoneInfo("America/Bogota"))
        assert helpers.fecha(bogota) == moment  # shown in Bogotá time
        assert helpers.number(1234.5) == number
        assert helpers.number(1234567) == ("1.234.567" if language == "es" else "1,234,567")
        assert helpers.human_size(1536) == size
        assert helpers.human_size(12) == "12 bytes"


def test_resource_page_dates_in_colombian_spanish_and_english(shared_demo):
    resource = a_resource(shared_demo)
    issued = resource.issued
    client = shared_demo.test_client()
    spanish = Page(client.get(f"/recurso/{resource.slug}").get_data(as_text=True)).visible
    month = MESES.split()[issued.month - 1]
    assert f"Fecha de publicación {issued.day} de {month} de {issued.year}" in spanish
    english = client.get(f"/recurso/{resource.slug}", headers=ENGLISH)
    text = Page(english.get_data(as_text=True)).visible
    month = MONTHS.split()[issued.month - 1]
    assert f"Publication date {month} {issued.day}, {issued.year}" in text


# ------------------------------------------------------------------ caches


def test_etags_differ_per_language_and_304_never_crosses_languages(shared_demo):
    slug = a_resource(shared_demo).slug
    client = shared_demo.test_client()
    spanish = client.get(f"/recurso/{slug}")
    english = client.get(f"/recurso/{slug}", headers=ENGLISH)
    assert spanish.status_code == english.status_code == 200
    assert spanish.headers["ETag"] != english.headers["ETag"]
    assert {"accept", "accept-language", "cookie"} <= vary(spanish)
    es_tag, en_tag = spanish.headers["ETag"], english.headers["ETag"]
    same = client.get(f"/recurso/{slug}", headers={"If-None-Match": es_tag})
    assert same.status_code == 304
    crossed = client.get(f"/recurso/{slug}", headers={**ENGLISH, "If-None-Match": es_tag})
    assert crossed.status_code == 200 and html_lang(crossed.get_data(as_text=True)) == "en"
    since = spanish.headers["Last-Modified"]
    crossed = client.get(
        f"/recurso/{slug}", headers={"If-None-Match": en_tag, "If-Modified-Since": since}
    )
    assert crossed.status_code == 200 and html_lang(crossed.get_data(as_text=True)) == "es"
    assert (
        client.get(f"/recurso/{slug}?lang=en", headers={"If-None-Match": en_tag}).status_code == 304
    )


# ------------------------------------------------------------------ the catalog of messages


def _extracted() -> dict[str | tuple[str, ...], list[str]]:
    """What `make translations` extracts (babel.cfg, the same keywords), msgid → places."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.setdefault(message, []).append(f"{filename}:{line}")
    return found


def test_every_page_text_has_an_english_translation():
    with open(PO, "rb") as f:
        catalog = read_po(f, locale="en")
    extracted = _extracted()
    assert any(place.startswith("catalog/templates/") for p in extracted.values() for place in p)
    missing = []
    for msgid, places in extracted.items():
        message = catalog.get(msgid)
        strings = message.string if message is not None else None
        if isinstance(strings, str):
            strings = (strings,)
        if message is None or message.fuzzy or not strings or not all(strings):
            missing.append((msgid, places[0]))
    assert not missing, f"run `make translations` and translate: {missing}"


def test_translations_keep_their_placeholders_and_the_mo_is_compiled():
    with open(PO, "rb") as f:
        catalog = read_po(f, locale="en")
    with open(MO, "rb") as f:
        compiled = read_mo(f)
    placeholder = re.compile(r"%\((\w+)\)s")
    translated = 0
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for source, target in zip(ids, strings, strict=False):
            assert set(placeholder.findall(source)) == set(placeholder.findall(target)), source
        assert compiled.get(message.id) is not None, f".mo is stale: {message.id!r}"
        stored = compiled[message.id].string
        stored = tuple(stored) if isinstance(stored, list) else stored
        assert stored == message.string, f".mo is stale: {message.id!r}"
        translated += 1
    assert translated == len([m for m in compiled if m.id])
    assert translated >= 200


def test_pages_name_their_other_language_for_search_engines(client):
    import html5lib

    doc = html5lib.parse(client.get("/buscar?q=gestion").text, namespaceHTMLElements=False)
    links = {
        link.get("hreflang"): link.get("href")
        for link in doc.iter("link")
        if link.get("rel") == "alternate" and link.get("hreflang")
    }
    assert links == {
        "es": "http://catalogo.test/buscar?q=gestion&lang=es",
        "en": "http://catalogo.test/buscar?q=gestion&lang=en",
    }
    workspace = client.get("/publicar/ingresar").text
    assert "hreflang" not in workspace  # Spanish-only pages have no alternate
