"""The catalog's own vocabulary (cgp:, vocab/ontology/ns.ttl): the graph served at its
namespace, and its terms listed for the page."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from .namespaces import new_graph

KINDS: dict[Node, str] = {
    OWL.Class: "clase",
    OWL.ObjectProperty: "propiedad",
    OWL.DatatypeProperty: "propiedad",
    RDF.Property: "propiedad",
}


@lru_cache(maxsize=1)
def graph() -> Graph:
    path = Path(current_app.config["CATALOG_VOCAB_DIR"]) / "ontology" / "ns.ttl"
    loaded = new_graph()
    loaded.parse(path, format="turtle")
    return loaded


def terms(lang: str) -> list[dict]:
    """Every class and property, with its label and comment in `lang` (else Spanish)."""
    vocabulary = graph()

    def text(node: Node, prop: URIRef) -> str:
        values = {getattr(v, "language", None): str(v) for v in vocabulary.objects(node, prop)}
        return values.get(lang) or values.get("es") or ""

    found = {(str(s), KINDS[o]) for s, o in vocabulary.subject_objects(RDF.type) if o in KINDS}
    listed = []
    for uri, kind in sorted(found):
        node = URIRef(uri)
        ranges = [vocabulary.qname(str(r)) for r in vocabulary.objects(node, RDFS.range)]
        listed.append(
            {
                "uri": uri,
                "name": uri.rsplit("#", 1)[-1],
                "kind": kind,
                "label": text(node, RDFS.label),
                "comment": text(node, RDFS.comment),
                "range": ranges[0] if ranges else "",
            }
        )
    return listed
