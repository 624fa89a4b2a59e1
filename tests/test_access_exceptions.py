"""Ley 1712 exceptions: classified and reserved resources must say why, on what norm, how much
and until when — refused otherwise through every way in (API, PATCH, form, bulk import,
restore), with nothing stored; shown on the resource page and in the Índice."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from catalog.extensions import db
from catalog.models import Resource, Revision
from catalog.services.actors import Actor
from catalog.services.bulk_import import import_table

from .conftest import add_two_entities, database_state, make_token
from .workspace_helpers import add_user, csrf_token, form_values, sign_in

RESERVED = {
    "access_rights": "reservada",
    "exception_ground": "seguridad-publica",
    "exception_legal_basis": "Ley 1273 de 2009.",
    "exception_scope": "total",
    "exception_until": "2039-06-30",
}


@pytest.fixture
def api(app):
    add_two_entities(app)
    app.token = make_token(app, "entidad-a")
    return app


def _post(app, **fields):
    data = {"title": "Mapa de riesgos", "type": "documento-tecnico", "publisher": "entidad-a"}
    data.update(issued="2024-06-30", status="published")
    data.update(fields)
    return app.test_client().post(
        "/api/v1/resources", json=data, headers={"Authorization": f"Bearer {app.token}"}
    )


def _patch(app, slug, **fields):
    return app.test_client().patch(
        f"/api/v1/resources/{slug}", json=fields, headers={"Authorization": f"Bearer {app.token}"}
    )


def _refused(response, before, app) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    assert database_state(app) == before
    return {k: " ".join(v) for k, v in response.get_json()["fields"].items()}


def test_reserved_resource_needs_every_exception_field(api):
    before = database_state(api)
    fields = _refused(_post(api, access_rights="reservada"), before, api)
    assert set(fields) == {
        "exception_ground",
        "exception_legal_basis",
        "exception_scope",
        "exception_until",
    }
    assert "artículo 19" in fields["exception_ground"]
    assert "15 años" in fields["exception_until"]
    # classified: no term needed (art. 18 sets none), the rest is
    fields = _refused(_post(api, access_rights="clasificada"), before, api)
    assert set(fields) == {"exception_ground", "exception_legal_basis", "exception_scope"}
    assert "artículo 18" in fields["exception_ground"]


def test_ground_must_match_the_access_rights(api):
    before = database_state(api)
    response = _post(api, **{**RESERVED, "exception_ground": "intimidad"})
    fields = _refused(response, before, api)
    assert set(fields) == {"exception_ground"}
    assert "clasificada (artículo 18)" in fields["exception_ground"]
    assert "artículo 19" in fields["exception_ground"]
    response = _post(api, **{**RESERVED, "access_rights": "clasificada"})
    assert "reservada (artículo 19)" in _refused(response, before, api)["exception_ground"]


def test_reserve_lasts_at_most_fifteen_years(api):
    before = database_state(api)
    fields = _refused(_post(api, **{**RESERVED, "exception_until": "2039-07-01"}), before, api)
    assert fields == {
        "exception_until": "La reserva no puede durar más de 15 años desde que se generó la "
        "información (Ley 1712 de 2014, artículo 22): a más tardar 2039-06-30."
    }
    fields = _refused(_post(api, **{**RESERVED, "exception_until": "2020-01-01"}), before, api)
    assert "ya venció" in fields["exception_until"]
    assert "antes de la fecha en que se generó" in fields["exception_until"]
    created = _post(api, **RESERVED)  # exactly fifteen years is allowed
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert {k: body[k] for k in RESERVED} == RESERVED


def test_public_resource_takes_no_exception(api):
    before = database_state(api)
    response = _post(api, access_rights="publica", exception_scope="total")
    assert _refused(response, before, api) == {
        "exception_scope": "Solo se indica para información clasificada o reservada "
        "(derechos de acceso)."
    }
    response = _post(api, exception_ground="intimidad", exception_until="2030-01-01")
    assert set(_refused(response, before, api)) == {"exception_ground", "exception_until"}


def test_patch_is_checked_on_the_merged_resource(api):
    created = _post(api)
    assert created.status_code == 201
    slug = created.get_json()["slug"]
    before = database_state(api)
    # making it reserved alone leaves the exception unsaid
    fields = _refused(_patch(api, slug, access_rights="reservada"), before, api)
    assert "exception_ground" in fields and "exception_until" in fields
    # the whole exception at once is accepted
    assert _patch(api, slug, **RESERVED).status_code == 200
    # the term alone can change; the ground alone cannot move to the wrong article
    assert _patch(api, slug, exception_until="2030-12-31").status_code == 200
    before = database_state(api)
    assert (
        "artículo 18"
        in _refused(_patch(api, slug, exception_ground="secretos"), before, api)["exception_ground"]
    )
    # back to public: the exception must go with it
    fields = _refused(_patch(api, slug, access_rights="publica"), before, api)
    assert set(fields) == {
        "exception_ground",
        "exception_legal_basis",
        "exception_scope",
        "exception_until",
    }
    cleared = {name: None for name in RESERVED if name != "access_rights"}
    assert _patch(api, slug, access_rights="publica", **cleared).status_code == 200
    with api.app_context():
        resource = db.session.execute(db.select(Resource).where(Resource.slug == slug)).scalar_one()
        assert resource.access_rights == "publica" and resource.exception_ground is None


def test_resource_page_and_index_show_the_exception(api):
    slug = _post(api, **RESERVED).get_json()["slug"]
    client = api.test_client()
    page = client.get(f"/recurso/{slug}").text
    assert "Causal de la excepción" in page
    assert "La seguridad pública" in page and "Ley 1712 de 2014, artículo 19, literal b" in page
    assert "Ley 1273 de 2009." in page
    assert 'datetime="2039-06-30"' in page
    (entry,) = [
        d for d in client.get("/data.json").get_json()["dataset"] if d["title"] == "Mapa de riesgos"
    ]
    assert entry["accessLevel"] == "non-public"
    assert entry["rights"] == (
        "Información pública reservada: La seguridad pública (Ley 1712 de 2014, artículo 19, "
        "literal b), hasta el 2039-06-30."
    )
    english = client.get(f"/recurso/{slug}?lang=en").text
    assert "Ground for the exception" in english and "Public security" in english
    response = client.get("/entidad/entidad-a/indice-clasificada-reservada.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert [row[1] for row in rows[1:]] == ["Mapa de riesgos"]
    assert rows[1][7:] == [
        "La seguridad pública",
        "Ley 1712 de 2014, artículo 19, literal b",
        "Ley 1273 de 2009.",
        "Total",
        "2039-06-30",
    ]
    # the history diff names the fields in Spanish
    _patch(api, slug, exception_scope="parcial")
    with api.app_context():
        revision = db.session.execute(
            db.select(Revision).order_by(Revision.id.desc()).limit(1)
        ).scalar_one()
        assert "alcance de la excepción" in revision.summary


def test_form_errors_land_on_the_exception_inputs(demo_app):
    add_user(demo_app, "ana@sg.gov.co", "secretaria-general", "editor")
    client = demo_app.test_client()
    assert sign_in(client, "ana@sg.gov.co").status_code == 302
    before = database_state(demo_app)
    page = client.get("/publicar/nuevo?tipo=documento-tecnico")
    assert 'name="exception_ground"' in page.text
    data = {
        "csrf_token": csrf_token(page.text),
        "accion": "guardar",
        "title": "Plan de continuidad",
        "type": "documento-tecnico",
        "publisher": "secretaria-general",
        "issued": "2025-01-31",
        "access_rights": "reservada",
        "exception_ground": "intimidad",
        "exception_legal_basis": "Ley 1273 de 2009.",
    }
    response = client.post("/publicar/nuevo", data=data)
    assert response.status_code == 422
    assert database_state(demo_app) == before
    for name in ("exception_ground", "exception_scope", "exception_until"):
        assert f'id="f-{name}"' in response.text
    assert response.text.count('aria-invalid="true"') == 3
    assert "artículo 19" in response.text
    assert form_values(response.text)["exception_legal_basis"] == "Ley 1273 de 2009."
    data.update(exception_ground="seguridad-publica", exception_scope="parcial")
    data["exception_until"] = "2040-01-31"
    saved = client.post("/publicar/nuevo", data=data)
    assert saved.status_code in (302, 303), saved.text
    with demo_app.app_context():
        resource = db.session.execute(
            db.select(Resource).where(Resource.title == "Plan de continuidad")
        ).scalar_one()
        assert (resource.exception_scope, resource.exception_until) == (
            "parcial",
            date(2040, 1, 31),
        )


def test_restoring_a_version_todays_rules_refuse_changes_nothing(demo_app):
    """A version saved before the exception was required cannot come back as it was."""
    from catalog.services.resources import get_resource

    add_user(demo_app, "ana@sg.gov.co", "secretaria-general", "editor")
    slug = "plan-tratamiento-riesgos-seguridad-informacion"
    with demo_app.app_context():
        resource = get_resource(slug)
        revision = db.session.execute(
            db.select(Revision).where(Revision.resource_id == resource.id)
        ).scalar_one()
        # as recorded before migration 0014: reserved, without the exception fields
        revision.snapshot = {
            k: v for k, v in revision.snapshot.items() if not k.startswith("exception_")
        }
        db.session.commit()
        seq, version = revision.seq, resource.lock_version
    client = demo_app.test_client()
    assert sign_in(client, "ana@sg.gov.co").status_code == 302
    history = client.get(f"/publicar/recurso/{slug}/historial")
    before = database_state(demo_app)
    response = client.post(
        f"/publicar/recurso/{slug}/historial/{seq}/restaurar",
        data={"csrf_token": csrf_token(history.text), "version": str(version)},
        follow_redirects=True,
    )
    assert f"La versión {seq} no se puede restaurar tal cual" in response.text
    assert "artículo 19" in response.text
    assert database_state(demo_app) == before


def test_bulk_import_reports_the_exception_per_row(app):
    ids = add_two_entities(app)
    header = ["titulo", "tipo", "derechos_acceso", "fecha_publicacion"]
    header += ["excepcion_causal", "excepcion_fundamento", "excepcion_alcance", "excepcion_plazo"]
    rows = [
        ["Informe reservado", "informe-resultados", "reservada", "2024-01-10", "salud-publica",
         "Ley 9 de 1979.", "total", "2030-01-01"],
        ["Informe sin plazo", "informe-resultados", "reservada", "2024-01-10", "salud-publica",
         "Ley 9 de 1979.", "total", ""],
        ["Informe público", "informe-resultados", "publica", "", "", "", "parcial", ""],
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    actor = Actor(label="editor", roles={ids["entidad-a"]: "editor"})
    before = database_state(app)
    with app.app_context():
        report = import_table(out.getvalue().encode(), "r.csv", actor, "entidad-a", True)
    assert {(row, column) for row, column, _ in report.rows} == {
        (3, "excepcion_plazo"),
        (4, "excepcion_alcance"),
    }
    assert database_state(app) == before  # all or nothing: nothing
    with app.app_context():
        report = import_table(out.getvalue().encode(), "r.csv", actor, "entidad-a", False)
        assert report.imported == [(2, "informe-reservado")]
        resource = db.session.execute(db.select(Resource)).scalar_one()
        assert resource.exception_until == date(2030, 1, 1)


def test_dashboard_lists_exceptions_to_attend(demo_app):
    """Unsaid exceptions (stored before the fields existed) and reserves ending soon or ended."""
    from datetime import timedelta

    from sqlalchemy import update

    add_user(demo_app, "ana@sg.gov.co", "secretaria-general", "editor")
    token = make_token(demo_app, "secretaria-general")
    soon = (date.today() + timedelta(days=10)).isoformat()
    response = demo_app.test_client().post(
        "/api/v1/resources",
        json={
            "title": "Informe de inteligencia de seguridad",
            "type": "informe-resultados",
            "publisher": "secretaria-general",
            "status": "published",
            **RESERVED,
            "exception_until": soon,
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.get_json()
    with demo_app.app_context():
        # as migrated: the demo's reserved plan without its exception, and one already ended
        db.session.execute(
            update(Resource)
            .where(Resource.slug == "plan-tratamiento-riesgos-seguridad-informacion")
            .values(exception_ground=None, exception_scope=None, exception_legal_basis=None)
        )
        db.session.commit()
    client = demo_app.test_client()
    assert sign_in(client, "ana@sg.gov.co").status_code == 302
    page = client.get("/publicar/entidad/secretaria-general").text
    assert "Plan de tratamiento de riesgos" in page
    assert "Falta declarar la excepción" in page
    assert f"La reserva vence en 10 días ({soon})." in page
    # another entity's dashboard does not list them
    add_user(demo_app, "beto@hacienda.gov.co", "secretaria-hacienda", "editor")
    other = demo_app.test_client()
    assert sign_in(other, "beto@hacienda.gov.co").status_code == 302
    assert (
        "Falta declarar la excepción" not in other.get("/publicar/entidad/secretaria-hacienda").text
    )


def test_attention_note_for_an_ended_reserve(app):
    from types import SimpleNamespace

    from catalog.schemas.access_exceptions import attention_note

    ended = SimpleNamespace(
        access_rights="reservada",
        issued=date(2010, 1, 1),
        exception_ground="salud-publica",
        exception_legal_basis="Ley 9 de 1979.",
        exception_scope="total",
        exception_until=date(2025, 1, 1),
    )
    with app.app_context():
        assert attention_note(ended, today=date(2026, 1, 1)) == (
            "La reserva venció el 2025-01-01: la información es pública."
        )
        assert attention_note(ended, today=date(2024, 12, 2)) == (
            "La reserva vence en 30 días (2025-01-01)."
        )
        assert attention_note(ended, today=date(2024, 12, 1)) is None
        assert attention_note(SimpleNamespace(access_rights="publica")) is None
