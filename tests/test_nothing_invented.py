"""Nothing invented: outputs state the licence and languages the record has, and a record
created without them stores the catalog's defaults, visibly."""

from __future__ import annotations

import json

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from catalog.rdf.namespaces import DCAT

from .conftest import make_token

RESERVED = {
    "access_rights": "reservada",
    "exception_ground": "seguridad-publica",
    "exception_legal_basis": "Ley 1273 de 2009.",
    "exception_scope": "total",
    "exception_until": "2039-06-30",
}


def _create(client, token, **extra):
    body = {
        "title": "Documento de prueba",
        "description": "Un documento técnico de prueba.",
        "type": "documento-tecnico",
        "publisher": "secretaria-general",
        "keywords": ["prueba"],
        "distributions": [{"title": "PDF", "download_url": "https://example.org/a.pdf"}],
        **extra,
    }
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/resources", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    slug = created.get_json()["slug"]
    assert client.post(f"/api/v1/resources/{slug}/publish", headers=headers).status_code == 200
    return slug, created.get_json()


def _outputs(client, slug):
    graph = Graph().parse(data=client.get(f"/recurso/{slug}.ttl").data, format="turtle")
    subject = URIRef(f"http://catalogo.test/id/recurso/{slug}")
    dist_licences = [
        graph.value(d, DCTERMS.license) for d in graph.objects(subject, DCAT.distribution)
    ]
    datasets = json.loads(client.get("/data.json").data)["dataset"]
    datajson = next(d for d in datasets if d["identifier"] == str(subject))
    package = client.get(f"/api/3/action/package_show?id={slug}").get_json()["result"]
    page = client.get(f"/recurso/{slug}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    schema = json.loads(page[start : page.index("</script>", start)])
    return {
        "rdf_languages": list(graph.objects(subject, DCTERMS.language)),
        "rdf_licences": [x for x in dist_licences if x is not None],
        "datajson": datajson,
        "ckan": package,
        "page": page,
        "schema": schema,
    }


def test_a_new_record_stores_the_catalog_defaults(demo_app):
    token = make_token(demo_app, "secretaria-general")
    client = demo_app.test_client()
    slug, body = _create(client, token)
    assert body["license"] == "cc-by-4.0" and body["languages"] == ["spa"]
    out = _outputs(client, slug)
    assert [str(x) for x in out["rdf_licences"]] == [
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    ]
    assert out["ckan"]["license_id"] == "cc-by"
    assert "Licencia" in out["page"]


def test_a_record_without_licence_or_language_claims_none(demo_app):
    token = make_token(demo_app, "secretaria-general")
    client = demo_app.test_client()
    slug, _ = _create(client, token)
    headers = {"Authorization": f"Bearer {token}"}
    etag = client.get(f"/api/v1/resources/{slug}", headers=headers).headers["ETag"]
    cleared = client.patch(
        f"/api/v1/resources/{slug}",
        json={"license": None, "languages": []},
        headers={**headers, "If-Match": etag},
    )
    assert cleared.status_code == 200, cleared.get_json()
    out = _outputs(client, slug)
    assert out["rdf_licences"] == [] and out["rdf_languages"] == []
    assert "license" not in out["datajson"] and "language" not in out["datajson"]
    assert out["ckan"]["license_id"] == "notspecified"
    assert "license" not in out["schema"] and "inLanguage" not in out["schema"]
    assert "Creative Commons" not in out["page"] and ">Español<" not in out["page"]


def test_non_public_information_agrees_across_outputs(demo_app):
    token = make_token(demo_app, "secretaria-general")
    client = demo_app.test_client()
    slug, body = _create(client, token, **RESERVED)
    assert body["license"] is None  # no open licence is stored for reserved information
    out = _outputs(client, slug)
    assert out["rdf_licences"] == []
    assert "license" not in out["datajson"]
    assert out["datajson"]["accessLevel"] == "non-public"
    assert out["schema"]["isAccessibleForFree"] is False
    assert "license" not in out["schema"]
    assert out["ckan"]["license_id"] == "notspecified"
