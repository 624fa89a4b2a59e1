"""Harvesters' view: the paged catalog to the end, dumps, data.json, the CKAN API, signals."""

from __future__ import annotations

import json
from pathlib import Path

import ckanapi
import jsonschema
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from catalog.extensions import db
from catalog.models import PUBLISHED, Resource
from catalog.rdf.mapping import resources_to_graph
from catalog.rdf.namespaces import DCAT, HYDRA, new_graph
from catalog.services.actors import Actor
from catalog.services.resources import change_status, create_resource, get_resource, update_resource

from .live import serve

BASE = "http://catalogo.test"
CATALOG = URIRef(f"{BASE}/id/catalogo")
FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld", "nt": "nt"}
GOBIERNO_DIGITAL = URIRef("https://catalogo.bogota.gov.co/def/mipg/gobierno-digital")
SCHEMAS = Path(__file__).parent / "standards" / "dcat-us-1.1" / "non-federal-v1.1"


def parse(body, ext) -> Graph:
    return Graph().parse(data=body, format=FORMATS[ext])


def published_uris(app) -> set[URIRef]:
    with app.app_context():
        slugs = db.session.execute(
            db.select(Resource.slug).where(Resource.status == PUBLISHED)
        ).scalars()
        return {URIRef(f"{BASE}/id/recurso/{s}") for s in slugs}


def walk(client, url: str, ext: str, between=None) -> list[URIRef]:
    """Follow hydra:next to the end; returns datasets in the order met."""
    seen: list[URIRef] = []
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.data[:300]
        g = parse(response.data, ext)
        page = sorted(g.objects(CATALOG, DCAT.dataset))
        seen += page
        view = g.value(CATALOG, HYDRA.view)
        nxt = g.value(view, HYDRA.next) if view is not None else None
        url = str(nxt).removeprefix(BASE) if nxt else None
        pages += 1
        if between:
            between(pages)
        assert pages < 100
    return seen


@pytest.mark.parametrize("ext", list(FORMATS))
def test_paging_to_the_end_gets_everything_once(shared_demo, ext):
    seen = walk(shared_demo.test_client(), f"/catalog.{ext}?page_size=7", ext)
    assert len(seen) == len(set(seen))
    assert set(seen) == published_uris(shared_demo)


def test_paging_while_resources_change(demo_app):
    client = demo_app.test_client()
    with demo_app.app_context():
        ids = (
            db.session.execute(
                db.select(Resource.slug).where(Resource.status == PUBLISHED).order_by(Resource.id)
            )
            .scalars()
            .all()
        )
    early, late = ids[2], ids[-3]

    def between(page: int) -> None:
        if page != 1:
            return
        with demo_app.app_context():
            for slug in (early, late):  # one already read, one still ahead
                update_resource(
                    get_resource(slug), {"version_label": "9.9"}, Actor.system(), partial=True
                )
            create_resource(
                {
                    "title": "Recurso nuevo durante la cosecha",
                    "type": "guia",
                    "publisher": "secretaria-general",
                    "status": "published",
                },
                Actor.system(),
            )

    seen = walk(client, "/catalog.nt?page_size=10", "nt", between)
    assert len(seen) == len(set(seen)), "no record repeated"
    assert set(seen) == published_uris(demo_app), "none skipped; the new one at the end"


@pytest.mark.parametrize("ext", list(FORMATS))
def test_full_dump_is_isomorphic_to_the_mapping(shared_demo, ext):
    from catalog.harvest.stream import stamp
    from catalog.harvest.views import header_graph

    client = shared_demo.test_client()
    response = client.get(f"/catalog.{ext}?page_size=all")
    assert response.status_code == 200 and response.is_streamed
    dump = parse(response.get_data(), ext)
    with shared_demo.app_context():
        resources = (
            db.session.execute(
                db.select(Resource).where(Resource.status == PUBLISHED).order_by(Resource.id)
            )
            .scalars()
            .all()
        )
        expected = resources_to_graph(resources, new_graph())
        total, newest, _ = stamp([])
        expected += header_graph(newest, ext, total)
        for r in resources:
            expected.add((CATALOG, DCAT.dataset, URIRef(f"{BASE}/id/recurso/{r.slug}")))
    assert isomorphic(dump, expected)


