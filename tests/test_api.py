"""Publisher API: the happy paths and every refusal, with the database checked after each."""

from __future__ import annotations

import pytest

from catalog.extensions import db
from catalog.models import Resource, Revision

from .conftest import add_two_entities, database_state, make_token

THEME = "https://catalogo.bogota.gov.co/def/datos-gov-co/funcion-publica"


@pytest.fixture
def api(app):
    """Two entities (A with a unit) and a token for each."""
    add_two_entities(app)
    app.token_a = make_token(app, "entidad-a")
    app.token_b = make_token(app, "entidad-b")
    return app


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def payload(**overrides):
    data = {
        "title": "Guía de racionalización de trámites",
        "description": "Cómo **simplificar** trámites.\n\n- paso uno\n- paso dos",
        "type": "guia",
        "publisher": "entidad-a",
        "keywords": ["trámites", "simplificación"],
        "themes": [THEME],
        "issued": "2024-03-01",
        "modified": "2024-06-01",
        "accrual_periodicity": "annual",
        "license": "cc-by-4.0",
        "languages": ["spa"],
        "distributions": [
            {
                "title": "Guía en PDF",
                "access_url": "https://example.org/guia",
                "download_url": "https://example.org/guia.pdf",
                "media_type": "application/pdf",
                "format": "pdf",
            }
        ],
    }
    data.update(overrides)
    return data


def create(app, token=None, **overrides):
    client = app.test_client()
    return client.post(
        "/api/v1/resources", json=payload(**overrides), headers=auth(token or app.token_a)
    )


def test_create_read_and_revision(api):
    response = create(api)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["slug"] == "guia-de-racionalizacion-de-tramites"
    assert body["status"] == "draft"
    assert body["version"] == 1  # one revision so far
    assert response.headers["ETag"].startswith('"r1-v')
    assert response.headers["Location"].endswith("/api/v1/resources/" + body["slug"])
    assert body["distributions"][0]["download_url"] == "https://example.org/guia.pdf"
    assert body["uri"] == "http://catalogo.test/id/recurso/" + body["slug"]
    # drafts are not public, but the owner reads them
    client = api.test_client()
    assert client.get(f"/api/v1/resources/{body['slug']}").status_code == 404
    mine = client.get(f"/api/v1/resources/{body['slug']}", headers=auth(api.token_a))
    assert mine.status_code == 200
    assert mine.get_json()["keywords"] == ["trámites", "simplificación"]
    with api.app_context():
        resource = db.session.execute(db.select(Resource)).scalar_one()
        assert resource.publisher.slug == "entidad-a"
        assert resource.next_review_on.isoformat() == "2025-06-01"  # annual: modified + 1 year
        revisions = db.session.execute(db.select(Revision)).scalars().all()
        assert [r.action for r in revisions] == ["create"]
        assert revisions[0].actor_label.startswith("token ")
        assert revisions[0].snapshot["title"] == payload()["title"]


def test_unit_member_writes_for_unit_and_parent_token_covers_units(api):
    response = create(api, publisher="entidad-a-unidad")
    assert response.status_code == 201


def test_publish_then_public(api):
    slug = create(api).get_json()["slug"]
    client = api.test_client()
    published = client.post(f"/api/v1/resources/{slug}/publish", headers=auth(api.token_a))
    assert published.status_code == 200
    assert published.get_json()["status"] == "published"
    assert client.get(f"/api/v1/resources/{slug}").status_code == 200
    listed = client.get("/api/v1/resources").get_json()
    assert [r["slug"] for r in listed["items"]] == [slug]


def test_no_token_is_401_and_changes_nothing(api):
    before = database_state(api)
    client = api.test_client()
    response = client.post("/api/v1/resources", json=payload())
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bad = client.post("/api/v1/resources", json=payload(), headers=auth("cgp_not-a-token"))
    assert bad.status_code == 401
    assert database_state(api) == before


def test_other_publishers_resource_is_403(api):
    slug = create(api).get_json()["slug"]
    before = database_state(api)
    client = api.test_client()
    headers = auth(api.token_b)
    assert (
        client.patch(
            f"/api/v1/resources/{slug}", json={"title": "Robado"}, headers=headers
        ).status_code
        == 403
    )
    assert (
        client.put(f"/api/v1/resources/{slug}", json=payload(), headers=headers).status_code == 403
    )
    assert (
        client.post(
            f"/api/v1/resources/{slug}/withdraw", json={"reason": "x"}, headers=headers
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/resources/{slug}/distributions",
            json={"access_url": "https://example.org/x"},
            headers=headers,
        ).status_code
        == 403
    )
    # creating for a publisher the token is not scoped to
    assert create(api, token=api.token_b, publisher="entidad-a").status_code == 403
    # moving one's own resource to another publisher
    other = create(api, token=api.token_b, publisher="entidad-b", title="Recurso de B")
    assert other.status_code == 201
    before = database_state(api)
    moved = client.patch(
        f"/api/v1/resources/{other.get_json()['slug']}",
        json={"publisher": "entidad-a"},
        headers=headers,
    )
    assert moved.status_code == 403
    assert database_state(api) == before


