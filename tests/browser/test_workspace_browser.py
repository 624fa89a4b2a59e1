"""A publisher in a real browser (Debian's Chromium via Playwright): register a good practice with
all six sections and a PDF annex, keep it as a draft, publish, edit, read the diff, restore; a
publisher of another entity is refused. axe-core checks the workspace pages."""

from __future__ import annotations

import hashlib
from pathlib import Path

import feedparser
import pytest
import requests
from rdflib import Graph, URIRef

from ..live import serve
from ..workspace_helpers import PASSWORD, PDF, add_user
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
    require_browser()
    app = shared_demo
    app.config.update(SERVER_NAME=None)
    add_user(app, "ana@sg.gov.co", "secretaria-general", "admin", name="Ana Torres")
    add_user(app, "beto@hacienda.gov.co", "secretaria-hacienda", "editor")
    with serve(app) as base:
        app.config["CATALOG_BASE_URI"] = base
        yield base


@pytest.fixture(scope="module")
def chromium(site):
    with launched_chromium() as browser:
        yield browser


def _signed_in(chromium, site, email):
    context = chromium.new_context(bypass_csp=True, locale="es-CO", accept_downloads=True)
    page = context.new_page()
    page.goto(site + "/publicar/ingresar")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url("**/publicar/**")
    return context, page


def _fill(page, name: str, value: str) -> None:
    page.locator(f'[name="{name}"]').fill(value)


