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


@pytest.fixture(scope="module")
def texts(shared_demo):
    client = shared_demo.test_client()
    return {
        ext: client.get(f"/catalog.{ext}?page_size=all").get_data(as_text=True) for ext in FORMATS
    }


def test_n_triples_lines_are_the_distinct_triples(texts, dumps, shared_demo):
    lines = [line for line in texts["nt"].splitlines() if line.strip()]
    assert len(lines) == len(set(lines)) == len(dumps["nt"])
    # a harvester's page too
    client = shared_demo.test_client()
    page = client.get("/catalog.nt?page_size=25").get_data(as_text=True)
    lines = [line for line in page.splitlines() if line.strip()]
    assert len(lines) == len(Graph().parse(data=page, format="nt")) > 100


def test_each_shared_node_is_stated_once_in_every_format(texts, dumps):
    import json

    from catalog.rdf.mapping import BOGOTA

    bogota = f"<{BOGOTA}>"
    assert texts["nt"].count(f"{bogota} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>") == 1
    # Turtle: one subject block (the IRI opens a line once), then only objects point at it
    assert sum(line.startswith(bogota) for line in texts["ttl"].splitlines()) == 1
    assert texts["rdf"].count(f'rdf:about="{BOGOTA}"') == 1
    nodes = json.loads(texts["jsonld"])["@graph"]
    assert sum(node.get("@id") == BOGOTA for node in nodes) == 1
    # the publisher most resources share: one block
    agent = "http://catalogo.test/id/entidad/secretaria-general"
    assert sum(node.get("@id") == agent for node in nodes) == 1
    assert sum(line.startswith(f"<{agent}>") for line in texts["ttl"].splitlines()) == 1
    # and every block, not only those the catalog header also states (concepts, media
    # types…): no node description is repeated (a node two paths describe differently, such
    # as a standard that is also a service's documentation, may have two)
    import re
    from collections import Counter

    repeated = Counter(json.dumps(node, sort_keys=True) for node in nodes)
    assert [n for n, times in repeated.items() if times > 1] == []
    elements = re.findall(r"<rdf:Description .*?</rdf:Description>", texts["rdf"], re.S)
    assert [e[:80] for e, times in Counter(elements).items() if times > 1] == []


def test_dumps_shrink_to_their_distinct_content(texts, shared_demo):
    """Against what the stored fragments would give if each repeated its shared nodes."""
    import json

    from sqlalchemy import func

    from catalog.extensions import db
    from catalog.models import PUBLISHED, Resource, ResourceFragment, SharedBlock

    with shared_demo.app_context():
        rows = db.session.execute(
            db.select(ResourceFragment.nt, ResourceFragment.shared_keys)
            .join(Resource, Resource.id == ResourceFragment.resource_id)
            .where(Resource.status == PUBLISHED)
        ).all()
        sizes = dict(
            db.session.execute(db.select(SharedBlock.key, func.length(SharedBlock.nt))).all()
        )
    repeated = sum(len(own) + sum(sizes[k] for k in json.loads(keys)) for own, keys in rows)
    assert len(texts["nt"]) < 0.6 * repeated, (len(texts["nt"]), repeated)
