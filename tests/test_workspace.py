"""The publisher workspace through HTTP, as publishers use it: forms with CSRF, real database."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from rdflib import Graph, Literal, URIRef

from catalog.extensions import db
from catalog.models import PUBLISHED, Resource, Revision, User
from catalog.services import resources as service
from catalog.services.snapshot import snapshot

from .conftest import database_state
from .workspace_helpers import (
    PASSWORD,
    PDF,
    add_user,
    csrf_token,
    diff_rows,
    form_values,
    good_practice_form,
    sign_in,
)

DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"


@pytest.fixture
def ws(demo_app):
    """The demo catalog with an editor of the Secretaría General and one of Hacienda."""
    add_user(demo_app, "ana@sg.gov.co", "secretaria-general", "admin")
    add_user(demo_app, "beto@hacienda.gov.co", "secretaria-hacienda", "editor")
    return demo_app


@pytest.fixture
def ana(ws):
    client = ws.test_client()
    assert sign_in(client, "ana@sg.gov.co").status_code == 302
    return client


def _files(app) -> list[Path]:
    root = Path(app.config["CATALOG_FILES_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _create(client, data: dict, files: dict | None = None, action: str = "guardar"):
    page = client.get(f"/publicar/nuevo?tipo={data['type']}")
    payload = {**data, "csrf_token": csrf_token(page.text), "accion": action}
    for name, (content, filename) in (files or {}).items():
        payload[name] = (io.BytesIO(content), filename)
    return client.post("/publicar/nuevo", data=payload, content_type="multipart/form-data")


def _download(client, url: str):
    """GET a file response, read it whole and close it (send_file keeps the file open)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _version(html: str) -> str:
    import re

    return re.search(r'name="version" value="(\d+)"', html).group(1)


def _resource(app, slug: str) -> Resource:
    return db.session.execute(db.select(Resource).where(Resource.slug == slug)).scalar_one()


# ---------------------------------------------------------------- accounts


