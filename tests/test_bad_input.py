"""Bad input of every kind gets a clear 4xx — never a 500 — and leaves the database unchanged."""

from __future__ import annotations

import io
import zipfile

import pytest

from catalog.extensions import db
from catalog.models import Resource

from .conftest import database_state, make_token
from .workspace_helpers import add_user, csrf_token, sign_in

BIG = str(10**20)


def _editor_of_a_resource(app):
    """A client, the Secretaría General's editor token and one of its resources' slugs."""
    client = app.test_client()
    auth = {"Authorization": f"Bearer {make_token(app, 'secretaria-general')}"}
    found = client.get("/api/v1/resources?publisher=secretaria-general&limit=1").get_json()
    return client, auth, found["items"][0]["slug"]


HOSTILE_URLS = [
    (f"/api/3/action/package_search?start={BIG}", 409),
    (f"/api/3/action/package_search?rows={BIG}", 409),
    (f"/sitemap-{BIG}.xml", 404),
    ("/sitemap-0.xml", 404),
    ("/sitemap-99999.xml", 404),
    ("/feeds/palabra/%00.rss", 400),
    ("/buscar?q=%00", 400),
    ("/recurso/a%00b", 400),
    ("/entidad/%00", 400),
    ("/api/3/action/package_show?id=%00", 400),
    ("/catalog.ttl?modified_since=%00", 400),
    ("/data.json?x=%01", 400),
    ("/feeds/buscar.rss?q=a%0d%0ab", 400),
    (f"/api/v1/resources?limit={BIG}", 422),
    (f"/catalog.ttl?page_size={BIG}", 400),
    (f"/publicar/admin/usuarios/{BIG}", 404),
    (f"/publicar/recurso/x/historial/{BIG}/restaurar", 404),
]


@pytest.mark.parametrize("url,status", HOSTILE_URLS)
def test_hostile_urls_get_a_clear_4xx(shared_demo, url, status):
    client = shared_demo.test_client()
    method = "POST" if url.endswith("restaurar") or "/usuarios/" in url else "GET"
    response = client.open(url, method=method)
    assert response.status_code == status, response.get_data(as_text=True)[:300]


def test_big_history_numbers_are_refused(demo_app):
    add_user(demo_app, "ana@sg.gov.co", "secretaria-general")
    client = demo_app.test_client()
    sign_in(client, "ana@sg.gov.co")
    with demo_app.app_context():
        slug = (
            db.session.execute(
                db.select(Resource.slug).where(Resource.publisher.has(slug="secretaria-general"))
            )
            .scalars()
            .first()
        )
    response = client.get(f"/publicar/recurso/{slug}/historial?de={BIG}")
    assert response.status_code == 400 and "número de versión" in response.text


BAD_BODIES = [
    ({"issued": "9999-12-31"}, "issued", "entre los años"),
    ({"modified": "0001-01-01"}, "modified", "entre los años"),
    ({"distributions": [{"access_url": "https://e.org/a<b>"}]}, "distributions.0.access_url", "<"),
    ({"distributions": [{"access_url": "https://e.org/a`b"}]}, "distributions.0.access_url", "`"),
    ({"distributions": [{"access_url": "https://e.org/{x}|y"}]}, "distributions.0.access_url", "{"),
    (
        {"distributions": [{"download_url": 'https://e.org/"q"'}]},
        "distributions.0.download_url",
        '"',
    ),
    ({"contact_email": "a|b@e.org"}, "contact_email", "correo"),
    ({"contact_email": "a{b}@e.org"}, "contact_email", "correo"),
    ({"distributions": [{"id": "x"}]}, "distributions.0.access_url", "access_url o download_url"),
    ({"distributions": [{"title": "Solo título"}]}, "distributions.0.access_url", "descarga"),
    (
        {"distributions": [{"access_url": "https://e.org/", "byte_size": 10**30}]},
        "distributions.0.byte_size",
        "2^53",
    ),
]


