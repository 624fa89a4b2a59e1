"""Public HTML pages: what a citizen reads, and the schema.org description inside."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from catalog.extensions import db
from catalog.models import PUBLISHED, GoodPractice, Resource


class Page(HTMLParser):
    """Collects headings, JSON-LD scripts and visible text of an HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.headings: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None
        self._buffer = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2", "h3") or (
            tag == "script" and attrs.get("type") == "application/ld+json"
        ):
            self._in, self._buffer = tag, ""

    def handle_endtag(self, tag):
        if tag == self._in:
            (self.scripts if tag == "script" else self.headings).append(self._buffer.strip())
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._buffer += data
        self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def test_home_lists_recent_resources_newest_date_first(shared_demo):
    """The recent cards come in the order of the date each one shows (its dct:modified, or
    dct:issued without one), newest first, whatever order they were published in."""
    response = shared_demo.test_client().get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = Page(html)
    assert "Actualizado recientemente" in page.headings
    section = html.split('id="recientes"', 1)[1].split("</section>", 1)[0]
    slugs = re.findall(r'href="/recurso/([^"]+)"', section)
    assert len(slugs) == 12
    with shared_demo.app_context():
        dates = {
            slug: modified or issued
            for slug, modified, issued in db.session.execute(
                db.select(Resource.slug, Resource.modified, Resource.issued).where(
                    Resource.status == PUBLISHED
                )
            )
        }
    shown = [dates[slug] for slug in slugs]
    assert shown == sorted(shown, reverse=True)
    assert shown[0] == max(d for d in dates.values() if d)
    # the newest published (last loaded) resource is not simply put first
    assert slugs != sorted(slugs, key=list(dates).index, reverse=True)


def test_resource_page_has_fields_and_schema_org(shared_demo):
    with shared_demo.app_context():
        resource = (
            db.session.execute(
                db.select(Resource).where(
                    Resource.status == PUBLISHED, Resource.type == "conjunto-datos"
                )
            )
            .scalars()
            .first()
        )
        slug, title = resource.slug, resource.title
        keywords = resource.keyword_list
        dist_titles = [d.title for d in resource.distributions if d.title]
        publisher = resource.publisher.display_name
    response = shared_demo.test_client().get(f"/recurso/{slug}")
    page = Page(response.get_data(as_text=True))
    assert page.headings[0] == title
    for word in keywords:
        assert word in page.visible
    for dist_title in dist_titles:
        assert dist_title in page.headings
    assert publisher in page.visible
    assert "Licencia" in page.visible and "Próxima revisión" in page.visible
    data = json.loads(page.scripts[0])
    assert data["@type"] == "Dataset"
    assert data["name"] == title
    assert data["url"] == f"http://catalogo.test/recurso/{slug}"
    assert data["distribution"][0]["contentUrl"].startswith("https://")
    assert len(data["description"]) >= 50


def test_good_practice_page_shows_every_section(shared_demo):
    with shared_demo.app_context():
        candidates = db.session.execute(
            db.select(GoodPractice)
            .join(Resource)
            .where(Resource.status == PUBLISHED, GoodPractice.contribution.is_not(None))
        ).scalars()
        practice = next(p for p in candidates if p.conclusions and p.benefits)
        slug = practice.resource.slug
        objectives, conclusions = practice.objectives, practice.conclusions
        benefits = [b["benefit"] for b in practice.benefits]
        hidden = [c.name for c in practice.collaborators if not c.show_publicly]
    page = Page(shared_demo.test_client().get(f"/recurso/{slug}").get_data(as_text=True))
    for heading in (
        "1. Información general",
        "2. Identificación",
        "3. Contribución",
        "4. Sostenibilidad",
        "5. Conclusiones",
    ):
        assert heading in page.headings
    for value in [*objectives, *conclusions, *benefits]:
        assert " ".join(value.split()) in page.visible
    for name in hidden:  # Ley 1581: collaborators not marked public stay private
        assert name not in page.visible


def test_markdown_is_sanitised(demo_app):
    from catalog.services.actors import Actor
    from catalog.services.resources import create_resource

    with demo_app.app_context():
        create_resource(
            {
                "title": "Prueba de seguridad",
                "type": "guia",
                "publisher": "secretaria-general",
                "status": "published",
                "description": "<script>alert(1)</script> [x](javascript:alert(2)) **bien**",
            },
            Actor.system(),
        )
    html = demo_app.test_client().get("/recurso/prueba-de-seguridad").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    links = Links(html)
    assert not [u for u in links.urls if u.strip().lower().startswith("javascript:")]
    assert "<strong>bien</strong>" in html


class Links(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.urls: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.urls += [v or "" for k, v in attrs if k in ("href", "src", "action")]


def test_publisher_page_and_missing_pages(shared_demo):
    client = shared_demo.test_client()
    response = client.get("/entidad/secretaria-general")
    assert response.status_code == 200
    page = Page(response.get_data(as_text=True))
    assert page.headings[0].startswith("Secretaría General")
    missing = client.get("/entidad/no-existe")
    assert missing.status_code == 404 and "text/html" in missing.content_type
    # a lost visitor gets a way on: the search box, not only "volver al inicio"
    assert 'role="search"' in missing.get_data(as_text=True)
    assert 'action="/buscar"' in missing.get_data(as_text=True)
    api_missing = client.get("/api/v1/resources/no-existe")
    assert api_missing.status_code == 404 and api_missing.is_json


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Secretaría Distrital de Hacienda", "de la Secretaría"),
        ("Veeduría Distrital", "de la Veeduría"),
        ("Instituto Distrital de Recreación y Deporte", "del Instituto"),
        ("Departamento Administrativo del Servicio Civil", "del Departamento"),
        ("Programa Nacional de Servicio al Ciudadano", "del Programa"),
        ("El Archivo de Bogotá", "del Archivo"),
        ("La Nueva Unidad", "de La Nueva"),
        ("IDRD", "de IDRD"),
        ("Bogotá", "de Bogotá"),
    ],
)
def test_names_after_de_follow_spanish_grammar(name, expected):
    from catalog.text import of_name

    assert of_name(name).startswith(expected)
    assert of_name(name).endswith(name.split(maxsplit=1)[-1])


def test_unit_and_entity_pages_say_de_la_and_del(shared_demo):
    client = shared_demo.test_client()
    unit = client.get("/entidad/sdh-direccion-presupuesto").get_data(as_text=True)
    assert "Dependencia de la Secretaría Distrital de Hacienda" in unit
    english = client.get("/entidad/sdh-direccion-presupuesto?lang=en").get_data(as_text=True)
    assert "Unit of Secretaría Distrital de Hacienda" in english
    register = client.get("/entidad/idrd/registro-activos").get_data(as_text=True)
    assert (
        "Otros instrumentos de la Ley 1712 del Instituto Distrital de Recreación y Deporte"
        in register
    )