def test_sign_in_rotates_session_and_sets_safe_cookie(ws):
    client = ws.test_client()
    with client.session_transaction() as session:
        session["planted"] = "from before signing in"
    response = sign_in(client, "ana@sg.gov.co")
    assert response.status_code == 302 and response.location.endswith("/publicar/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(str(_user(ws, "ana@sg.gov.co").id) + ":")
    assert client.get("/publicar/entidad/secretaria-general").status_code == 200


def _user(app, email: str) -> User:
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one()
        db.session.expunge(user)
        return user


def test_wrong_password_is_refused_and_repeated_failures_lock(ws):
    client = ws.test_client()
    assert sign_in(client, "ana@sg.gov.co", "incorrecta-123").status_code == 422
    assert client.get("/publicar/").status_code == 302  # still signed out
    for _ in range(4):
        sign_in(client, "ana@sg.gov.co", "incorrecta-123")
    assert _user(ws, "ana@sg.gov.co").locked_until is not None
    locked = sign_in(client, "ana@sg.gov.co")  # right password, but locked
    assert locked.status_code == 422 and "bloqueada" in locked.text
    assert sign_in(client, "nadie@sg.gov.co").status_code == 422


def test_pages_need_sign_in(ws):
    client = ws.test_client()
    for path in ("/publicar/", "/publicar/nuevo", "/publicar/entidad/secretaria-general"):
        response = client.get(path)
        assert response.status_code == 302 and "/publicar/ingresar" in response.location


def test_password_change_ends_other_sessions(ws):
    first, second = ws.test_client(), ws.test_client()
    sign_in(first, "ana@sg.gov.co")
    sign_in(second, "ana@sg.gov.co")
    page = first.get("/publicar/cuenta")
    refused = first.post(
        "/publicar/cuenta",
        data={"csrf_token": csrf_token(page.text), "current": "mal", "new": "x", "confirm": "x"},
    )
    assert refused.status_code == 422
    changed = first.post(
        "/publicar/cuenta",
        data={
            "csrf_token": csrf_token(page.text),
            "current": PASSWORD,
            "new": "otra-clave-segura",
            "confirm": "otra-clave-segura",
        },
    )
    assert changed.status_code == 302
    assert first.get("/publicar/entidad/secretaria-general").status_code == 200
    assert second.get("/publicar/entidad/secretaria-general").status_code == 302
    assert sign_in(ws.test_client(), "ana@sg.gov.co", "otra-clave-segura").status_code == 302


def test_sign_out_needs_post_with_csrf(ana):
    assert ana.get("/publicar/salir").status_code == 405
    assert ana.post("/publicar/salir").status_code == 400  # no CSRF token
    page = ana.get("/publicar/cuenta")
    assert (
        ana.post("/publicar/salir", data={"csrf_token": csrf_token(page.text)}).status_code == 302
    )
    assert ana.get("/publicar/").status_code == 302


def test_cli_creates_the_first_administrator(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["user", "create", "jefe@sg.gov.co", "--admin"], input="clave-muy-segura\n"
    )
    assert result.exit_code == 0, result.output
    short = runner.invoke(args=["user", "create", "otro@sg.gov.co"], input="corta\n")
    assert short.exit_code != 0 and "10 caracteres" in short.output
    user = _user(app, "jefe@sg.gov.co")
    assert user.is_admin and user.password_hash.startswith("$argon2id$")
    assert sign_in(app.test_client(), "jefe@sg.gov.co", "clave-muy-segura").status_code == 302


def test_cli_resets_a_password_and_ends_the_old_sessions(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["user", "create", "jefe@sg.gov.co", "--admin"], input="clave-muy-segura\n")
    old = app.test_client()
    assert sign_in(old, "jefe@sg.gov.co", "clave-muy-segura").status_code == 302
    result = runner.invoke(args=["user", "password", "jefe@sg.gov.co"], input="otra-clave-segura\n")
    assert result.exit_code == 0 and "sesiones abiertas terminaron" in result.output
    assert old.get("/publicar/").status_code == 302  # the old session is over
    assert sign_in(app.test_client(), "jefe@sg.gov.co", "clave-muy-segura").status_code != 302
    assert sign_in(app.test_client(), "jefe@sg.gov.co", "otra-clave-segura").status_code == 302
    unknown = runner.invoke(args=["user", "password", "nadie@sg.gov.co"], input="otra-clave-1\n")
    assert unknown.exit_code != 0 and "No existe un usuario" in unknown.output
    short = runner.invoke(args=["user", "password", "jefe@sg.gov.co"], input="corta\n")
    assert short.exit_code != 0 and "10 caracteres" in short.output
    assert sign_in(app.test_client(), "jefe@sg.gov.co", "otra-clave-segura").status_code == 302


# ---------------------------------------------------------------- the good-practice life cycle


def test_good_practice_draft_publish_edit_history_restore(ws, ana):
    response = _create(
        ana, good_practice_form(), {"distributions.0.file": (PDF, "informe final.pdf")}
    )
    assert response.status_code == 302, response.text
    slug = response.location.rsplit("/", 1)[-1]
    with ws.app_context():
        resource = _resource(ws, slug)
        assert resource.status == "draft"
        practice = resource.good_practice
        assert practice.target_population == ["Ciudadanía", "Servidores públicos"]
        assert practice.benefits == [{"benefit": "Menos desplazamientos", "for_whom": "Ciudadanía"}]
        assert [c.name for c in practice.collaborators] == ["Laura Gómez", "Pedro Ruiz"]
        assert practice.conclusions == ["Escuchar primero", "Medir siempre"]
        hosted = resource.distributions[0]
        assert hosted.checksum_sha256 == hashlib.sha256(PDF).hexdigest()
        assert hosted.byte_size == len(PDF) and hosted.media_type == "application/pdf"
        assert hosted.file_name == "informe_final.pdf"
        assert hosted.title == "Documento de la práctica"
        dist_uuid = hosted.uuid
    public = ws.test_client()
    # a draft is not public anywhere
    assert public.get(f"/recurso/{slug}").status_code == 404
    assert public.get(f"/archivos/{dist_uuid}/informe_final.pdf").status_code == 404
    assert slug not in public.get("/feeds/recursos.atom").text
    assert slug not in public.get("/catalog.nt?page_size=1000").text
    assert _download(ana, f"/publicar/archivo/{dist_uuid}").data == PDF  # its entity sees it

    # publish
    page = ana.get(f"/publicar/recurso/{slug}")
    published = ana.post(
        f"/publicar/recurso/{slug}/estado",
        data={
            "csrf_token": csrf_token(page.text),
            "estado": "publicar",
            "version": form_values(page.text)["version"],
        },
    )
    assert published.status_code == 303
    html = public.get(f"/recurso/{slug}")
    assert html.status_code == 200
    for text in ("(línea base)", "Menos desplazamientos", "Medir siempre", "Laura Gómez"):
        assert text in html.text
    # Ley 1581: phones never public; unticked collaborators not public at all
    for secret in ("3001234567", "3109876543", "Pedro Ruiz", "pruiz@sg.gov.co"):
        assert secret not in html.text
        assert secret not in public.get(f"/api/v1/resources/{slug}").text
        assert secret not in public.get(f"/api/v1/resources/{slug}/history").text
        assert secret not in public.get(f"/recurso/{slug}.ttl").text
    download = _download(public, f"/archivos/{dist_uuid}/informe_final.pdf")
    assert download.data == PDF and download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]
    graph = Graph().parse(data=public.get("/catalog.ttl?page_size=1000").text, format="turtle")
    dataset = URIRef(f"http://catalogo.test/id/recurso/{slug}")
    assert (dataset, URIRef("http://purl.org/dc/terms/title"), None) in graph
    dist = URIRef(f"http://catalogo.test/id/distribucion/{dist_uuid}")
    assert graph.value(dist, URIRef(DCAT + "byteSize")).toPython() == len(PDF)
    checksum = graph.value(dist, URIRef(SPDX + "checksum"))
    assert (
        graph.value(checksum, URIRef(SPDX + "checksumValue"))
        == Literal(
            hashlib.sha256(PDF).hexdigest(),
            datatype=URIRef("http://www.w3.org/2001/XMLSchema#hexBinary"),
        )
        or str(graph.value(checksum, URIRef(SPDX + "checksumValue")))
        == hashlib.sha256(PDF).hexdigest()
    )
    feed = feedparser.parse(public.get("/feeds/recursos.atom").data)
    assert any(slug in entry.link for entry in feed.entries)

    # edit: the form comes back filled; change the title and a list
    page = ana.get(f"/publicar/recurso/{slug}")
    values = form_values(page.text)
    assert values["good_practice.collaborators.1.phone"] == "3109876543"
    values["title"] = "Laboratorio distrital de trámites"
    values["good_practice.results"] = "Trámites con 4 pasos"
    edited = ana.post(f"/publicar/recurso/{slug}", data={**values, "accion": "guardar"})
    assert edited.status_code == 302, edited.text
    with ws.app_context():
        resource = _resource(ws, slug)
        assert resource.title == "Laboratorio distrital de trámites"
        assert resource.good_practice.results == ["Trámites con 4 pasos"]
        assert len(resource.good_practice.collaborators) == 2  # untouched rows kept
        assert resource.distributions[0].checksum_sha256 == hashlib.sha256(PDF).hexdigest()
        assert resource.status == PUBLISHED
    history = ana.get(f"/publicar/recurso/{slug}/historial")
    assert history.status_code == 200
    rows = diff_rows(history.text)
    assert rows["Título"] == (
        "Laboratorio de simplificación de trámites",
        "Laboratorio distrital de trámites",
    )
    assert rows["Resultados obtenidos"] == (
        "Trámites con 5 pasos30 % menos tiempo",
        "Trámites con 4 pasos",
    )
    assert set(rows) == {"Título", "Resultados obtenidos"}

    # restore the first version: a new revision with the old content
    restored = ana.post(
        f"/publicar/recurso/{slug}/historial/1/restaurar",
        data={"csrf_token": csrf_token(history.text), "version": _version(history.text)},
    )
    assert restored.status_code == 303
    with ws.app_context():
        resource = _resource(ws, slug)
        assert resource.title == "Laboratorio de simplificación de trámites"
        assert resource.good_practice.results == ["Trámites con 5 pasos", "30 % menos tiempo"]
        assert resource.status == PUBLISHED  # a restore never unpublishes
        revisions = (
            db.session.execute(
                db.select(Revision)
                .where(Revision.resource_id == resource.id)
                .order_by(Revision.seq)
            )
            .scalars()
            .all()
        )
        assert [r.action for r in revisions] == ["create", "published", "update", "restore"]
    assert public.get(f"/recurso/{slug}").text.count("Laboratorio de simplificación") >= 1
    # the whole history (create, publish, edit, restore) and the uploaded file verify
    verified = ws.test_cli_runner().invoke(args=["verify"])
    assert verified.exit_code == 0, verified.output