def test_filters_and_bad_parameters(shared_demo):
    client = shared_demo.test_client()
    norms = parse(client.get("/catalog.nt?type=norma&page_size=all").data, "nt")
    for uri in norms.objects(CATALOG, DCAT.dataset):
        assert str(norms.value(uri, DCTERMS.type)).endswith("/norma")
    assert len(set(norms.objects(CATALOG, DCAT.dataset))) >= 4
    entity = parse(client.get("/catalog.nt?publisher=secretaria-general&page_size=all").data, "nt")
    publishers = {entity.value(u, DCTERMS.publisher) for u in entity.objects(CATALOG, DCAT.dataset)}
    assert URIRef(f"{BASE}/id/entidad/secretaria-general") in publishers
    assert URIRef(f"{BASE}/id/entidad/secretaria-hacienda") not in publishers
    themed = parse(client.get("/catalog.nt?theme=mipg/gobierno-digital&page_size=all").data, "nt")
    for uri in themed.objects(CATALOG, DCAT.dataset):
        assert (uri, DCAT.theme, GOBIERNO_DIGITAL) in themed
    future = parse(client.get("/catalog.nt?modified_since=2999-01-01").data, "nt")
    assert not list(future.objects(CATALOG, DCAT.dataset))
    for bad in (
        "page_size=0",
        "page_size=100000",
        "page_size=x",
        "modified_since=ayer",
        "publisher=nadie",
        "theme=inventado",
        "type=poema",
        "after=%%%",
        "color=rojo",
    ):
        response = client.get(f"/catalog.ttl?{bad}", headers={"Accept": "application/json"})
        assert response.status_code == 400, bad
        assert response.get_json()["message"]


def test_publisher_filter_includes_units(demo_app):
    with demo_app.app_context():
        create_resource(
            {
                "title": "Guía de una dependencia",
                "type": "guia",
                "publisher": "direccion-distrital-archivo",
                "status": "published",
            },
            Actor.system(),
        )
    g = parse(
        demo_app.test_client().get("/catalog.nt?publisher=secretaria-general&page_size=all").data,
        "nt",
    )
    assert (CATALOG, DCAT.dataset, URIRef(f"{BASE}/id/recurso/guia-de-una-dependencia")) in g


def test_content_negotiation_on_catalog_and_home(shared_demo):
    client = shared_demo.test_client()
    for path in ("/catalog", "/"):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 303
        assert "/catalog.ttl" in response.headers["Location"]


def test_conditional_get_and_gone(demo_app):
    client = demo_app.test_client()
    for path in ("/catalog.ttl", "/catalog.nt?page_size=all", "/data.json"):
        first = client.get(path)
        first.get_data()  # read streamed bodies to the end
        assert first.headers["ETag"] and first.headers["Last-Modified"]
        assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    etag = client.get("/catalog.ttl").headers["ETag"]
    with demo_app.app_context():
        slug = (
            db.session.execute(
                db.select(Resource.slug).where(Resource.status == PUBLISHED).order_by(Resource.id)
            )
            .scalars()
            .first()
        )
        change_status(get_resource(slug), "withdrawn", Actor.system(), reason="Derogada.")
    assert client.get("/catalog.ttl", headers={"If-None-Match": etag}).status_code == 200
    assert client.get(f"/recurso/{slug}").status_code == 410
    assert client.get(f"/recurso/{slug}.ttl").status_code == 410
    gone = client.get("/retirados.json").get_json()["items"]
    assert any(item["uri"] == f"{BASE}/id/recurso/{slug}" for item in gone)
    dump = parse(client.get("/catalog.nt?page_size=all").data, "nt")
    assert (URIRef(f"{BASE}/id/recurso/{slug}"), None, None) not in dump


def test_data_json_validates_against_dcat_us(shared_demo):
    response = shared_demo.test_client().get("/data.json")
    assert response.status_code == 200
    data = json.loads(response.get_data())
    schema = json.loads((SCHEMAS / "catalog.json").read_text())
    dataset_schema = json.loads((SCHEMAS / "dataset-non-federal.json").read_text())
    from referencing import Registry
    from referencing import Resource as SchemaResource

    registry = Registry().with_resources(
        [
            ("dataset-non-federal.json", SchemaResource.from_contents(dataset_schema)),
            (
                schema["id"].rsplit("/", 1)[0] + "/dataset-non-federal.json",
                SchemaResource.from_contents(dataset_schema),
            ),
        ]
    )
    validator = jsonschema.Draft4Validator(schema, registry=registry)
    errors = sorted(validator.iter_errors(data), key=str)
    assert not errors, [e.message for e in errors[:5]]
    assert len(data["dataset"]) == len(published_uris(shared_demo))
    first = data["dataset"][0]
    assert first["language"][0] == "es-CO"
    assert first["landingPage"].startswith(f"{BASE}/recurso/")
    assert any(d.get("distribution") for d in data["dataset"])


