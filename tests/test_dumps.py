"""Full catalog dumps: one graph whatever the format."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic, to_isomorphic

FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld", "nt": "nt"}


@pytest.fixture(scope="module")
def dumps(shared_demo):
    client = shared_demo.test_client()
    graphs = {}
    for ext, parser in FORMATS.items():
        response = client.get(f"/catalog.{ext}?page_size=all")
        assert response.status_code == 200
        graphs[ext] = Graph().parse(data=response.get_data(as_text=True), format=parser)
    return graphs


def test_the_four_dumps_are_the_same_graph(dumps):
    reference = dumps["nt"]
    assert len(reference) > 1000
    for ext, graph in dumps.items():
        if not isomorphic(graph, reference):
            only_here = to_isomorphic(graph) - to_isomorphic(reference)
            only_nt = to_isomorphic(reference) - to_isomorphic(graph)
            pytest.fail(
                f"{ext} differs from nt: {sorted(map(str, only_here))[:3]} / "
                f"{sorted(map(str, only_nt))[:3]}"
            )


def test_no_node_is_named_after_a_format(dumps):
    for ext, graph in dumps.items():
        for term in {t for triple in graph for t in triple}:
            text = str(term)
            for other in FORMATS:
                assert f"/catalog.{other}#" not in text, (ext, text)