@pytest.mark.parametrize("extra,field,reason", BAD_BODIES)
def test_bad_api_bodies_are_422_naming_the_field(demo_app, extra, field, reason):
    token = make_token(demo_app, "secretaria-general")
    before = database_state(demo_app)
    body = {"title": "Guía de prueba", "type": "guia", "publisher": "secretaria-general", **extra}
    response = demo_app.test_client().post(
        "/api/v1/resources", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["fields"]
    assert field in fields and reason in " ".join(fields[field])
    assert database_state(demo_app) == before


def test_deeply_nested_json_is_malformed_not_a_crash(demo_app):
    token = make_token(demo_app, "secretaria-general")
    before = database_state(demo_app)
    deep = "[" * 50000 + "]" * 50000
    response = demo_app.test_client().post(
        "/api/v1/resources",
        data=deep,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422 and "JSON" in response.get_json()["fields"]["_schema"][0]
    ckan = demo_app.test_client().post(
        "/api/3/action/package_search", data=deep, content_type="application/json"
    )
    assert ckan.status_code < 500
    assert database_state(demo_app) == before


def test_if_match_list_with_the_current_etag_is_accepted(demo_app):
    client, auth, slug = _editor_of_a_resource(demo_app)
    etag = client.get(f"/api/v1/resources/{slug}").headers["ETag"]
    ok = client.patch(
        f"/api/v1/resources/{slug}",
        json={"version_label": "3.1"},
        headers={**auth, "If-Match": f'"r0-v0", {etag}'},
    )
    assert ok.status_code == 200
    weak = client.patch(
        f"/api/v1/resources/{slug}",
        json={"version_label": "3.2"},
        headers={**auth, "If-Match": f"W/{ok.headers['ETag']}"},
    )
    assert weak.status_code == 412  # If-Match compares strongly


def test_garbled_if_match_is_400_not_a_stale_version(demo_app):
    client, auth, slug = _editor_of_a_resource(demo_app)
    before = database_state(demo_app)
    for garbled in ("#%=a\t6i%", "x" * 201):
        response = client.patch(
            f"/api/v1/resources/{slug}",
            json={"version_label": "9"},
            headers={**auth, "If-Match": garbled},
        )
        assert response.status_code == 400, garbled
        assert "If-Match" in response.get_json()["message"]
    assert database_state(demo_app) == before


def test_empty_list_filters_are_refused_by_name(shared_demo):
    client = shared_demo.test_client()
    for name in ("status", "publisher", "type"):
        response = client.get("/api/v1/resources", query_string={name: ""})
        assert response.status_code == 422 and name in response.get_json()["fields"], name
    unknown = client.get("/api/v1/resources", query_string={"type": "novela"})
    assert unknown.status_code == 422 and "type" in unknown.get_json()["fields"]


def test_ckan_wildcards_are_taken_literally(shared_demo):
    client = shared_demo.test_client()
    everything = client.get("/api/3/action/package_search?rows=0").get_json()["result"]["count"]
    assert everything > 10
    for q in ("%", "_", "%25%"):
        found = client.get("/api/3/action/package_search", query_string={"q": q, "rows": 0})
        assert found.get_json()["result"]["count"] == 0, q
    tags = client.get("/api/3/action/tag_list", query_string={"query": "%"}).get_json()
    assert tags["result"] == []
    some = client.get("/api/3/action/tag_list", query_string={"query": "gesti"}).get_json()
    assert some["result"]


def test_huge_repeating_group_count_does_not_hang_the_form(demo_app):
    add_user(demo_app, "ana@sg.gov.co", "secretaria-general")
    client = demo_app.test_client()
    sign_in(client, "ana@sg.gov.co")
    page = client.get("/publicar/nuevo?tipo=guia")
    before = database_state(demo_app)
    response = client.post(
        "/publicar/nuevo",
        data={
            "csrf_token": csrf_token(page.text),
            "type": "guia",
            "title": "Guía",
            "distributions.__count": "100000",
            "accion": "agregar:distributions",
        },
    )
    assert response.status_code == 200
    assert response.text.count('name="distributions.') < 50 * 20  # at most 50 rows drawn
    assert 'name="distributions.49.title"' in response.text
    assert 'name="distributions.50.title"' not in response.text
    odd = client.post(
        "/publicar/nuevo",
        data={
            "csrf_token": csrf_token(page.text),
            "type": "guia",
            "title": "Guía de prueba",
            "publisher": "secretaria-general",
            "distributions.__count": "abc",
        },
    )
    assert odd.status_code < 500
    assert database_state(demo_app) == before or odd.status_code in (201, 302, 303)


def _xlsx_with(doctype: bytes) -> bytes:
    from catalog.tabular import Sheet, xlsx_bytes

    clean = xlsx_bytes(Sheet("Recursos", ["title", "type"], [["Guía", "guia"]]))
    source = zipfile.ZipFile(io.BytesIO(clean))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                if b"?>" in data[:200]:
                    data = data.replace(b"?>", b"?>" + doctype, 1)
                else:
                    data = doctype + data
            target.writestr(info, data)
    return out.getvalue()


EVIL_DTDS = [
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
]


@pytest.mark.parametrize("doctype", EVIL_DTDS)
def test_xlsx_with_a_doctype_is_refused_in_bulk_import(demo_app, tmp_path, doctype):
    from catalog.tabular import TableError, read_table

    data = _xlsx_with(doctype)
    with pytest.raises(TableError, match="DOCTYPE"):
        read_table(data, "recursos.xlsx", max_rows=100, max_bytes=10**7)
    path = tmp_path / "recursos.xlsx"
    path.write_bytes(data)
    before = database_state(demo_app)
    result = demo_app.test_cli_runner().invoke(
        args=["import-csv", str(path), "--publisher", "secretaria-general"]
    )
    assert result.exit_code != 0 and "DOCTYPE" in result.output
    assert "Traceback" not in result.output
    assert database_state(demo_app) == before


UPLOADS = [
    ("pagina.xml", b"<html><body><script>alert(1)</script></body></html>", "HTML"),
    ("pagina.txt", b"<!DOCTYPE html><html><p>hola</p></html>", "HTML"),
    ("datos.json", b'{"a": 1,,}', "JSON"),
    ("datos.geojson", b'{"features": []}', "GeoJSON"),
    ("datos.xml", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>', "DTD"),
    ("datos.xml", b"<r><a></r>", "XML"),
    ("datos.csv", b'a,b\n"sin cerrar,2\n', "CSV"),
]


@pytest.mark.parametrize("name,content,why", UPLOADS)
def test_text_uploads_must_parse_as_what_they_claim(demo_app, name, content, why):
    client, auth, slug = _editor_of_a_resource(demo_app)
    before = database_state(demo_app)
    response = client.post(
        f"/api/v1/resources/{slug}/files",
        data={"file": (io.BytesIO(content), name)},
        headers=auth,
    )
    assert response.status_code == 422, response.get_json()
    assert why in response.get_json()["fields"]["file"][0]
    assert database_state(demo_app) == before


def test_detected_type_decides_the_media_type(demo_app):
    client, auth, slug = _editor_of_a_resource(demo_app)
    response = client.post(
        f"/api/v1/resources/{slug}/files",
        data={"file": (io.BytesIO("año;valor\n2024;1,5\n".encode("cp1252")), "datos.csv")},
        headers=auth,
    )
    assert response.status_code == 201
    assert response.get_json()["media_type"] == "text/csv"
