"""A citizen in a real browser (Debian's Chromium via Playwright), and axe-core on every page."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from catalog.extensions import db
from catalog.models import PUBLISHED, Resource
from catalog.services.actors import Actor
from catalog.services.resources import create_resource

from ..live import serve
from .support import (
    assert_no_sideways_scroll,
    axe_violations,
    expect,
    launched_chromium,
    require_browser,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(shared_demo):
    """The demo catalog on a real HTTP server, with one hosted file to download."""
    require_browser()
    app = shared_demo
    app.config.update(SERVER_NAME=None)
    content = b"fecha,tramites\n2025-01-01,12\n"
    files = Path(app.config["CATALOG_FILES_DIR"])
    files.mkdir(parents=True, exist_ok=True)
    (files / "tramites.csv").write_bytes(content)
    with app.app_context():
        create_resource(
            {
                "title": "Trámites racionalizados por mes",
                "type": "conjunto-datos",
                "publisher": "secretaria-general",
                "status": "published",
                "keywords": ["trámites"],
                "distributions": [
                    {
                        "id": "00000000-0000-4000-8000-000000000001",
                        "title": "Datos en CSV",
                        "media_type": "text/csv",
                        "format": "csv",
                        "file_key": "tramites.csv",
                        "file_name": "tramites.csv",
                        "byte_size": len(content),
                        "checksum_sha256": hashlib.sha256(content).hexdigest(),
                    }
                ],
            },
            Actor.system(),
            trusted=True,
        )
    with serve(app) as base:
        app.config["CATALOG_BASE_URI"] = base
        yield base


@pytest.fixture(scope="module")
def browser(site):
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    context = browser.new_context(bypass_csp=True, locale="es-CO", accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def test_search_filter_open_and_download(site, page):
    page.goto(site + "/")
    page.get_by_label("Buscar en el catálogo").fill("tramites")
    page.get_by_role("button", name="Buscar").click()
    page.wait_for_url("**/buscar?q=tramites*")
    expect(page.locator("#h-resultados")).to_contain_text("resultados para «tramites»")
    assert not page.locator("#h-resultados").inner_text().startswith("0 ")
    # two facets: type, then entity
    page.locator("aside.facets").get_by_role("link", name="Conjunto de datos").click()
    page.wait_for_url(lambda url: "tipo=conjunto-datos" in url)
    page.locator("aside.facets").get_by_role("link", name="Secretaría General").first.click()
    page.wait_for_url(lambda url: "tipo=conjunto-datos" in url and "secretaria-general" in url)
    page.get_by_role("link", name="Trámites racionalizados por mes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trámites racionalizados por mes")
    with page.expect_download() as info:
        page.get_by_role("link", name="Descargar Datos en CSV").click()
    download = info.value
    assert download.suggested_filename == "tramites.csv"
    assert Path(download.path()).read_bytes().startswith(b"fecha,tramites")
    # a facet can be removed
    page.go_back()
    page.locator(".active-filters a", has_text="Tipo de recurso").click()
    page.wait_for_url(lambda url: "tipo=conjunto-datos" not in url and "secretaria-general" in url)


def _good_practice_slug(app) -> str:
    with app.app_context():
        return (
            db.session.execute(
                db.select(Resource.slug).where(
                    Resource.status == PUBLISHED, Resource.type == "buena-practica"
                )
            )
            .scalars()
            .first()
        )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/buscar?q=gestion&tipo=guia&entidad=secretaria-general",
        "/recurso/tramites-racionalizados-por-mes",
        "GOOD_PRACTICE",
        "/entidad/secretaria-general",
        "/tema/mipg/gobierno-digital",
        "/acerca",
        "/estado",
        "/integridad",
        "/entidad/secretaria-general/registro-activos",
        "/entidad/secretaria-general/indice-clasificada-reservada",
        "/recurso/plan-tratamiento-riesgos-seguridad-informacion",
        "/api/v1/docs",
    ],
)
def test_pages_have_no_accessibility_violations(site, page, shared_demo, path):
    if path == "GOOD_PRACTICE":
        path = f"/recurso/{_good_practice_slug(shared_demo)}"
    response = page.goto(site + path)
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "es"
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/", "/buscar?q=gestion&tipo=guia&entidad=secretaria-general"])
def test_english_pages_have_no_accessibility_violations(site, browser, path):
    context = browser.new_context(bypass_csp=True, locale="en-US")  # the browser asks for English
    page = context.new_page()
    response = page.goto(site + path)
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Skip to content").count() == 1
    assert axe_violations(page) == []
    context.close()


def test_language_switch_is_a_link_that_is_remembered(site, browser):
    context = browser.new_context(bypass_csp=True, locale="es-CO", java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/buscar?q=gestion")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en*")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "q=gestion" in page.url
    page.get_by_role("link", name="Open data").click()
    page.wait_for_url("**/acerca*")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("About the catalog and its open data")
    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    context.close()


def test_api_docs_work_offline_at_phone_width(site, browser):
    """The API documentation loads everything from the catalog itself: with every other host
    unreachable it is complete, styled and readable at 360 px."""
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 360, "height": 740}, locale="es-CO"
    )
    page = context.new_page()
    requested, refused = [], []

    def only_the_catalog(route):
        url = route.request.url
        requested.append(url)
        if url.startswith(site):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    page.route("**/*", only_the_catalog)
    response = page.goto(site + "/api/v1/docs")
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert refused == [] and requested
    assert page.evaluate("[...document.styleSheets].every(s => s.cssRules.length > 0)")
    examples = page.locator("pre.api-example")
    assert examples.count() >= 19
    expect(examples.first).to_contain_text("curl")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.get_by_role("link", name="Descargar un archivo alojado").click()
    expect(page.get_by_role("heading", name="Descargar un archivo alojado")).to_be_in_viewport()
    context.close()


def test_keyboard_reaches_content_first(site, page):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Saltar al contenido" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenido"


def test_phone_width_has_no_horizontal_scroll(site, browser):
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 360, "height": 740}, locale="es-CO"
    )
    page = context.new_page()
    for path in ("/", "/buscar?q=gestion", "/entidad/secretaria-general"):
        page.goto(site + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    context.close()


def test_long_hashes_urls_titles_and_keywords_reflow_at_360px(site, browser, shared_demo):
    """WCAG 1.4.10: a resource page with an uploaded file (its SHA-256), a long URL, a long
    unbroken title word and keywords never scrolls sideways at 360 px."""
    word = "Interinstitucionalización" * 4
    with shared_demo.app_context():
        resource = create_resource(
            {
                "title": f"Guía {word} de procesos",
                "description": "Ver https://www.example.gov.co/" + "a" * 150 + " para detalles.",
                "type": "guia",
                "publisher": "secretaria-general",
                "status": "published",
                "keywords": [word.lower(), "k" * 90],
                "distributions": [
                    {
                        "title": "Documento " + word,
                        "download_url": "https://www.example.gov.co/descargas/" + "x" * 180,
                        "media_type": "application/pdf",
                        "format": "pdf",
                    }
                ],
            },
            Actor.system(),
        )
        long_slug = resource.slug
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 360, "height": 740}, locale="es-CO"
    )
    page = context.new_page()
    assert_no_sideways_scroll(
        page,
        site,
        (
            "/recurso/tramites-racionalizados-por-mes",  # its SHA-256 is shown
            f"/recurso/{long_slug}",
            "/buscar?q=guia",
            "/estado",
            "/integridad",
            "/acerca",
            "/tema/mipg/integridad",
            "/entidad/secretaria-general/registro-activos",
            "/entidad/secretaria-general/esquema-publicacion",
            f"/recurso/{_good_practice_slug(shared_demo)}",  # a good practice, every section
            "/buscar?q=getsion",  # no results, with a suggestion
            "/api/v1/docs",
        ),
    )
    context.close()


def test_axe_check_can_fail(page):
    """The accessibility check itself works: a page with known faults is reported."""
    page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label", "html-has-lang"} <= found


def test_strict_csp_is_satisfied_with_a_clean_console(site, browser, shared_demo):
    """The Content-Security-Policy is enforced (no bypass here) and the pages obey it: no
    violation event, no console error, on the pages people use most (and an error page)."""
    context = browser.new_context(locale="es-CO")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    paths = [
        "/",
        "/buscar?q=gestion",
        "/recurso/tramites-racionalizados-por-mes",
        f"/recurso/{_good_practice_slug(shared_demo)}",
        "/entidad/secretaria-general",
        "/estado",
        "/publicar/ingresar",
    ]
    try:
        for path in paths:
            response = page.goto(site + path)
            assert response.status == 200, path
            csp = response.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert response.headers["x-content-type-options"] == "nosniff"
            page.wait_for_load_state("load")
        missing = page.goto(site + "/no-existe")
        assert missing.status == 404 and "content-security-policy" in missing.headers
        # the policy is really enforced: an injected inline script is refused and reported
        page.goto(site + "/")
        page.evaluate(
            "() => { const s = document.createElement('script'); "
            "s.textContent = 'window.pwned = 1'; document.body.appendChild(s); }"
        )
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.pwned") is None
        assert any("CSP script-src" in p for p in problems)
        problems[:] = [p for p in problems if "CSP script-src" not in p and "inline" not in p]
        assert [p for p in problems if "404" not in p] == []
    finally:
        context.close()
