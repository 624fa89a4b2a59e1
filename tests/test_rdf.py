"""DCAT-AP outputs: every format parses back to the same graph, with the right meaning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from catalog.extensions import db
from catalog.models import PUBLISHED, Resource, ResourceFragment, SharedBlock
from catalog.rdf.mapping import resource_to_graph
from catalog.rdf.namespaces import DCAT, HYDRA, new_graph

BASE = "http://catalogo.test"
FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld", "nt": "nt"}
MEDIA = {
    "ttl": "text/turtle",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}
STANDARDS = Path(__file__).parent / "standards" / "dcat-ap-3.0.1"


def published(app) -> list[Resource]:
    with app.app_context():
        rows = (
            db.session.execute(
                db.select(Resource).where(Resource.status == PUBLISHED).order_by(Resource.id)
            )
            .scalars()
            .all()
        )
        return [(r.slug, r.type, r.title) for r in rows]


def parse(body: bytes | str, ext: str) -> Graph:
    g = Graph()
    g.parse(data=body, format=FORMATS[ext])
    return g


@pytest.fixture(scope="module")
def sample(shared_demo):
    rows = published(shared_demo)
    by_type = {}
    for slug, kind, title in rows:
        by_type.setdefault(kind, (slug, title))
    return by_type


def test_resource_rdf_every_format_same_graph(shared_demo, sample):
    client = shared_demo.test_client()
    for slug, title in sample.values():
        graphs = {}
        for ext in FORMATS:
            response = client.get(f"/recurso/{slug}.{ext}")
            assert response.status_code == 200
            assert response.mimetype == MEDIA[ext]
            graphs[ext] = parse(response.data, ext)
        for ext in ("rdf", "jsonld", "nt"):
            assert isomorphic(graphs["ttl"], graphs[ext]), (slug, ext)
        g = graphs["ttl"]
        s = URIRef(f"{BASE}/id/recurso/{slug}")
        assert (s, RDF.type, DCAT.Dataset) in g
        assert str(g.value(s, DCTERMS.title)) == title
        assert g.value(s, DCAT.landingPage) == URIRef(f"{BASE}/recurso/{slug}")
        kind = g.value(s, DCTERMS.type)
        assert kind is not None and (kind, SKOS.inScheme, None) in g
        publisher = g.value(s, DCTERMS.publisher)
        assert (publisher, RDF.type, FOAF.Agent) in g
        assert g.value(publisher, FOAF.name) is not None
        for dist in g.objects(s, DCAT.distribution):
            assert (dist, RDF.type, DCAT.Distribution) in g
            assert g.value(dist, DCAT.accessURL) is not None
        # no blank nodes: every node has a stable URI
        assert not any(
            isinstance(t, type(None)) or getattr(t, "n3", lambda: "")().startswith("_:")
            for triple in g
            for t in triple
        )


def test_norm_carries_legal_status(shared_demo, sample):
    slug, _ = sample["norma"]
    g = parse(shared_demo.test_client().get(f"/recurso/{slug}.ttl").data, "ttl")
    s = URIRef(f"{BASE}/id/recurso/{slug}")
    statuses = [
        o for p, o in g.predicate_objects(s) if "legal" in str(p).lower() or "inForce" in str(p)
    ]
    assert statuses, "a norm publishes its legal status"


def test_content_negotiation(shared_demo, sample):
    slug, _ = sample["guia"]
    client = shared_demo.test_client()
    for ext, media in MEDIA.items():
        response = client.get(f"/recurso/{slug}", headers={"Accept": media})
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/recurso/{slug}.{ext}")
    html = client.get(
        f"/recurso/{slug}",
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert "Accept" in html.headers["Vary"]
    uri = client.get(f"/id/recurso/{slug}", headers={"Accept": "text/turtle"})
    assert uri.status_code == 303 and uri.headers["Location"].endswith(f"/recurso/{slug}.ttl")
    assert client.get(f"/id/recurso/{slug}").headers["Location"].endswith(f"/recurso/{slug}")
    assert client.get(f"/recurso/{slug}.xyz").status_code == 404
    assert client.get("/recurso/no-existe.ttl").status_code == 404


def test_catalog_lists_every_published_resource(shared_demo):
    rows = published(shared_demo)
    client = shared_demo.test_client()
    catalog = URIRef(f"{BASE}/id/catalogo")
    for ext in FORMATS:
        g = Graph()
        url = f"/catalog.{ext}"
        pages = 0
        while url:
            response = client.get(url)
            assert response.status_code == 200
            page = parse(response.data, ext)
            g += page
            nxt = next(page.objects(None, HYDRA.next), None)
            url = str(nxt).removeprefix(BASE) if nxt else None
            pages += 1
            assert pages < 50
        datasets = set(g.objects(catalog, DCAT.dataset))
        assert datasets == {URIRef(f"{BASE}/id/recurso/{slug}") for slug, _, _ in rows}
        assert (catalog, RDF.type, DCAT.Catalog) in g


def test_catalog_pages_with_hydra(shared_demo):
    client = shared_demo.test_client()
    g = parse(client.get("/catalog.ttl?page_size=10").data, "ttl")
    catalog = URIRef(f"{BASE}/id/catalogo")
    view = g.value(catalog, HYDRA.view)
    assert (view, RDF.type, HYDRA.PartialCollectionView) in g
    assert str(g.value(view, HYDRA.next)).startswith(f"{BASE}/catalog.ttl?page_size=10&after=")
    assert g.value(view, HYDRA.first) == URIRef(f"{BASE}/catalog.ttl?page_size=10")
    assert g.value(view, HYDRA.last) is not None
    assert len(set(g.objects(catalog, DCAT.dataset))) == 10
    assert int(g.value(catalog, HYDRA.totalItems)) == len(published(shared_demo))


def test_drafts_and_withdrawn_stay_out(shared_demo):
    with shared_demo.app_context():
        hidden = db.session.execute(
            db.select(Resource.slug, Resource.status).where(Resource.status != PUBLISHED)
        ).all()
    assert hidden, "the demo has drafts and a withdrawn resource"
    client = shared_demo.test_client()
    g = parse(client.get("/catalog.nt").data, "nt")
    for slug, status in hidden:
        assert (URIRef(f"{BASE}/id/recurso/{slug}"), None, None) not in g
        expected = 410 if status == "withdrawn" else 404
        assert client.get(f"/recurso/{slug}").status_code == expected
        assert client.get(f"/recurso/{slug}.ttl").status_code == expected


def test_stored_fragments_match_the_mapping(shared_demo):
    with shared_demo.app_context():
        resources = db.session.execute(db.select(Resource)).scalars().all()
        for resource in resources:
            fragment = db.session.get(ResourceFragment, resource.id)
            direct = resource_to_graph(resource, new_graph())
            blocks = [db.session.get(SharedBlock, k) for k in json.loads(fragment.shared_keys)]
            assert None not in blocks, resource.slug
            nt = fragment.nt + "".join(b.nt for b in blocks)
            assert isomorphic(parse(nt, "nt"), direct), resource.slug
            prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in new_graph().namespaces())
            ttl = "\n".join([fragment.ttl, *(b.ttl for b in blocks)])
            assert isomorphic(parse(prefixes + ttl, "ttl"), direct), resource.slug
            nodes = json.loads(fragment.jsonld)
            nodes += [json.loads(b.jsonld) for b in blocks]
            doc = {
                "@context": json.loads(shared_demo.test_client().get("/catalog.jsonld").data)[
                    "@context"
                ],
                "@graph": nodes,
            }
            assert isomorphic(parse(json.dumps(doc), "jsonld"), direct), resource.slug
            # its own part names no shared node as a subject: those are stated once per document
            own_subjects = {str(s) for s in parse(fragment.nt, "nt").subjects()}
            assert not any(s.startswith(f"{BASE}/id/entidad/") for s in own_subjects)
            assert not any("publications.europa.eu" in s for s in own_subjects)


SHAPE_FILES = (
    "shapes.ttl",
    "range.ttl",
    "shapes_recommended.ttl",
    "mdr-vocabularies.shape.ttl",
    "deprecateduris.ttl",
)


def shacl_results(data: Graph) -> dict[str, dict[str, list[str]]]:
    """Per official shape file: the top-level results by severity ("Violation", "Warning"),
    each as "focus path shape"."""
    from pyshacl import validate
    from rdflib import Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    out: dict[str, dict[str, list[str]]] = {}
    for name in SHAPE_FILES:
        shapes = Graph().parse(STANDARDS / name, format="turtle")
        _, report, _ = validate(
            data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
        )
        found: dict[str, list[str]] = {"Violation": [], "Warning": [], "Info": []}
        for result in report.objects(None, sh.result):
            severity = str(report.value(result, sh.resultSeverity)).rsplit("#", 1)[-1]
            found[severity].append(
                f"{report.value(result, sh.focusNode)} {report.value(result, sh.resultPath)} "
                f"{report.value(result, sh.resultMessage)}"
            )
        out[name] = found
    return out


def test_demo_catalog_conforms_to_every_dcat_ap_shape_file(shared_demo):
    body = shared_demo.test_client().get("/catalog.ttl?page_size=all").data
    results = shacl_results(parse(body, "ttl"))
    for name, found in results.items():
        print(
            f"SHACL {name}: {len(found['Violation'])} violations, {len(found['Warning'])} warnings"
        )
    for name, found in results.items():
        assert not found["Violation"], (name, found["Violation"][:5])
    # what used to be warned about and is now stated: distribution descriptions, licence
    # types, the data services' recommended properties, Bogotá's centroid and bbox
    warned = " ".join(w for found in results.values() for w in found["Warning"])
    for path in ("description", "endpointDescription", "contactPoint", "keyword", "centroid"):
        assert f"#{path} " not in warned and f"/{path} " not in warned, path
    assert len(results["shapes_recommended.ttl"]["Warning"]) <= 45


def test_an_uploaded_file_conforms_to_every_shape_file(demo_app):
    import io

    from .conftest import make_token

    token = make_token(demo_app, "secretaria-general")
    client = demo_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/v1/resources",
        json={
            "title": "Informe con archivo",
            "description": "Un informe.",
            "type": "informe-resultados",
            "publisher": "secretaria-general",
            "keywords": ["informe"],
        },
        headers=headers,
    )
    slug = created.get_json()["slug"]
    uploaded = client.post(
        f"/api/v1/resources/{slug}/files",
        data={"file": (io.BytesIO(b"a,b\n1,2\n"), "datos.csv")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    assert client.post(f"/api/v1/resources/{slug}/publish", headers=headers).status_code == 200
    data = parse(client.get(f"/recurso/{slug}.ttl").data, "ttl")
    assert (None, URIRef("http://spdx.org/rdf/terms#algorithm"), None) in data
    assert (
        None,
        URIRef("http://www.w3.org/2002/07/owl#sameAs"),
        URIRef("http://spdx.org/rdf/terms#checksumAlgorithm_sha256"),
    ) in data
    for name, found in shacl_results(data).items():
        assert not found["Violation"], (name, found["Violation"][:5])