def test_form_errors_land_on_their_inputs_and_store_nothing(ws, ana):
    before = database_state(ws)
    data = good_practice_form()
    data["good_practice.collaborators.1.email"] = "no-es-un-correo"
    data["distributions.1.access_url"] = "javascript:alert(1)"
    data["title"] = "x"
    response = _create(ana, data)
    assert response.status_code == 422
    assert 'id="f-good_practice-collaborators-1-email"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Debe ser un correo electrónico válido." in response.text
    assert "http:// o https://" in response.text
    assert "Mínimo 3 caracteres." in response.text
    assert form_values(response.text)["good_practice.baseline"] == data["good_practice.baseline"]
    assert database_state(ws) == before


def test_add_row_and_preview_do_not_save(ws, ana):
    before = database_state(ws)
    data = good_practice_form()
    data["description"] = "Texto con <script>alert(1)</script> y **negrita**"
    added = _create(ana, data, action="agregar:good_practice.collaborators")
    assert added.status_code == 200
    assert 'name="good_practice.collaborators.2.name"' in added.text
    preview = _create(ana, data, action="vista-previa")
    assert "<strong>negrita</strong>" in preview.text
    assert "<script>alert(1)</script>" not in preview.text
    assert database_state(ws) == before


def test_csrf_is_required_on_forms(ws, ana):
    before = database_state(ws)
    data = {**good_practice_form(), "accion": "guardar"}
    response = ana.post("/publicar/nuevo", data=data)
    assert response.status_code == 400 and "CSRF" in response.text
    slug = "guia-de-gestion-documental"
    with ws.app_context():
        slug = db.session.execute(
            db.select(Resource.slug).where(Resource.status == PUBLISHED).limit(1)
        ).scalar_one()
    assert (
        ana.post(f"/publicar/recurso/{slug}/estado", data={"estado": "retirar"}).status_code == 400
    )
    assert database_state(ws) == before