def test_publisher_registers_publishes_edits_and_restores(site, chromium, tmp_path):
    context, page = _signed_in(chromium, site, "ana@sg.gov.co")
    assert axe_violations(page) == []  # the entity dashboard
    page.get_by_role("link", name="Registrar un recurso").click()
    page.get_by_role("link", name="Buena práctica").click()
    page.wait_for_url(lambda url: "tipo=" in url)
    assert axe_violations(page) == []  # the whole good-practice form

    page.get_by_label("Título (obligatorio)").fill("Mesa de ayuda para trámites en línea")
    page.get_by_label("Descripción", exact=True).fill("Una **mesa de ayuda** para la ciudadanía.")
    page.get_by_label("Palabras clave").fill("trámites\nayuda")
    page.get_by_label("Política: Gestión del conocimiento y la innovación").check()
    # 1. Información general
    page.get_by_label("Fecha de diligenciamiento").fill("2025-05-02")
    page.get_by_label("Directivo(a) de la dependencia").fill("Director de Servicio")
    page.get_by_label("Proceso al que pertenece").fill("Servicio a la ciudadanía")
    page.get_by_label("Política MIPG a la que aporta").select_option(label="Servicio al ciudadano")
    page.get_by_label("Equipo o grupo interno de trabajo").fill("Equipo de canales")
    page.get_by_label("Fecha de inicio de la práctica").fill("2024-08-01")
    _fill(page, "good_practice.collaborators.0.name", "Marta Díaz")
    _fill(page, "good_practice.collaborators.0.link_type", "planta")
    _fill(page, "good_practice.collaborators.0.phone", "3205551234")
    _fill(page, "good_practice.collaborators.0.email", "mdiaz@sg.gov.co")
    page.get_by_label("Publicar el nombre y el correo institucional").check()
    # a second collaborator, added without JavaScript-only widgets: the button posts the form
    page.get_by_role("button", name="Agregar otro(a) colaborador(a)").click()
    _fill(page, "good_practice.collaborators.1.name", "Jorge Peña")
    _fill(page, "good_practice.collaborators.1.phone", "3115550000")
    # 2. Identificación
    page.get_by_label("Línea base").fill("Cinco días de espera por respuesta.")
    page.get_by_label("Población objetivo").fill("Ciudadanía\nEmpresas")
    page.get_by_label("Objetivos (alcance)").fill("Responder en un día")
    page.get_by_label("Tiempo en que se desarrolló").fill("Seis meses")
    # 3. Contribución
    page.get_by_label("Aporte: por qué funciona y se puede replicar").fill("Un solo canal.")
    page.get_by_label("Resultados obtenidos").fill("Respuesta en 1 día\n2.000 casos al mes")
    _fill(page, "good_practice.benefits.0.benefit", "Menos espera")
    _fill(page, "good_practice.benefits.0.for_whom", "Ciudadanía")
    page.get_by_label("Difusión", exact=True).fill("Campaña en redes.")
    page.get_by_label("Medios de difusión").fill("Video")
    page.get_by_label("Otros aspectos").fill("Ninguno.")
    # 4. Sostenibilidad
    page.get_by_label("Retos a futuro").fill("Más canales")
    page.get_by_label("Estabilidad: cambios duraderos verificables").fill("Protocolo adoptado.")
    page.get_by_label("Periodo de implementación").fill("2024-2025")
    page.get_by_label("Medios que garantizan su continuidad").fill("Presupuesto.")
    page.get_by_label("Elementos que deben mantenerse y cómo").fill("El tablero.")
    # 5. Conclusiones
    page.get_by_label("Conclusiones", exact=True).fill("Un canal basta\nMedir ayuda")
    # 6. Anexos: the PDF
    pdf = tmp_path / "protocolo.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Subir un archivo").set_input_files(str(pdf))
    _fill(page, "distributions.0.title", "Protocolo de la mesa de ayuda")
    page.get_by_role("button", name="Guardar como borrador").click()
    page.wait_for_url("**/publicar/recurso/*")
    expect(page.locator(".flash").first).to_contain_text("Recurso creado.")
    slug = page.url.rsplit("/", 1)[-1]

    # a draft is not public
    assert requests.get(f"{site}/recurso/{slug}", timeout=10).status_code == 404

    page.get_by_role("button", name="Publicar", exact=True).click()
    expect(page.locator(".flash").first).to_contain_text("está publicado")

    citizen = chromium.new_context(
        bypass_csp=True, locale="es-CO", accept_downloads=True
    ).new_page()
    citizen.goto(f"{site}/recurso/{slug}")
    assert citizen.get_by_role("heading", level=1).inner_text() == (
        "Mesa de ayuda para trámites en línea"
    )
    body = citizen.locator("main").inner_text()
    for text in ("Cinco días de espera", "Menos espera", "Medir ayuda", "Marta Díaz"):
        assert text in body
    for private in ("3205551234", "3115550000", "Jorge Peña"):
        assert private not in citizen.content()
    with citizen.expect_download() as info:
        citizen.get_by_role("link", name="Descargar Protocolo de la mesa de ayuda").click()
    assert Path(info.value.path()).read_bytes() == PDF
    graph = Graph().parse(data=requests.get(f"{site}/catalog.ttl", timeout=10).text, format="ttl")
    dataset = URIRef(f"{site}/id/recurso/{slug}")
    assert graph.value(dataset, URIRef("http://purl.org/dc/terms/title")).toPython() == (
        "Mesa de ayuda para trámites en línea"
    )
    checksums = {
        str(o) for o in graph.objects(None, URIRef("http://spdx.org/rdf/terms#checksumValue"))
    }
    assert hashlib.sha256(PDF).hexdigest() in checksums
    feed = feedparser.parse(requests.get(f"{site}/feeds/recursos.atom", timeout=10).content)
    assert any(entry.link.endswith(f"/recurso/{slug}") for entry in feed.entries)

    # edit
    page.get_by_label("Título (obligatorio)").fill("Mesa de ayuda distrital")
    page.get_by_role("button", name="Guardar cambios").click()
    expect(page.locator(".flash").first).to_contain_text("Cambios guardados.")
    page.get_by_role("link", name="Historial de cambios").click()
    page.wait_for_url("**/historial")
    assert axe_violations(page) == []
    row = page.locator("table.diff tbody tr", has=page.get_by_role("rowheader", name="Título"))
    assert "Mesa de ayuda para trámites en línea" in row.inner_text()
    assert "Mesa de ayuda distrital" in row.inner_text()

    # restore the first version
    page.get_by_role("button", name="Restaurar la versión 1").click()
    expect(page.locator(".flash").first).to_contain_text("Se restauró la versión 1")
    citizen.goto(f"{site}/recurso/{slug}")
    assert citizen.get_by_role("heading", level=1).inner_text() == (
        "Mesa de ayuda para trámites en línea"
    )

    # a publisher of another entity cannot edit it
    other_context, other = _signed_in(chromium, site, "beto@hacienda.gov.co")
    response = other.goto(f"{site}/publicar/recurso/{slug}")
    assert response.status == 403
    assert "No tiene permiso" in other.locator("main").inner_text()
    other_context.close()
    context.close()


