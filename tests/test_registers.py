"""Ley 1712 registers: exactly the expected rows and values, in the page, the CSV and the XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import html5lib
import pytest
from openpyxl import load_workbook

from catalog.extensions import db
from catalog.models import Publisher
from catalog.services.actors import Actor
from catalog.services.resources import change_status, create_resource
from catalog.stewardship.registers import ASSETS_COLUMNS, INDEX_COLUMNS, SCHEME_COLUMNS

from .conftest import BASE_URI, add_two_entities

HTML = "{http://www.w3.org/1999/xhtml}"
PAGE = BASE_URI + "/recurso/"


def _create(**data):
    data.setdefault("publisher", "entidad-a")
    data.setdefault("type", "guia")
    resource = create_resource(data, Actor.system("test"))
    return resource.slug


@pytest.fixture
def catalog(app):
    """Entity A with a unit, entity B; resources published, draft, withdrawn, classified."""
    add_two_entities(app)
    with app.app_context():
        _create(
            slug="manual-contratacion",
            title="Manual de contratación",
            description="Cómo **contratar** bien.\n\n- paso uno",
            status="published",
            creator="entidad-a-unidad",
            languages=["spa", "eng"],
            support_medium="digital",
            information_category="contratacion",
            issued="2024-03-01",
            accrual_periodicity="annual",
            distributions=[
                {"title": "PDF", "access_url": "https://example.org/m.pdf", "format": "pdf"},
                {"title": "Tabla", "access_url": "https://example.org/m.csv", "format": "csv"},
                {"title": "Otra", "access_url": "https://example.org/m2.pdf", "format": "pdf"},
            ],
        )
        _create(
            slug="decreto-unidad",
            title="Decreto de la unidad",
            type="norma",
            status="published",
            publisher="entidad-a-unidad",
        )
        _create(
            slug="formula",
            title='=HYPERLINK("http://evil.example","x")',
            description="@SUM(1+1)",
            status="published",
            support_medium="fisico",
            distributions=[
                {
                    "access_url": "https://example.org/f",
                    "media_type": "application/octet-stream",
                }
            ],
        )
        _create(
            slug="informe-clasificado",
            title="Informe clasificado",
            type="informe-resultados",
            status="published",
            access_rights="clasificada",
            issued="2023-01-15",
            exception_ground="intimidad",
            exception_legal_basis="Ley 1581 de 2012, artículo 5 (datos sensibles).",
            exception_scope="parcial",
        )
        _create(
            slug="mapa-riesgos",
            title="Mapa de riesgos de la infraestructura",
            type="documento-tecnico",
            status="published",
            publisher="entidad-a-unidad",
            creator="entidad-a",
            access_rights="reservada",
            issued="2024-06-30",
            support_medium="digital",
            exception_ground="seguridad-publica",
            exception_legal_basis="Ley 1273 de 2009.",
            exception_scope="total",
            exception_until="2039-06-30",
        )
        _create(
            slug="reservado-borrador",
            title="Borrador reservado",
            access_rights="reservada",
            exception_ground="salud-publica",
            exception_legal_basis="Ley 9 de 1979.",
            exception_scope="total",
            exception_until="2030-01-01",
        )
        _create(
            slug="clasificado-de-b",
            title="Clasificado de B",
            publisher="entidad-b",
            status="published",
            access_rights="clasificada",
            exception_ground="secretos",
            exception_legal_basis="Decisión 486 de 2000 (CAN).",
            exception_scope="total",
        )
        _create(slug="borrador", title="Borrador de guía")
        withdrawn = _create(slug="retirado", title="Guía retirada", status="published")
        from catalog.services.resources import get_resource

        change_status(get_resource(withdrawn), "withdrawn", Actor.system(), reason="Obsoleta.")
        _create(slug="guia-b", title="Guía de B", publisher="entidad-b", status="published")
    return app


EXPECTED_ASSETS = [
    (
        "Información de la entidad",
        '=HYPERLINK("http://evil.example","x"): @SUM(1+1)',
        "Español",
        "Físico",
        "application/octet-stream",
        "Publicada",
        PAGE + "formula",
    ),
    (
        "Información de la entidad",
        "Mapa de riesgos de la infraestructura",
        "Español",
        "Digital",
        "",
        "No publicada (información pública reservada)",
        PAGE + "mapa-riesgos",
    ),
    (
        "Normativa",
        "Decreto de la unidad",
        "Español",
        "",
        "",
        "Disponible (a solicitud)",
        PAGE + "decreto-unidad",
    ),
    (
        "Contratación",
        "Manual de contratación: Cómo contratar bien. paso uno",
        "Español, Inglés",
        "Digital",
        "PDF, CSV",
        "Publicada",
        PAGE + "manual-contratacion",
    ),
    (
        "Planeación, presupuesto e informes",
        "Informe clasificado",
        "Español",
        "",
        "",
        "No publicada (información pública clasificada)",
        PAGE + "informe-clasificado",
    ),
]
TODAY = datetime.now(ZoneInfo("America/Bogota")).date()
EXPECTED_SCHEME = [
    (
        '=HYPERLINK("http://evil.example","x")',
        "Español",
        "Físico",
        "application/octet-stream",
        TODAY.isoformat(),  # published without a date: the first publication sets it
        "",
        PAGE + "formula",
        "Entidad A",
        "Entidad A",
    ),
    (
        "Decreto de la unidad",
        "Español",
        "",
        "",
        TODAY.isoformat(),
        "",
        PAGE + "decreto-unidad",
        "Unidad de A — Entidad A",
        "Unidad de A — Entidad A",
    ),
    (
        "Manual de contratación",
        "Español, Inglés",
        "Digital",
        "PDF, CSV",
        "2024-03-01",
        "Anual",
        PAGE + "manual-contratacion",
        "Unidad de A — Entidad A",
        "Entidad A",
    ),
]

# classified and reserved resources of entity A and its unit, published only (not the draft,
# not entity B's), ordered by category then title
EXPECTED_INDEX = [
    (
        "Información de la entidad",
        "Mapa de riesgos de la infraestructura",
        "Español",
        "Digital",
        "2024-06-30",
        "Entidad A",
        "Unidad de A — Entidad A",
        "La seguridad pública",
        "Ley 1712 de 2014, artículo 19, literal b",
        "Ley 1273 de 2009.",
        "Total",
        "2039-06-30",
    ),
    (
        "Planeación, presupuesto e informes",
        "Informe clasificado",
        "Español",
        "",
        "2023-01-15",
        "Entidad A",
        "Entidad A",
        "El derecho de toda persona a la intimidad",
        "Ley 1712 de 2014, artículo 18, literal a",
        "Ley 1581 de 2012, artículo 5 (datos sensibles).",
        "Parcial",
        "Sin plazo (información clasificada)",
    ),
]


def _neutral(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _csv(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    text = response.data.decode("utf-8")[1:]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _xlsx(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data)).worksheets[0]


def _html_table(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    html5lib.HTMLParser(strict=True).parse(response.get_data(as_text=True))
    tree = html5lib.parse(response.data)
    table = tree.find(f".//{HTML}table")
    assert table is not None
    caption = table.find(f"{HTML}caption")
    header = table.findall(f"{HTML}thead/{HTML}tr/{HTML}th")
    assert all(th.get("scope") == "col" for th in header)
    rows = table.findall(f"{HTML}tbody/{HTML}tr")
    cells = [[("".join(c.itertext())).strip() for c in row] for row in rows]
    scopes = [[c.get("scope") for c in row if c.tag == f"{HTML}th"] for row in rows]
    assert all(s == ["row"] for s in scopes)
    return "".join(caption.itertext()), [th.text for th in header], cells


@pytest.mark.parametrize(
    "register, columns, expected",
    [
        ("registro-activos", ASSETS_COLUMNS, EXPECTED_ASSETS),
        ("esquema-publicacion", SCHEME_COLUMNS, EXPECTED_SCHEME),
        ("indice-clasificada-reservada", INDEX_COLUMNS, EXPECTED_INDEX),
    ],
)
def test_register_in_every_format(catalog, register, columns, expected):
    client = catalog.test_client()
    url = f"/entidad/entidad-a/{register}"

    rows = _csv(client, url + ".csv")
    assert rows[0] == list(columns)
    assert rows[1:] == [[_neutral(v) for v in row] for row in expected]

    sheet = _xlsx(client, url + ".xlsx")
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == list(columns)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert all(sheet.column_dimensions[c].width >= 10 for c in "ABCDEFG")
    as_text = [
        ["" if v is None else v.date().isoformat() if hasattr(v, "date") else v for v in row]
        for row in values[1:]
    ]
    assert as_text == [[_neutral(v) for v in row] for row in expected]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"  # no formula anywhere

    caption, header, cells = _html_table(client, url)
    assert header == list(columns)
    assert cells == [list(row) for row in expected]
    assert caption.endswith(f"{len(expected)} registros")


def test_register_page_is_paged_and_downloads_stay_whole(catalog, monkeypatch):
    from catalog.stewardship import register_views

    monkeypatch.setattr(register_views, "PAGE_SIZE", 2)
    client = catalog.test_client()
    url = "/entidad/entidad-a/registro-activos"
    pages, seen = -(-len(EXPECTED_ASSETS) // 2), []
    assert pages >= 2
    for page in range(1, pages + 1):
        caption, _, cells = _html_table(client, f"{url}?pagina={page}")
        assert len(cells) == (2 if page < pages else len(EXPECTED_ASSETS) - 2 * (pages - 1))
        assert f"(página {page} de {pages})" in caption
        assert caption.startswith(
            f"Registro de Activos de Información de Entidad A: {len(EXPECTED_ASSETS)} registros"
        )
        seen += cells
        tree = html5lib.parse(client.get(f"{url}?pagina={page}").data)
        pager = tree.find(f".//{HTML}nav[@class='pager']")
        links = {a.get("rel"): a.get("href") for a in pager.iter(f"{HTML}a")}
        assert ("next" in links) == (page < pages) and ("prev" in links) == (page > 1)
        if page < pages:
            assert links["next"] == f"{url}?pagina={page + 1}"
    assert seen == [list(row) for row in EXPECTED_ASSETS]  # every row once, in order
    # the downloads are the whole register whatever page was looked at
    assert len(_csv(client, url + ".csv?pagina=2")) == len(EXPECTED_ASSETS) + 1
    for wrong in ("0", str(pages + 1), "dos", "-1"):
        response = client.get(f"{url}?pagina={wrong}")
        assert response.status_code == 404
        assert f"el registro tiene {pages} páginas" in response.get_data(as_text=True)


def test_xlsx_dates_are_dates(catalog):
    sheet = _xlsx(catalog.test_client(), "/entidad/entidad-a/esquema-publicacion.xlsx")
    generated = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [g.date() if g else None for g in generated] == [TODAY, TODAY, date(2024, 3, 1)]


def test_unit_register_has_only_the_units_resources(catalog):
    rows = _csv(catalog.test_client(), "/entidad/entidad-a-unidad/registro-activos.csv")
    assert [r[-1] for r in rows[1:]] == [PAGE + "mapa-riesgos", PAGE + "decreto-unidad"]
    rows = _csv(catalog.test_client(), "/entidad/entidad-b/esquema-publicacion.csv")
    assert [r[0] for r in rows[1:]] == ["Guía de B"]


def test_entity_page_links_the_registers(catalog):
    html = catalog.test_client().get("/entidad/entidad-a").get_data(as_text=True)
    assert "/entidad/entidad-a/registro-activos" in html
    assert "/entidad/entidad-a/esquema-publicacion" in html
    assert "/entidad/entidad-a/indice-clasificada-reservada" in html


def test_empty_register(app):
    with app.app_context():
        db.session.add(Publisher(slug="vacia", name="Entidad vacía"))
        db.session.commit()
    client = app.test_client()
    assert _csv(client, "/entidad/vacia/registro-activos.csv") == [list(ASSETS_COLUMNS)]
    page = client.get("/entidad/vacia/esquema-publicacion")
    assert page.status_code == 200 and b"<table" not in page.data


@pytest.mark.parametrize(
    "path",
    [
        "/entidad/nadie/registro-activos",
        "/entidad/nadie/registro-activos.csv",
        "/entidad/nadie/esquema-publicacion.xlsx",
        "/entidad/entidad-a/registro-activos.pdf",
        "/entidad/entidad-a/indice-clasificada",
    ],
)
def test_unknown_entity_or_format_is_404(catalog, path):
    assert catalog.test_client().get(path).status_code == 404


def test_information_categories_vocabulary(app):
    vocab = app.extensions["vocab"]
    categories = vocab["information-categories"]
    assert len(categories.concepts) == 10
    assert [c.prop("menuNumber") for c in categories] == list(range(1, 11))
    defaults = [t for c in categories for t in c.prop_list("defaultForType")]
    assert len(defaults) == len(set(defaults))  # one default category per type
    assert set(defaults) == {c.notation for c in vocab["resource-types"]}