def _sg_resource(app) -> str:
    with app.app_context():
        return db.session.execute(
            db.select(Resource.slug)
            .join(Resource.publisher)
            .where(Resource.status == PUBLISHED, Resource.publisher.has(slug="secretaria-general"))
            .order_by(Resource.id)
            .limit(1)
        ).scalar_one()


def test_stale_version_is_refused_showing_both_versions(ws, ana):
    slug = _sg_resource(ws)
    page = ana.get(f"/publicar/recurso/{slug}")
    mine = form_values(page.text)
    # someone else saves meanwhile
    other = ws.test_client()
    sign_in(other, "ana@sg.gov.co")
    theirs = form_values(other.get(f"/publicar/recurso/{slug}").text)
    theirs["title"] = "Título guardado por otra persona"
    assert (
        other.post(f"/publicar/recurso/{slug}", data={**theirs, "accion": "guardar"}).status_code
        == 302
    )
    before = database_state(ws)
    mine["title"] = "Mi título que llega tarde"
    refused = ana.post(f"/publicar/recurso/{slug}", data={**mine, "accion": "guardar"})
    assert refused.status_code == 409
    assert "Título guardado por otra persona" in refused.text
    assert "Mi título que llega tarde" in refused.text
    assert database_state(ws) == before
    # saving again from the conflict page (now on the new version) is a deliberate overwrite
    again = ana.post(
        f"/publicar/recurso/{slug}", data={**form_values(refused.text), "accion": "guardar"}
    )
    assert again.status_code == 302
    with ws.app_context():
        assert _resource(ws, slug).title == "Mi título que llega tarde"


