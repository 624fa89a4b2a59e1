"""Licences a CKAN understands: CKAN's own ids in the Action API, and RDF licence nodes that
ckanext-dcat's parser maps back to those ids (it matches the node's URI, then its English
dct:title, against CKAN's licence register)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from catalog.rdf.namespaces import DCAT

# CKAN 2.10's default register (ckan/model/license.py): id → (title, url)
CKAN_REGISTER = {
    "notspecified": ("License not specified", ""),
    "odc-pddl": (
        "Open Data Commons Public Domain Dedication and License (PDDL)",
        "http://www.opendefinition.org/licenses/odc-pddl",
    ),
    "odc-odbl": (
        "Open Data Commons Open Database License (ODbL)",
        "http://www.opendefinition.org/licenses/odc-odbl",
    ),
    "odc-by": (
        "Open Data Commons Attribution License",
        "http://www.opendefinition.org/licenses/odc-by",
    ),
    "cc-zero": ("Creative Commons CCZero", "http://www.opendefinition.org/licenses/cc-zero"),
    "cc-by": ("Creative Commons Attribution", "http://www.opendefinition.org/licenses/cc-by"),
    "cc-by-sa": (
        "Creative Commons Attribution Share-Alike",
        "http://www.opendefinition.org/licenses/cc-by-sa",
    ),
    "gfdl": ("GNU Free Documentation License", "http://www.opendefinition.org/licenses/gfdl"),
    "other-open": ("Other (Open)", ""),
    "other-pd": ("Other (Public Domain)", ""),
    "other-at": ("Other (Attribution)", ""),
    "uk-ogl": (
        "UK Open Government Licence (OGL)",
        "http://reference.data.gov.uk/id/open-government-licence",
    ),
    "cc-nc": (
        "Creative Commons Non-Commercial (Any)",
        "http://creativecommons.org/licenses/by-nc/2.0/",
    ),
    "other-nc": ("Other (Non-Commercial)", ""),
    "other-closed": ("Other (Not Open)", ""),
}


def ckanext_dcat_license(graph: Graph, dataset: URIRef) -> str:
    """What ckanext-dcat's RDF parser sets as license_id (its `_license`, re-stated)."""
    by_uri = {url: key for key, (_, url) in CKAN_REGISTER.items() if url}
    by_title = {title: key for key, (title, _) in CKAN_REGISTER.items()}
    for distribution in graph.objects(dataset, DCAT.distribution):
        licence = graph.value(distribution, DCTERMS.license)
        if licence is None:
            continue
        found = by_uri.get(str(licence))
        if not found:
            titles = list(graph.objects(licence, DCTERMS.title))
            english = [t for t in titles if isinstance(t, Literal) and t.language == "en"]
            title = str(english[0]) if english else (str(titles[0]) if titles else "")
            found = by_title.get(title)
        if found:
            return found
    return ""


@pytest.fixture(scope="module")
def web(shared_demo):
    return shared_demo.test_client()


def test_action_api_uses_ckan_licence_ids(web):
    result = web.get("/api/3/action/package_search?rows=1000").get_json()["result"]
    assert result["count"] >= 50
    for package in result["results"]:
        assert package["license_id"] in CKAN_REGISTER, package["license_id"]
        assert package["license_title"] == CKAN_REGISTER[package["license_id"]][0]
        if package["license_id"] != "notspecified":
            assert package["license_url"].startswith("http")
    ids = {p["license_id"] for p in result["results"]}
    assert "cc-by" in ids
    listed = web.get("/api/3/action/license_list").get_json()["result"]
    assert {item["id"] for item in listed} <= set(CKAN_REGISTER)
    assert {"cc-by", "cc-by-sa", "cc-zero", "odc-odbl"} <= {item["id"] for item in listed}


def test_ckanext_dcat_round_trip_finds_each_licence(web):
    graph = Graph().parse(data=web.get("/catalog.ttl?page_size=all").data, format="turtle")
    packages = web.get("/api/3/action/package_search?rows=1000").get_json()["result"]["results"]
    with_distributions = [p for p in packages if p["resources"]]
    assert len(with_distributions) >= 40
    for package in with_distributions:
        dataset = URIRef(next(e["value"] for e in package["extras"] if e["key"] == "uri"))
        assert ckanext_dcat_license(graph, dataset) == package["license_id"], package["name"]
