"""Bulk import: per-row report, "válidas" and all-or-nothing modes, CSV and XLSX, the CLI."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from catalog.errors import Forbidden
from catalog.extensions import db
from catalog.models import Resource, Revision
from catalog.services import bulk_import
from catalog.services.actors import Actor
from catalog.services.bulk_import import COLUMNS, import_table

from .conftest import add_two_entities, database_state

HEADER = [
    "Título",  # accents and case do not matter
    "tipo",
    "descripcion",
    "estado",
    "palabras_clave",
    "idiomas",
    "fecha_publicacion",
    "dependencia",
    "distribucion_titulo",
    "distribucion_url",
    "distribucion_formato",
    "slug",
]
FORMULA = "=cmd|' /C calc'!A0"
ROWS = [
    # 2: good, published, formula-looking description kept as text
    ["Guía de trámites", "guia", FORMULA, "publicado", "trámites|simplificación", "spa|eng",
     "2024-03-01", "", "Guía en PDF", "https://example.org/g.pdf", "pdf", ""],
    # 3: title too short, unknown type
    ["Ab", "inexistente", "", "", "", "", "", "", "", "", "", ""],
    # 4: good, a unit's norm, Colombian date format
    ["Norma de la unidad", "norma", "", "borrador", "", "", "15/06/2023", "entidad-a-unidad",
     "", "", "", "norma-unidad"],
    # 5: bad distribution URL, unknown language
    ["Manual con enlace roto", "manual", "", "", "", "spa|xx", "", "", "", "ftp://x", "", ""],
    # 6: another entity
    ["Guía ajena", "guia", "", "", "", "", "", "entidad-b", "", "", "", ""],
    # 7: slug repeated from row 4
    ["Otra norma", "norma", "", "", "", "", "", "", "", "", "", "norma-unidad"],
    # 8: blank (skipped, still counted as a spreadsheet row)
    ["", "", "", "", "", "", "", "", "", "", "", ""],
    # 9: impossible date
    ["Datos de prueba", "conjunto-datos", "", "", "", "", "2024-13-01", "", "", "", "", ""],
    # 10: unknown status
    ["Guía retirada", "guia", "", "retirado", "", "", "", "", "", "", "", ""],
]  # fmt: skip
EXPECTED_PROBLEMS = {
    (3, "titulo"),
    (3, "tipo"),
    (5, "distribucion_url"),
    (5, "idiomas"),
    (6, "dependencia"),
    (7, "slug"),
    (9, "fecha_publicacion"),
    (10, "estado"),
}
EXACT_REASONS = {
    (3, "titulo"): "Mínimo 3 caracteres.",
    (5, "distribucion_url"): (
        "Debe ser una dirección web completa que empiece por http:// o https://."
    ),
    (6, "dependencia"): "No es «Entidad A» ni una de sus dependencias.",
    (7, "slug"): "Se repite en la fila 4.",
    (9, "fecha_publicacion"): (
        "Debe ser una fecha válida: AAAA-MM-DD (2025-03-31) o DD/MM/AAAA (31/03/2025)."
    ),
    (10, "estado"): "Use «borrador» o «publicado».",
}


def _csv(rows=ROWS, header=HEADER, delimiter=";", encoding="utf-8-sig") -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _xlsx(rows=ROWS, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        values: list = list(row)
        if values[6] == "2024-03-01":
            values[6] = datetime(2024, 3, 1)  # a real date cell
        sheet.append([v if v != "" else None for v in values])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def entities(app):
    app.ids = add_two_entities(app)
    return app


def editor_of(app, slug: str) -> Actor:
    return Actor(label=f"editor@{slug}", roles={app.ids[slug]: "editor"})


def _run(app, data: bytes, name: str, all_or_nothing=False, actor=None, slug="entidad-a"):
    with app.app_context():
        actor = actor or editor_of(app, "entidad-a")
        return import_table(data, name, actor, slug, all_or_nothing)


def _check_report(report, total=8):
    assert {(row, field) for row, field, _ in report.rows} == EXPECTED_PROBLEMS
    reasons = {(row, field): reason for row, field, reason in report.rows}
    for key, reason in EXACT_REASONS.items():
        assert reasons[key] == reason, key
    assert reasons[(3, "tipo")].startswith("Valor desconocido en «Tipos de recurso»")
    assert reasons[(5, "idiomas")].startswith("Valor desconocido")
    assert report.total == total
    assert report.refused_rows == [3, 5, 6, 7, 9, 10]


def _check_imported(app, actor="editor@entidad-a"):
    with app.app_context():
        resources = {r.slug: r for r in db.session.execute(db.select(Resource)).scalars()}
        assert set(resources) == {"guia-de-tramites", "norma-unidad"}
        guide, norm = resources["guia-de-tramites"], resources["norma-unidad"]
        assert guide.title == "Guía de trámites"
        assert guide.description == FORMULA  # stored as typed, plain text
        assert guide.status == "published" and guide.publisher.slug == "entidad-a"
        assert guide.keyword_list == ["trámites", "simplificación"]
        assert guide.languages == ["spa", "eng"]
        assert guide.issued == date(2024, 3, 1)
        (dist,) = guide.distributions
        assert (dist.title, dist.access_url, dist.format) == (
            "Guía en PDF",
            "https://example.org/g.pdf",
            "pdf",
        )
        assert norm.status == "draft" and norm.publisher.slug == "entidad-a-unidad"
        assert norm.issued == date(2023, 6, 15)
        for resource, row in ((guide, 2), (norm, 4)):
            (revision,) = db.session.execute(
                db.select(Revision).where(Revision.resource_id == resource.id)
            ).scalars()
            assert revision.action == "create"
            assert revision.actor_label == actor
            assert f"fila {row}" in revision.summary
            assert resource.quality_score is not None  # derived state refreshed


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_valid_rows_are_imported_with_a_report(entities, kind):
    data = _csv() if kind == "csv" else _xlsx()
    report = _run(entities, data, f"recursos.{kind}")
    _check_report(report)
    assert report.kind == kind
    assert report.imported == [(2, "guia-de-tramites"), (4, "norma-unidad")]
    assert report.counts == {
        "rows": 8,
        "valid": 2,
        "imported": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "refused": 6,
    }
    assert not report.ok
    _check_imported(entities)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_all_or_nothing_imports_nothing(entities, kind):
    before = database_state(entities)
    data = _csv() if kind == "csv" else _xlsx()
    report = _run(entities, data, f"recursos.{kind}", all_or_nothing=True)
    _check_report(report)
    assert report.imported == []
    assert report.counts == {
        "rows": 8,
        "valid": 2,
        "imported": 0,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "refused": 6,
    }
    assert any("ninguna fila" in line for line in report.lines())
    assert database_state(entities) == before


def test_all_or_nothing_imports_everything_when_all_rows_are_good(entities):
    good = [ROWS[0], ROWS[2]]
    report = _run(entities, _csv(good), "buenas.csv", all_or_nothing=True)
    assert report.ok and report.rows == []
    assert report.imported == [(2, "guia-de-tramites"), (3, "norma-unidad")]
    with entities.app_context():
        assert db.session.execute(db.select(db.func.count(Revision.id))).scalar() == 2


def test_xlsx_formula_cells_are_text(entities):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["titulo", "tipo", "descripcion"])
    sheet.append(["Guía con fórmula", "guia", "=1+1"])  # openpyxl stores it as a formula
    sheet.append(['=HYPERLINK("http://evil.example")', "guia", None])
    out = io.BytesIO()
    workbook.save(out)
    report = _run(entities, out.getvalue(), "formulas.xlsx")
    assert report.ok, report.rows
    with entities.app_context():
        titles = dict(db.session.execute(db.select(Resource.title, Resource.description)).all())
    assert titles == {"Guía con fórmula": "=1+1", '=HYPERLINK("http://evil.example")': ""}


@pytest.mark.parametrize(
    "encoding, delimiter",
    [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", ";"), ("cp1252", "\t"), ("utf-16", "\t")],
)
def test_encodings_and_delimiters(entities, encoding, delimiter):
    data = _csv([["Guía de señales", "guia"]], ["titulo", "tipo"], delimiter, encoding)
    report = _run(entities, data, "recursos.csv")
    assert report.ok, report.rows
    with entities.app_context():
        assert db.session.execute(db.select(Resource.title)).scalar_one() == "Guía de señales"


def test_quoted_cells_spanning_lines_keep_row_numbers(entities):
    rows = [["Guía larga", "guia", "línea uno\nlínea dos"], ["Ab", "guia", ""]]
    report = _run(entities, _csv(rows, ["titulo", "tipo", "descripcion"]), "recursos.csv")
    assert report.rows == [(3, "titulo", "Mínimo 3 caracteres.")]
    with entities.app_context():
        assert db.session.execute(db.select(Resource.description)).scalar_one() == (
            "línea uno\nlínea dos"
        )


@pytest.mark.parametrize(
    "data, name, reason",
    [
        (b"%PDF-1.7\n...", "recursos.csv", "no es un CSV ni un libro de Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "recursos.xls", "Excel 97-2003"),
        (b"titulo;tipo\nGu\xeda;guia\n", "recursos.xlsx", "no es un libro de Excel"),
        (_xlsx(), "recursos.csv", "no es texto CSV"),
        (b"PK\x03\x04garbage", "recursos.zip", "dañado"),
        (b"\x89PNG\r\n\x1a\n", "foto.png", "no es un CSV ni un libro de Excel"),
        (b"ti\x00tulo;tipo", "recursos.csv", "no es un CSV ni un libro de Excel"),
        (b"   \n", "recursos.csv", "vacío"),
        (b"titulo;tipo\n\x81\x8d;guia\n", "recursos.csv", "codificación"),
        # a document given instead of a table: named for what it is, not "más de 200 columnas"
        (b'{"@context": {"dcat": "x"}, "@graph": []}', "catalogo.jsonld", "un documento JSON-LD"),
        (b'[{"title": "x"}]', "datos.csv", "un documento JSON"),
        (b"@prefix dcat: <http://www.w3.org/ns/dcat#> .", "datos.txt", "Turtle"),
        (b"<!doctype html><html></html>", "pagina.csv", "XML o HTML"),
    ],
)
def test_files_refused_by_content(entities, data, name, reason):
    before = database_state(entities)
    report = _run(entities, data, name)
    assert [(row, field) for row, field, _ in report.rows] == [(0, "archivo")]
    assert reason in report.rows[0][2]
    assert report.imported == []
    assert database_state(entities) == before


def test_zip_that_is_not_a_workbook(entities):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hola.txt", "hola")
    report = _run(entities, out.getvalue(), "recursos.xlsx")
    assert report.rows == [(0, "archivo", "El archivo comprimido no es un libro de Excel (.xlsx).")]


def test_limits(entities, monkeypatch):
    monkeypatch.setattr(bulk_import, "MAX_ROWS", 3)
    rows = [[f"Guía número {i}", "guia"] for i in range(4)]
    report = _run(entities, _csv(rows, ["titulo", "tipo"]), "recursos.csv")
    assert report.rows == [(0, "archivo", "El archivo tiene más de 3 filas; divídalo en partes.")]
    monkeypatch.setattr(bulk_import, "MAX_BYTES", 100)
    report = _run(entities, b"titulo;tipo\n" + b"x" * 200, "recursos.csv")
    assert report.rows[0][0] == 0 and "el máximo es" in report.rows[0][2]
    with entities.app_context():
        assert db.session.execute(db.select(Resource.id)).first() is None


def test_header_problems_refuse_the_file(entities):
    before = database_state(entities)
    data = _csv([["Guía buena", "guia"]], ["titlo", "tipo", "tipo"])
    report = _run(entities, data, "recursos.csv")
    assert report.rows == [
        (1, "titlo", "Columna desconocida (vea la plantilla)."),
        (1, "tipo", "Columna repetida."),
        (1, "titulo", "Falta esta columna obligatoria."),
    ]
    assert database_state(entities) == before


def test_value_in_a_column_without_name(entities):
    data = b"titulo;tipo;\nGu\xc3\xada buena;guia;sobra\n"
    report = _run(entities, data, "recursos.csv")
    assert report.rows == [(2, "columna 3", "Hay un valor en una columna sin nombre.")]
    assert report.imported == []


def test_actor_of_another_entity_cannot_import(entities):
    before = database_state(entities)
    with pytest.raises(Forbidden):
        _run(entities, _csv(), "recursos.csv", actor=editor_of(entities, "entidad-b"))
    # an editor of the unit only may not import into the entity, but may into the unit
    unit_editor = editor_of(entities, "entidad-a-unidad")
    with pytest.raises(Forbidden):
        _run(entities, _csv(), "recursos.csv", actor=unit_editor)
    assert database_state(entities) == before
    data = _csv([["Circular de la unidad", "norma"]], ["titulo", "tipo"])
    report = _run(entities, data, "u.csv", actor=unit_editor, slug="entidad-a-unidad")
    assert report.ok and report.imported == [(2, "circular-de-la-unidad")]
    # and rows naming the parent entity are refused for that editor
    data = _csv([["Otra circular", "norma", "entidad-a"]], ["titulo", "tipo", "dependencia"])
    report = _run(entities, data, "u.csv", actor=unit_editor, slug="entidad-a-unidad")
    assert report.rows == [(2, "dependencia", "No es «Unidad de A» ni una de sus dependencias.")]


def test_cli(entities, tmp_path):
    runner = entities.test_cli_runner()
    bad = tmp_path / "recursos.csv"
    bad.write_bytes(_csv())
    before = database_state(entities)
    result = runner.invoke(
        args=["import-csv", str(bad), "--publisher", "entidad-a", "--all-or-nothing"]
    )
    assert result.exit_code == 1
    assert "fila 3, titulo: Mínimo 3 caracteres." in result.output
    assert "No se importó ninguna fila" in result.output
    assert database_state(entities) == before

    result = runner.invoke(args=["import-csv", str(bad), "--publisher", "entidad-a"])
    assert result.exit_code == 1
    assert "2 importadas, 0 actualizadas, 0 sin cambios, 0 omitidas, 6 rechazadas" in result.output
    _check_imported(entities, actor="cli")

    book = tmp_path / "nuevos.xlsx"
    book.write_bytes(_xlsx([["Guía desde Excel", "guia"] + [""] * 10]))
    result = runner.invoke(args=["import-csv", str(book), "--publisher", "entidad-a"])
    assert result.exit_code == 0, result.output
    assert "(XLSX)" in result.output and "1 importadas" in result.output

    result = runner.invoke(args=["import-csv", str(book), "--publisher", "nadie"])
    assert result.exit_code == 1 and "No existe la entidad «nadie»" in result.output


def test_template_round_trip(entities):
    client = entities.test_client()
    response = client.get("/importacion/plantilla.csv")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    header = response.data.decode("utf-8-sig").strip().split(";")
    assert header == [c.header for c in COLUMNS]
    filled = [""] * len(header)
    filled[header.index("titulo")] = "Guía desde la plantilla"
    filled[header.index("tipo")] = "guia"
    filled[header.index("categoria_informacion")] = "participa"
    report = _run(entities, _csv([filled], header), "plantilla.csv")
    assert report.ok, report.rows
    with entities.app_context():
        resource = db.session.execute(db.select(Resource)).scalar_one()
        assert resource.information_category == "participa"

    response = client.get("/importacion/plantilla.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Recursos", "Columnas", "Valores"]
    first = [c.value for c in workbook["Recursos"][1]]
    assert first == header
    values = {(r[0], r[1]) for r in workbook["Valores"].iter_rows(min_row=2, values_only=True)}
    assert ("categoria_informacion", "datos-abiertos") in values
    assert ("tipo", "buena-practica") in values


GOOD_ROWS = [ROWS[0], ROWS[2]]  # row 2: no slug (matched by title); row 3: slug norma-unidad


def test_reimporting_the_same_sheet_updates_instead_of_duplicating(entities):
    data = _csv(GOOD_ROWS)
    first = _run(entities, data, "recursos.csv")
    assert first.ok and len(first.imported) == 2
    before = database_state(entities)
    with entities.app_context():
        revisions = db.session.query(Revision).count()
    again = _run(entities, data, "recursos.csv")
    assert again.ok and again.imported == [] and again.updated == []
    assert sorted(s for _, s in again.unchanged) == ["guia-de-tramites", "norma-unidad"]
    assert database_state(entities) == before
    with entities.app_context():
        assert db.session.query(Revision).count() == revisions  # nothing changed, no revision
        assert db.session.query(Resource).count() == 2  # no "-2" slugs
    # a changed cell updates the resource it names (title matched accents and case aside)
    changed = [list(r) for r in GOOD_ROWS]
    changed[0][0] = "GUIA DE TRAMITES"
    changed[0][2] = "Descripción nueva."
    changed[1][2] = "La norma, descrita."
    third = _run(entities, _csv(changed), "recursos.csv")
    assert third.ok and third.imported == []
    assert sorted(s for _, s in third.updated) == ["guia-de-tramites", "norma-unidad"]
    with entities.app_context():
        assert db.session.query(Resource).count() == 2
        assert {r.description for r in db.session.query(Resource)} == {
            "Descripción nueva.",
            "La norma, descrita.",
        }


def test_only_new_reports_and_skips_what_exists(entities, tmp_path):
    data = _csv(GOOD_ROWS)
    assert _run(entities, data, "recursos.csv").ok
    before = database_state(entities)
    sheet = tmp_path / "recursos.csv"
    sheet.write_bytes(data)
    result = entities.test_cli_runner().invoke(
        args=["import-csv", str(sheet), "--publisher", "entidad-a", "--only-new"]
    )
    assert result.exit_code == 0, result.output
    assert "2 omitidas" in result.output and "ya existe «norma-unidad»" in result.output
    assert "Importando: 0/0" in result.stderr  # progress, off a terminal: plain lines
    assert database_state(entities) == before


def test_a_sheet_that_names_a_resource_twice_is_refused_there(entities):
    twice = [ROWS[0], ROWS[0]]
    report = _run(entities, _csv(twice), "recursos.csv")
    assert (3, "titulo") in {(r, f) for r, f, _ in report.rows}
    assert len(report.imported) == 1