@pytest.mark.parametrize("path", ["/publicar/ingresar"])
def test_sign_in_page_is_accessible(site, chromium, path):
    page = chromium.new_context(bypass_csp=True, locale="es-CO").new_page()
    assert page.goto(site + path).status == 200
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "path",
    [
        "/publicar/cuenta",
        "/publicar/nuevo",
        "/publicar/nuevo?tipo=norma",
        "/publicar/nuevo?tipo=conjunto-datos",
        "/publicar/entidad/secretaria-general/miembros",
        "/publicar/entidad/secretaria-general/tokens",
        "/publicar/entidad/secretaria-general/importar",
        "/publicar/admin/entidades",
        "/publicar/admin/usuarios",
    ],
)
def test_workspace_pages_are_accessible(site, chromium, shared_demo, path):
    from catalog.extensions import db
    from catalog.models import User

    with shared_demo.app_context():
        user = db.session.execute(db.select(User).where(User.email == "ana@sg.gov.co")).scalar_one()
        user.is_admin = True  # also sees the administrators' pages
        db.session.commit()
    context, page = _signed_in(chromium, site, "ana@sg.gov.co")
    assert page.goto(site + path).status == 200
    assert page.locator("html").get_attribute("lang") == "es"
    assert axe_violations(page) == []
    context.close()


def test_good_practice_form_has_an_index_and_boxes_beside_their_labels(site, chromium, shared_demo):
    """The long good-practice form opens with an index of its sections, each section leads back
    to it, and every checkbox sits on the left of its own label, on the same line; at 360 px
    neither the form nor a history diff scrolls sideways."""
    from catalog.services import resources as service
    from catalog.services.actors import Actor

    with shared_demo.app_context():  # a second version with long words and a long URL to diff
        resource = service.get_resource("directorio-puntos-atencion-red-cade")
        service.update_resource(
            resource,
            {
                "description": "Ver https://www.example.gov.co/"
                + "a" * 160
                + " "
                + "Interinstitucionalización" * 5,
            },
            Actor.system(),
            partial=True,
        )
    context, page = _signed_in(chromium, site, "ana@sg.gov.co")
    page.goto(site + "/publicar/nuevo?tipo=buena-practica")
    index = page.get_by_role("navigation", name="Secciones del formulario")
    links = index.get_by_role("link")
    assert links.count() >= 6
    target = links.nth(3).get_attribute("href")
    links.nth(3).click()
    assert page.evaluate("location.hash") == target
    section = page.locator(f"section:has(h2{target})")
    section.get_by_role("link", name="Volver al índice del formulario").click()
    assert page.evaluate("location.hash") == "#indice-formulario"
    for label in ("Dimensión de Talento Humano", "Política: Integridad"):
        box = page.get_by_label(label, exact=True).bounding_box()
        text = page.locator("label", has_text=label.removeprefix("Política: ")).first
        text_box = text.bounding_box()
        assert box["x"] + box["width"] <= text_box["x"], label  # the box on the left
        assert abs((box["y"] + box["height"] / 2) - (text_box["y"] + 10)) < 14, label
    assert page.get_by_text("Dimensión: Dimensión").count() == 0
    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_sideways_scroll(
        page,
        site,
        (
            "/publicar/nuevo?tipo=buena-practica",
            "/publicar/recurso/directorio-puntos-atencion-red-cade/historial",
        ),
    )
    context.close()