def test_other_entity_cannot_edit(ws):
    slug = _sg_resource(ws)
    beto = ws.test_client()
    sign_in(beto, "beto@hacienda.gov.co")
    before = database_state(ws)
    assert beto.get(f"/publicar/recurso/{slug}").status_code == 403
    page = beto.get("/publicar/cuenta")
    token = csrf_token(page.text)
    assert (
        beto.post(f"/publicar/recurso/{slug}", data={"csrf_token": token, "title": "x"}).status_code
        == 403
    )
    assert (
        beto.post(
            f"/publicar/recurso/{slug}/estado", data={"csrf_token": token, "estado": "retirar"}
        ).status_code
        == 403
    )
    assert (
        beto.post(
            f"/publicar/recurso/{slug}/historial/1/restaurar", data={"csrf_token": token}
        ).status_code
        == 403
    )
    assert beto.get("/publicar/entidad/secretaria-general").status_code == 403
    # nor create for an entity that is not theirs
    data = good_practice_form("secretaria-general")
    assert _create(beto, data).status_code in (403, 422)
    assert database_state(ws) == before


@pytest.mark.parametrize(
    "content, filename, reason",
    [
        (b"<html><script>alert(1)</script></html>", "informe.pdf", "no corresponde"),
        (b"MZ\x90\x00binary", "programa.exe", "no admitido"),
        (b"PK\x03\x04not really a zip", "datos.xlsx", "no corresponde"),
        (b"", "vacio.csv", "vacío"),
        (PDF * 200, "grande.pdf", "tamaño máximo"),
    ],
)
def test_upload_refusals_leave_nothing(ws, ana, content, filename, reason):
    ws.config["CATALOG_MAX_UPLOAD_BYTES"] = 20_000
    before, files_before = database_state(ws), _files(ws)
    response = _create(ana, good_practice_form(), {"distributions.0.file": (content, filename)})
    assert response.status_code == 422
    assert reason in response.text
    assert 'id="f-distributions-0-file"' in response.text
    assert database_state(ws) == before
    assert _files(ws) == files_before


def test_office_and_csv_uploads_are_accepted_by_content(ws, ana):
    import openpyxl

    book = io.BytesIO()
    openpyxl.Workbook().save(book)
    data = {**good_practice_form(), "distributions.__count": "2"}
    data.pop("distributions.1.access_url")
    response = _create(
        ana,
        data,
        {
            "distributions.0.file": (book.getvalue(), "datos.xlsx"),
            "distributions.1.file": ("año;valor\n2024;1\n".encode(), "serie.csv"),
        },
    )
    assert response.status_code == 302, response.text
    with ws.app_context():
        resource = _resource(ws, response.location.rsplit("/", 1)[-1])
        assert [d.format for d in resource.distributions] == ["xlsx", "csv"]
        assert resource.distributions[1].title == "Página del laboratorio"


def test_withdraw_needs_a_reason_then_leaves_public_outputs(ws, ana):
    slug = _sg_resource(ws)
    page = ana.get(f"/publicar/recurso/{slug}")
    version = form_values(page.text)["version"]
    token = csrf_token(page.text)
    before = database_state(ws)
    ana.post(
        f"/publicar/recurso/{slug}/estado",
        data={"csrf_token": token, "estado": "retirar", "version": version},
    )
    assert database_state(ws) == before
    done = ana.post(
        f"/publicar/recurso/{slug}/estado",
        data={
            "csrf_token": token,
            "estado": "retirar",
            "version": version,
            "motivo": "Norma derogada.",
        },
    )
    assert done.status_code == 303
    assert ws.test_client().get(f"/recurso/{slug}").status_code == 410
    assert slug in ws.test_client().get("/retirados.json").text


# ---------------------------------------------------------------- entity administration


def test_entity_admin_manages_tokens_shown_once(ws, ana):
    page = ana.get("/publicar/entidad/secretaria-general/tokens")
    created = ana.post(
        "/publicar/entidad/secretaria-general/tokens",
        data={"csrf_token": csrf_token(page.text), "name": "Integración SIG", "role": "editor"},
    )
    assert created.status_code == 201
    import re

    plaintext = re.search(r'id="new-token"[^>]*value="(cgp_[^"]+)"', created.text).group(1)
    listing = ana.get("/publicar/entidad/secretaria-general/tokens")
    assert plaintext not in listing.text and plaintext[:12] in listing.text
    with ws.app_context():
        from catalog.models import ApiToken

        row = db.session.execute(
            db.select(ApiToken).where(ApiToken.name == "Integración SIG")
        ).scalar_one()
        assert row.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
        token_id = row.id
    api = ws.test_client()
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert api.get("/api/v1/resources?status=draft", headers=headers).status_code == 200
    ana.post(
        f"/publicar/entidad/secretaria-general/tokens/{token_id}/revocar",
        data={"csrf_token": csrf_token(listing.text)},
    )
    assert api.get("/api/v1/resources?status=draft", headers=headers).status_code == 401