BAD_INPUTS = [
    ({"color": "rojo"}, "color"),
    ({"title": ""}, "title"),
    ({"title": "x" * 301}, "title"),
    ({"title": "Con\x07campana"}, "title"),
    ({"title": "Texto \u202eoculto"}, "title"),
    ({"title": "Dos\nlíneas"}, "title"),
    ({"description": "nulo \x00 aquí"}, "description"),
    ({"type": "poema"}, "type"),
    ({"publisher": "no-existe"}, "publisher"),
    ({"keywords": ["k"] * 51}, "keywords"),
    ({"keywords": ["x" * 101]}, "keywords.0"),
    ({"themes": ["https://example.org/tema"]}, "themes.0"),
    ({"issued": "2024-13-45"}, "issued"),
    ({"issued": "2024-06-02", "modified": "2024-06-01"}, "modified"),
    ({"accrual_periodicity": "a veces"}, "accrual_periodicity"),
    ({"license": "mía"}, "license"),
    ({"languages": "spa"}, "languages"),
    ({"distributions": [{"access_url": "ftp://example.org/x"}]}, "distributions.0.access_url"),
    ({"distributions": [{"access_url": "javascript:alert(1)"}]}, "distributions.0.access_url"),
    ({"distributions": [{"title": "sin enlace"}]}, "distributions.0.access_url"),
    (
        {"distributions": [{"access_url": "https://x.org", "byte_size": -1}]},
        "distributions.0.byte_size",
    ),
    (
        {"distributions": [{"access_url": "https://x.org", "media_type": "pdf"}]},
        "distributions.0.media_type",
    ),
    ({"distributions": [{"access_url": "https://x.org"}] * 51}, "distributions"),
    ({"distributions": [{"access_url": "https://x.org", "extra": 1}]}, "distributions.0.extra"),
    ({"norm": {"legal_status": "olvidada"}}, "norm.legal_status"),
    ({"status": "withdrawn"}, "status"),
    ({"slug": "Con Espacios"}, "slug"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INPUTS)
def test_bad_input_is_422_with_field_and_reason(api, change, field):
    before = database_state(api)
    response = create(api, **change)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert field in body["fields"], body
    reason = " ".join(body["fields"][field])
    assert len(reason) > 10  # a real sentence, not a code
    assert database_state(api) == before


def test_several_bad_fields_are_all_reported(api):
    response = create(api, title="", type="poema", license="mía", color=1)
    assert response.status_code == 422
    assert {"title", "type", "license", "color"} <= set(response.get_json()["fields"])


def test_non_json_body_is_422(api):
    client = api.test_client()
    response = client.post(
        "/api/v1/resources",
        data="title=x",
        headers=auth(api.token_a),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 422
    listed = client.post("/api/v1/resources", json=["no", "objeto"], headers=auth(api.token_a))
    assert listed.status_code == 422


def test_stale_if_match_is_412_and_changes_nothing(api):
    created = create(api)
    slug, etag = created.get_json()["slug"], created.headers["ETag"]
    client = api.test_client()
    first = client.patch(
        f"/api/v1/resources/{slug}",
        json={"title": "Primer cambio"},
        headers={**auth(api.token_a), "If-Match": etag},
    )
    assert first.status_code == 200
    assert first.headers["ETag"] != etag
    before = database_state(api)
    stale = client.patch(
        f"/api/v1/resources/{slug}",
        json={"title": "Cambio perdido"},
        headers={**auth(api.token_a), "If-Match": etag},
    )
    assert stale.status_code == 412
    assert database_state(api) == before


def test_patch_keeps_other_fields_put_replaces(api):
    slug = create(api).get_json()["slug"]
    client = api.test_client()
    patched = client.patch(
        f"/api/v1/resources/{slug}", json={"keywords": ["nuevo"]}, headers=auth(api.token_a)
    ).get_json()
    assert patched["keywords"] == ["nuevo"]
    assert patched["license"] == "cc-by-4.0"
    assert len(patched["distributions"]) == 1
    replaced = client.put(
        f"/api/v1/resources/{slug}",
        json={"title": "Solo título", "type": "manual", "publisher": "entidad-a"},
        headers=auth(api.token_a),
    )
    assert replaced.status_code == 200, replaced.get_json()
    body = replaced.get_json()
    assert body["license"] is None and body["distributions"] == [] and body["keywords"] == []
    with api.app_context():
        actions = (
            db.session.execute(db.select(Revision.action).order_by(Revision.id)).scalars().all()
        )
    assert actions == ["create", "update", "update"]


def test_unchanged_update_records_no_revision(api):
    slug = create(api).get_json()["slug"]
    client = api.test_client()
    response = client.patch(
        f"/api/v1/resources/{slug}", json={"license": "cc-by-4.0"}, headers=auth(api.token_a)
    )
    assert response.status_code == 200
    with api.app_context():
        assert db.session.execute(db.select(db.func.count(Revision.id))).scalar_one() == 1


def test_withdraw_then_gone(api):
    slug = create(api).get_json()["slug"]
    client = api.test_client()
    client.post(f"/api/v1/resources/{slug}/publish", headers=auth(api.token_a))
    no_reason = client.post(
        f"/api/v1/resources/{slug}/withdraw", json={}, headers=auth(api.token_a)
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["fields"]
    done = client.delete(
        f"/api/v1/resources/{slug}", json={"reason": "Norma derogada."}, headers=auth(api.token_a)
    )
    assert done.status_code == 200 and done.get_json()["status"] == "withdrawn"
    gone = client.get(f"/api/v1/resources/{slug}")
    assert gone.status_code == 410
    assert gone.get_json()["reason"] == "Norma derogada."
    page = client.get(f"/recurso/{slug}")
    assert page.status_code == 410 and "Norma derogada." in page.get_data(as_text=True)


def test_distributions_subresource(api):
    slug = create(api).get_json()["slug"]
    client = api.test_client()
    headers = auth(api.token_a)
    added = client.post(
        f"/api/v1/resources/{slug}/distributions",
        json={
            "title": "Datos",
            "download_url": "https://example.org/d.csv",
            "media_type": "text/csv",
            "format": "csv",
            "byte_size": 1234,
        },
        headers=headers,
    )
    assert added.status_code == 201, added.get_json()
    dist_id = added.get_json()["id"]
    items = client.get(f"/api/v1/resources/{slug}/distributions", headers=headers).get_json()
    assert [d["title"] for d in items["items"]] == ["Guía en PDF", "Datos"]
    patched = client.patch(
        f"/api/v1/resources/{slug}/distributions/{dist_id}",
        json={"title": "Datos abiertos"},
        headers=headers,
    )
    assert patched.status_code == 200
    assert patched.get_json()["download_url"] == "https://example.org/d.csv"
    bad = client.patch(
        f"/api/v1/resources/{slug}/distributions/{dist_id}",
        json={"download_url": "file:///etc/passwd"},
        headers=headers,
    )
    assert bad.status_code == 422
    assert (
        client.delete(
            f"/api/v1/resources/{slug}/distributions/{dist_id}", headers=headers
        ).status_code
        == 204
    )
    assert (
        client.get(f"/api/v1/resources/{slug}/distributions/{dist_id}", headers=headers).status_code
        == 404
    )


def test_duplicate_titles_get_distinct_slugs_and_explicit_duplicate_is_refused(api):
    one = create(api).get_json()["slug"]
    two = create(api).get_json()["slug"]
    assert one != two and two.startswith(one)
    before = database_state(api)
    response = create(api, slug=one)
    assert response.status_code == 422 and "slug" in response.get_json()["fields"]
    assert database_state(api) == before


def test_publishers_and_paging(demo_app):
    client = demo_app.test_client()
    publishers = client.get("/api/v1/publishers").get_json()["items"]
    slugs = {p["slug"] for p in publishers}
    assert "secretaria-general" in slugs
    assert any(p["parent"] for p in publishers)
    seen, url = [], "/api/v1/resources?limit=7"
    while url:
        page = client.get(url).get_json()
        assert len(page["items"]) <= 7
        seen += [r["slug"] for r in page["items"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) >= 40
    assert all(r for r in seen)
    assert client.get("/api/v1/resources?limit=0").status_code == 422
    assert client.get("/api/v1/resources?cursor=%%%").status_code == 422


def test_openapi_document(demo_app):
    doc = demo_app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert {"/resources", "/resources/{slug}", "/publishers"} <= set(doc["paths"])
    resource = doc["components"]["schemas"]["Resource"]
    assert {"title", "type", "publisher"} <= set(resource["required"])
    assert "guia" in resource["properties"]["type"]["enum"]
    for name in (
        "title",
        "description",
        "type",
        "publisher",
        "keywords",
        "themes",
        "issued",
        "modified",
        "accrual_periodicity",
        "license",
        "distributions",
    ):
        assert name in resource["properties"]
    dist = doc["components"]["schemas"]["Distribution"]["properties"]
    assert {"title", "access_url", "download_url", "media_type"} <= set(dist)


def test_cli_token_create_prints_token_last(demo_app):
    runner = demo_app.test_cli_runner()
    result = runner.invoke(
        args=["token", "create", "--publisher", "secretaria-general", "--role", "editor"]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("cgp_")
    response = demo_app.test_client().post(
        "/api/v1/resources",
        json=payload(publisher="secretaria-general"),
        headers=auth(token),
    )
    assert response.status_code == 201
    unknown = runner.invoke(args=["token", "create", "--publisher", "nadie"])
    assert unknown.exit_code != 0
