"""Publication date and version numbers: set once, the same in every output."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from .conftest import add_two_entities, make_token
from .workspace_helpers import add_user, sign_in

TODAY = lambda: datetime.now(ZoneInfo("America/Bogota")).date()  # noqa: E731


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def _draft(app, client, token, **extra):
    body = {
        "title": "Guía sin fecha de publicación",
        "description": "Una guía.",
        "type": "guia",
        "publisher": "entidad-a",
        "keywords": ["guía"],
        **extra,
    }
    response = client.post("/api/v1/resources", json=body, headers=_auth(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["slug"]


def test_first_publication_sets_issued_everywhere(app):
    add_two_entities(app)
    token = make_token(app, "entidad-a")
    client = app.test_client()
    slug = _draft(app, client, token)
    assert (
        client.get(f"/api/v1/resources/{slug}", headers=_auth(token)).get_json()["issued"] is None
    )
    assert client.post(f"/api/v1/resources/{slug}/publish", headers=_auth(token)).status_code == 200
    today = TODAY().isoformat()
    assert client.get(f"/api/v1/resources/{slug}").get_json()["issued"] == today
    graph = Graph().parse(data=client.get(f"/recurso/{slug}.ttl").data, format="turtle")
    subject = URIRef(f"http://catalogo.test/id/recurso/{slug}")
    assert [str(o) for o in graph.objects(subject, DCTERMS.issued)] == [today]
    package = client.get(f"/api/3/action/package_show?id={slug}").get_json()["result"]
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["issued"] == today
    assert all(e["value"] != "" for e in package["extras"])  # no empty extras
    datasets = json.loads(client.get("/data.json").data)["dataset"]
    assert [d["issued"] for d in datasets if d["identifier"].endswith(slug)] == [today]
    page = client.get(f"/recurso/{slug}").get_data(as_text=True)
    assert f'datetime="{today}"' in page and "Fecha de publicación" in page
    # unpublishing and publishing again keeps the first date; the revision recorded it
    client.post(f"/api/v1/resources/{slug}/unpublish", headers=_auth(token))
    client.post(f"/api/v1/resources/{slug}/publish", headers=_auth(token))
    assert client.get(f"/api/v1/resources/{slug}").get_json()["issued"] == today
    history = client.get(f"/api/v1/resources/{slug}/history").get_json()
    publish = next(r for r in history["items"] if r["action"] == "published")
    assert "issued" in json.dumps(publish["changes"])


def test_a_date_the_publisher_gave_is_kept(app):
    add_two_entities(app)
    token = make_token(app, "entidad-a")
    client = app.test_client()
    slug = _draft(app, client, token, issued="2023-05-04")
    client.post(f"/api/v1/resources/{slug}/publish", headers=_auth(token))
    assert client.get(f"/api/v1/resources/{slug}").get_json()["issued"] == "2023-05-04"


def test_one_version_number_in_form_api_and_history(app):
    add_two_entities(app)
    token = make_token(app, "entidad-a")
    client = app.test_client()
    slug = _draft(app, client, token)
    client.post(f"/api/v1/resources/{slug}/publish", headers=_auth(token))
    current = client.get(f"/api/v1/resources/{slug}", headers=_auth(token))
    edited = client.patch(
        f"/api/v1/resources/{slug}",
        json={"description": "Una guía, corregida."},
        headers={**_auth(token), "If-Match": current.headers["ETag"]},
    )
    assert edited.status_code == 200, edited.get_json()
    history = client.get(f"/api/v1/resources/{slug}/history").get_json()["items"]
    seqs = sorted(r["seq"] for r in history)
    assert seqs == [1, 2, 3]
    assert edited.get_json()["version"] == 3
    assert client.get(f"/api/v1/resources/{slug}").get_json()["version"] == 3
    add_user(app, "editora@a.gov.co", "entidad-a")
    web = app.test_client()
    sign_in(web, "editora@a.gov.co")
    form = web.get(f"/publicar/recurso/{slug}").get_data(as_text=True)
    assert "versión 3" in form and "versión 5" not in form
    # a change that records nothing (same values) does not move the version
    client.patch(
        f"/api/v1/resources/{slug}",
        json={"description": "Una guía, corregida."},
        headers=_auth(token),
    )
    assert client.get(f"/api/v1/resources/{slug}").get_json()["version"] == 3