def test_editors_cannot_manage_the_entity(ws):
    beto = ws.test_client()
    sign_in(beto, "beto@hacienda.gov.co")
    assert beto.get("/publicar/entidad/secretaria-hacienda/tokens").status_code == 403
    assert beto.get("/publicar/entidad/secretaria-hacienda/miembros").status_code == 403
    assert beto.get("/publicar/admin/usuarios").status_code == 403
    assert beto.get("/publicar/entidad/secretaria-hacienda").status_code == 200


def test_entity_admin_adds_a_member_who_can_sign_in(ws, ana):
    page = ana.get("/publicar/entidad/secretaria-general/miembros")
    token = csrf_token(page.text)
    refused = ana.post(
        "/publicar/entidad/secretaria-general/miembros",
        data={"csrf_token": token, "email": "nueva@sg.gov.co", "role": "editor"},
    )
    assert refused.status_code == 422 and "contraseña inicial" in refused.text
    added = ana.post(
        "/publicar/entidad/secretaria-general/miembros",
        data={
            "csrf_token": token,
            "email": "nueva@sg.gov.co",
            "role": "editor",
            "password": "inicial-segura-1",
        },
    )
    assert added.status_code == 303
    client = ws.test_client()
    assert sign_in(client, "nueva@sg.gov.co", "inicial-segura-1").status_code == 302
    assert client.get("/publicar/entidad/direccion-distrital-archivo").status_code == 200  # a unit


def test_site_admin_creates_an_entity_and_a_unit(ws):
    add_user(ws, "admin@sg.gov.co", None, is_admin=True)
    admin = ws.test_client()
    sign_in(admin, "admin@sg.gov.co")
    page = admin.get("/publicar/admin/entidades")
    token = csrf_token(page.text)
    bad = admin.post(
        "/publicar/admin/entidades", data={"csrf_token": token, "slug": "Mal Slug", "name": "X"}
    )
    assert bad.status_code == 422
    ok = admin.post(
        "/publicar/admin/entidades",
        data={
            "csrf_token": token,
            "slug": "idpc",
            "name": "Instituto Distrital de Patrimonio Cultural",
        },
    )
    assert ok.status_code == 303
    unit = admin.post(
        "/publicar/admin/entidades",
        data={
            "csrf_token": token,
            "slug": "idpc-subdireccion",
            "name": "Subdirección de Divulgación",
            "parent": "idpc",
        },
    )
    assert unit.status_code == 303
    graph = Graph().parse(
        data=ws.test_client().get("/entidad/idpc-subdireccion.ttl").text, format="turtle"
    )
    assert (
        URIRef("http://catalogo.test/id/entidad/idpc-subdireccion"),
        URIRef("http://www.w3.org/ns/org#unitOf"),
        URIRef("http://catalogo.test/id/entidad/idpc"),
    ) in graph


def test_dashboard_lists_what_needs_attention(ws, ana):
    slug = _sg_resource(ws)
    from datetime import date, timedelta

    with ws.app_context():
        resource = _resource(ws, slug)
        resource.next_review_on = date.today() - timedelta(days=3)
        db.session.commit()
    data = {**good_practice_form(), "distributions.0.__remove": "y"}  # no file: drop that row
    draft = _create(ana, data)
    assert draft.status_code == 302, draft.text
    page = ana.get("/publicar/entidad/secretaria-general")
    assert "Revisión vencida hace 3 días." in page.text
    assert "Borrador sin publicar." in page.text