def test_ckanapi_client_reads_the_action_api(demo_app):
    demo_app.config.update(SERVER_NAME=None)
    with serve(demo_app) as base:
        ckan = ckanapi.RemoteCKAN(base, user_agent="prueba-cosechador/1.0")
        status = ckan.action.status_show()
        assert status["site_title"]
        names = ckan.action.package_list()
        assert len(names) == len(published_uris(demo_app))
        package = ckan.action.package_show(id=names[0])
        assert package["name"] == names[0]
        assert package["organization"]["name"]
        assert all(r["url"].startswith(("http://", "https://")) for r in package["resources"])
        found = ckan.action.package_search(
            q="*:*", rows=5, start=0, **{"facet.field": '["organization","res_format"]'}
        )
        assert found["count"] == len(names) and len(found["results"]) == 5
        assert found["search_facets"]["organization"]["items"]
        page2 = ckan.action.package_search(rows=5, start=5)
        assert not {p["name"] for p in page2["results"]} & {p["name"] for p in found["results"]}
        org = ckan.action.organization_show(id="secretaria-general")
        assert org["package_count"] >= 1
        assert "secretaria-general" in ckan.action.organization_list()
        assert ckan.action.group_list()
        assert ckan.action.tag_list()
        filtered = ckan.action.package_search(fq="organization:secretaria-general", rows=100)
        assert all(p["organization"]["name"] == "secretaria-general" for p in filtered["results"])
        with pytest.raises(ckanapi.NotFound):
            ckan.action.package_show(id="no-existe")
        with pytest.raises(ckanapi.ValidationError):
            ckan.action.package_search(rows=5000)


def test_sitemap_and_robots(shared_demo):
    client = shared_demo.test_client()
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert f"Sitemap: {BASE}/sitemap.xml" in robots
    import xml.etree.ElementTree as ET

    root = ET.fromstring(client.get("/sitemap.xml").data)
    locs = {e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    pages = {str(u).replace("/id/recurso/", "/recurso/") for u in published_uris(shared_demo)}
    assert pages <= locs


def test_export_rdf_command(shared_demo, tmp_path):
    target = tmp_path / "catalogo.nt"
    result = shared_demo.test_cli_runner().invoke(args=["export-rdf", str(target)])
    assert result.exit_code == 0, result.output
    g = Graph().parse(target, format="nt")
    assert set(g.objects(CATALOG, DCAT.dataset)) == published_uris(shared_demo)
    assert (CATALOG, RDF.type, DCAT.Catalog) in g


def test_export_rdf_says_what_is_wrong_instead_of_a_traceback(shared_demo, tmp_path):
    runner = shared_demo.test_cli_runner()
    missing = runner.invoke(args=["export-rdf", str(tmp_path / "no-existe" / "catalogo.ttl")])
    assert missing.exit_code == 1 and "no existe: créela primero" in missing.output
    assert "Traceback" not in missing.output
    unknown = runner.invoke(args=["export-rdf", str(tmp_path / "catalogo.txt")])
    assert unknown.exit_code == 1 and ".nt, .ttl, .jsonld, .rdf o .xml" in unknown.output
    assert not (tmp_path / "catalogo.txt").exists()
    chosen = runner.invoke(args=["export-rdf", str(tmp_path / "catalogo.txt"), "--format", "ttl"])
    assert chosen.exit_code == 0, chosen.output
    Graph().parse(tmp_path / "catalogo.txt", format="turtle")
    assert "recursos escritos" in chosen.output


def test_hydra_last_and_previous(shared_demo):
    client = shared_demo.test_client()
    first = parse(client.get("/catalog.ttl?page_size=10").data, "ttl")
    view = first.value(CATALOG, HYDRA.view)
    last_url = str(first.value(view, HYDRA.last)).removeprefix(BASE)
    last = parse(client.get(last_url).data, "ttl")
    last_view = last.value(CATALOG, HYDRA.view)
    assert last.value(last_view, HYDRA.next) is None
    assert last.value(last_view, HYDRA.previous) is not None
    everything = published_uris(shared_demo)
    tail = set(last.objects(CATALOG, DCAT.dataset))
    assert 0 < len(tail) <= 10 and tail <= everything
    with shared_demo.app_context():
        newest = (
            db.session.execute(
                db.select(Resource.slug)
                .where(Resource.status == PUBLISHED)
                .order_by(Resource.id.desc())
            )
            .scalars()
            .first()
        )
    assert URIRef(f"{BASE}/id/recurso/{newest}") in tail


def test_resource_responses_are_conditional(shared_demo):
    client = shared_demo.test_client()
    with shared_demo.app_context():
        slug = (
            db.session.execute(db.select(Resource.slug).where(Resource.status == PUBLISHED))
            .scalars()
            .first()
        )
    for path in (f"/recurso/{slug}", f"/recurso/{slug}.ttl", f"/recurso/{slug}.jsonld"):
        first = client.get(path)
        assert first.status_code == 200 and first.headers["Last-Modified"]
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, path
    assert (
        client.get(f"/recurso/{slug}.ttl").headers["ETag"]
        != client.get(f"/recurso/{slug}.nt").headers["ETag"]
    )