def test_api_upload_hosts_a_file(ws):
    from .conftest import make_token

    token = make_token(ws, "secretaria-general")
    slug = _sg_resource(ws)
    client = ws.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    bad = client.post(
        f"/api/v1/resources/{slug}/files",
        data={"file": (io.BytesIO(b"<html>"), "x.pdf")},
        headers=headers,
    )
    assert bad.status_code == 422 and "file" in bad.json["fields"]
    ok = client.post(
        f"/api/v1/resources/{slug}/files",
        data={"file": (io.BytesIO(PDF), "anexo.pdf"), "title": "Anexo técnico"},
        headers=headers,
    )
    assert ok.status_code == 201, ok.json
    assert ok.json["checksum_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert ok.json["byte_size"] == len(PDF) and ok.json["title"] == "Anexo técnico"


def test_workspace_pages_are_valid_html(ws, ana):
    import re

    import html5lib

    slug = _sg_resource(ws)
    with ws.app_context():
        db.session.execute(
            db.select(User).where(User.email == "ana@sg.gov.co")
        ).scalar_one().is_admin = True
        db.session.commit()
    paths = [
        "/publicar/cuenta",
        "/publicar/nuevo",
        "/publicar/nuevo?tipo=buena-practica",
        "/publicar/nuevo?tipo=norma",
        f"/publicar/recurso/{slug}",
        f"/publicar/recurso/{slug}/historial",
        "/publicar/entidad/secretaria-general",
        "/publicar/entidad/secretaria-general/miembros",
        "/publicar/entidad/secretaria-general/tokens",
        "/publicar/entidad/secretaria-general/importar",
        "/publicar/admin/entidades",
        "/publicar/admin/entidades/secretaria-general",
        "/publicar/admin/usuarios",
    ]
    for client, path in [(ws.test_client(), "/publicar/ingresar")] + [(ana, p) for p in paths]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store"
        html = response.get_data(as_text=True)
        try:
            html5lib.HTMLParser(strict=True).parse(html)
        except html5lib.html5parser.ParseError as error:
            pytest.fail(f"{path}: {error}")
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert not {i for i in ids if ids.count(i) > 1}, path


def test_bulk_import_page_reports_rows_and_can_refuse_all(ws, ana):
    csv_text = (
        "titulo;tipo;descripcion;palabras_clave\n"
        "Guía de archivo;guia;Cómo archivar;archivo|gestión\n"
        "Ab;inexistente;;\n"
        "Manual de ventanilla;manual;Atención;ventanilla\n"
    )
    page = ana.get("/publicar/entidad/secretaria-general/importar")
    assert page.status_code == 200
    token = csrf_token(page.text)
    before = database_state(ws)
    refused = ana.post(
        "/publicar/entidad/secretaria-general/importar",
        data={
            "csrf_token": token,
            "todo_o_nada": "y",
            "archivo": (io.BytesIO(csv_text.encode("utf-8")), "recursos.csv"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "No se importó ninguna fila" in refused.text
    import html5lib

    doc = html5lib.parse(refused.text, namespaceHTMLElements=False)
    table = next(t for t in doc.iter("table"))
    problems = {
        tuple("".join(td.itertext()).strip() for td in tr)[:2] for tr in table.find("tbody")
    }
    assert problems == {("3", "titulo"), ("3", "tipo")}
    assert database_state(ws) == before
    valid = ana.post(
        "/publicar/entidad/secretaria-general/importar",
        data={"csrf_token": token, "archivo": (io.BytesIO(csv_text.encode()), "recursos.csv")},
        content_type="multipart/form-data",
    )
    assert valid.status_code == 200
    assert "2 importadas, 0 actualizadas, 0 sin cambios, 1 filas rechazadas de 3" in valid.text
    with ws.app_context():
        titles = set(
            db.session.execute(
                db.select(Resource.title).where(
                    Resource.title.in_(["Guía de archivo", "Manual de ventanilla", "Ab"])
                )
            ).scalars()
        )
    assert titles == {"Guía de archivo", "Manual de ventanilla"}
    beto = ws.test_client()
    sign_in(beto, "beto@hacienda.gov.co")
    assert beto.get("/publicar/entidad/secretaria-general/importar").status_code == 403


def test_dashboard_shows_broken_links_and_pages(ws, ana):
    from catalog.models import Distribution, LinkCheck

    with ws.app_context():
        dist = db.session.execute(
            db.select(Distribution)
            .join(Distribution.resource)
            .where(
                Resource.status == PUBLISHED,
                Resource.publisher.has(slug="secretaria-general"),
                Distribution.file_key.is_(None),
                Distribution.access_url.is_not(None),
            )
            .order_by(Distribution.id)
            .limit(1)
        ).scalar_one()
        resource, url = dist.resource, dist.access_url
        db.session.add(
            LinkCheck(url_hash=hashlib.sha256(url.encode()).hexdigest(), url=url, ok=False)
        )
        db.session.commit()
        title = resource.title
    page = ana.get("/publicar/entidad/secretaria-general")
    assert f"{title}</a> — 1 enlace(s) no responden." in page.text
    assert ana.get("/publicar/entidad/secretaria-general?pagina=999").status_code == 404
    assert ana.get("/publicar/entidad/secretaria-general?pagina=x").status_code == 404


def test_bulk_import_page_caps_rows_for_the_web(ws, ana, monkeypatch):
    from catalog.workspace import imports

    monkeypatch.setattr(imports, "WEB_MAX_ROWS", 2)
    rows = "".join(f"Guía número {i};guia\n" for i in range(3))
    page = ana.get("/publicar/entidad/secretaria-general/importar")
    before = database_state(ws)
    response = ana.post(
        "/publicar/entidad/secretaria-general/importar",
        data={
            "csrf_token": csrf_token(page.text),
            "archivo": (io.BytesIO(f"titulo;tipo\n{rows}".encode()), "muchas.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "más de 2 filas" in response.text
    assert database_state(ws) == before


def test_saving_an_untouched_form_changes_nothing_but_the_review(ws):
    """Every demo resource (all types, full good practices, norms, files and links) survives a
    round trip through the form: saving it unchanged records no revision and changes no
    published field; it only records that a person reviewed it today."""
    add_user(ws, "admin@sg.gov.co", None, is_admin=True)
    admin = ws.test_client()
    sign_in(admin, "admin@sg.gov.co")
    with ws.app_context():
        resources = db.session.execute(
            db.select(Resource.slug, Resource.lock_version).where(Resource.status != "withdrawn")
        ).all()
        revisions = db.session.execute(db.select(db.func.count(Revision.id))).scalar_one()
        records = {slug: snapshot(service.get_resource(slug)) for slug, _ in resources}
    assert len(resources) > 50
    for slug, _version in resources:
        values = form_values(admin.get(f"/publicar/recurso/{slug}").text)
        response = admin.post(f"/publicar/recurso/{slug}", data={**values, "accion": "guardar"})
        assert response.status_code == 302, (slug, response.text[:2000])
    with ws.app_context():
        assert db.session.execute(db.select(db.func.count(Revision.id))).scalar_one() == revisions
        for slug, _ in resources:
            resource = service.get_resource(slug)
            assert snapshot(resource) == records[slug], slug
            assert resource.reviewed_on == datetime.now(ZoneInfo("America/Bogota")).date()


def test_dashboard_filters_by_title_and_status(ws, ana):
    import html5lib

    from catalog.models import Publisher

    def titles(query: str) -> list[str]:
        page = ana.get(f"/publicar/entidad/secretaria-general?{query}")
        assert page.status_code == 200
        doc = html5lib.parse(page.text, namespaceHTMLElements=False)
        table = next((t for t in doc.iter("table")), None)
        if table is None:
            return []
        return [
            "".join(tr.find("td").find("a").itertext()) for tr in table.find("tbody").iter("tr")
        ]

    with ws.app_context():
        sg = (
            db.session.execute(
                db.select(Resource.title).where(
                    Resource.publisher.has(slug="secretaria-general"), Resource.status == PUBLISHED
                )
            )
            .scalars()
            .all()
        )
    word = sg[0].split()[0]
    found = titles(f"q={word.lower()}")
    assert found and all(word.lower() in t.lower() for t in found)
    assert titles("q=%25_") == []  # LIKE wildcards are taken literally
    with ws.app_context():
        drafts = (
            db.session.execute(
                db.select(Resource.title).where(
                    Resource.publisher_id.in_(
                        db.session.execute(
                            db.select(Publisher).where(Publisher.slug == "secretaria-general")
                        )
                        .scalar_one()
                        .family_ids
                    ),
                    Resource.status == "draft",
                )
            )
            .scalars()
            .all()
        )
    assert sorted(titles("estado=draft")) == sorted(drafts)
    everything, published = titles(""), titles("estado=published")
    assert len(everything) == len(drafts) + len(published) + len(titles("estado=withdrawn"))
    assert set(published) <= set(everything) and not set(published) & set(drafts)
