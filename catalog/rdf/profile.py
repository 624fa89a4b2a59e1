"""The DCAT-AP profile of a resource's own fields, declared once and read both ways.

The registry (catalog/registry.py) gives each field's property path and term kind; here each
becomes a `Prop`: which record field goes to which property path of the dataset node, as what
kind of RDF term. `write` publishes a record through these declarations (the mapping calls it
for the fields listed here); `read` takes a published description back into record fields —
what harvest-in and `catalog import` use — so publishing and reading cannot drift apart.
`tests/test_profile.py` sends every demo resource to RDF and back through them.

Kinds:
- ``text``: a literal in Spanish (``@es``); ``plain``: a literal without language;
- ``texts``: several Spanish literals (a list field);
- ``date``: an ``xsd:date``;
- ``iri``: an IRI; ``concept:<scheme>`` / ``concepts:<scheme>``: one or several concepts of a
  controlled vocabulary (the field holds notations, the graph the concepts' IRIs).

A path of two properties goes through the resource's own node ``<dataset>#<suffix>`` typed
with the given class (the period of time, the rights statement).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..models.good_practice import GOOD_PRACTICE_TYPES
from ..registry import Spec, published
from ..text import strip_unsafe
from ..vocab import Vocabularies
from .namespaces import ADMS, CGP, DCAT, DCT, RDF, RDFS, XSD


@dataclass(frozen=True)
class Prop:
    field: str
    path: tuple[URIRef, ...]
    kind: str
    node: tuple[str, URIRef] | None = None  # (hash suffix, class) of an intermediate node
    publish: Callable[[Any], Any] | None = None

    def value(self, record: Any) -> Any:
        return self.publish(record) if self.publish else getattr(record, self.field)


def _temporal_start(resource: Any) -> date | None:
    """A good practice covers the time since it started, when the form gives that date."""
    if resource.temporal_start:
        return resource.temporal_start
    practice = getattr(resource, "good_practice", None)
    if practice is not None and resource.type in GOOD_PRACTICE_TYPES:
        return practice.start_date
    return None


BOGOTA = "https://sws.geonames.org/3688689/"  # GeoNames: Bogotá D.C., the default place
PREFIXES: dict[str, Any] = {"dct": DCT, "dcat": DCAT, "rdfs": RDFS, "adms": ADMS, "cgp": CGP}
# the resource's own nodes a two-step path goes through, by its first property
NODES = {DCT.temporal: ("periodo", DCT.PeriodOfTime), DCT.rights: ("derechos", DCT.RightsStatement)}
# what is published when it differs from the stored field (a fallback, a derived value)
PUBLISH: dict[str, Callable[[Any], Any]] = {
    "description": lambda r: r.description or r.title,
    "keywords": lambda r: r.keyword_list,
    "languages": lambda r: r.languages or [],
    "temporal_start": _temporal_start,
    "spatial": lambda r: r.spatial or BOGOTA,
}


def _curie(text: str) -> URIRef:
    prefix, local = text.split(":", 1)
    return PREFIXES[prefix][local]


def prop(spec: Spec) -> Prop:
    """The `Prop` of a registry entry's DCAT declaration."""
    assert spec.dcat is not None
    path_text, kind = spec.dcat
    path = tuple(_curie(step) for step in path_text.split("/"))
    if kind in ("concept", "concepts"):
        kind = f"{kind}:{spec.vocab}"
    node = NODES[path[0]] if len(path) > 1 else None
    return Prop(spec.name, path, kind, node, PUBLISH.get(spec.name))


# the dataset's own fields, in the registry's order (catalog/registry.py declares each)
DATASET: tuple[Prop, ...] = tuple(prop(spec) for spec in published("dcat"))


def _scheme(kind: str) -> str:
    return kind.split(":", 1)[1]


def _term(kind: str, value: Any, vocab: Vocabularies) -> Node | None:
    if kind in ("text", "texts"):
        return Literal(strip_unsafe(value), lang="es")
    if kind == "plain":
        return Literal(strip_unsafe(value))
    if kind == "date":
        return Literal(value.isoformat(), datatype=XSD.date)
    if kind == "iri":
        return URIRef(value)
    scheme = _scheme(kind)
    concept = vocab[scheme].get(value) if scheme in vocab else None
    return URIRef(concept.uri) if concept is not None else None


def write(g: Graph, s: URIRef, record: Any, vocab: Vocabularies, props=DATASET) -> list[str]:
    """Publish the declared fields of `record` on node `s`; returns the concept IRIs used
    (the mapping describes them once per document)."""
    concepts: list[str] = []
    for prop in props:
        value = prop.value(record)
        values = value if prop.kind == "texts" or prop.kind.startswith("concepts:") else [value]
        found = [_term(prop.kind, v, vocab) for v in values if v not in (None, "")]
        terms: list[Node] = [t for t in found if t is not None]
        if not terms:
            continue
        subject: URIRef = s
        if prop.node is not None:
            suffix, kind = prop.node
            subject = URIRef(f"{s}#{suffix}")
            g.add((s, prop.path[0], subject))
            g.add((subject, RDF.type, kind))
        for term in terms:
            g.add((subject, prop.path[-1], term))
            if prop.kind.startswith("concept"):
                concepts.append(str(term))
    return concepts


def _value(kind: str, term: Node, vocab: Vocabularies) -> Any:
    if kind in ("text", "texts", "plain"):
        return str(term)
    if kind == "date":
        python = term.toPython() if isinstance(term, Literal) else None
        if isinstance(python, datetime):  # another portal may give a date-time
            return python.date()
        if isinstance(python, date):
            return python
        try:
            return date.fromisoformat(str(term)[:10])
        except ValueError:
            return None
    if kind == "iri":
        return str(term) if isinstance(term, URIRef) else None
    concept = vocab.concept(str(term))
    return concept.notation if concept is not None and concept.scheme == _scheme(kind) else None


def _pick(terms: list[Node], kind: str) -> list[Node]:
    """Spanish literals first for one-valued text fields (a harvested record may carry
    several languages)."""
    if kind != "text":
        return terms
    spanish: list[Node] = [t for t in terms if isinstance(t, Literal) and t.language == "es"]
    plain: list[Node] = [t for t in terms if isinstance(t, Literal) and not t.language]
    return spanish or plain or terms


def read(g: Graph, s: URIRef, vocab: Vocabularies, props=DATASET) -> dict[str, Any]:
    """The declared fields of the description of `s` (absent ones are None or [])."""
    record: dict[str, Any] = {}
    for prop in props:
        subjects: list[Node] = [s]
        for step in prop.path[:-1]:
            subjects = [o for subject in subjects for o in g.objects(subject, step)]
        terms = sorted(
            (o for subject in subjects for o in g.objects(subject, prop.path[-1])), key=str
        )
        values = [_value(prop.kind, t, vocab) for t in _pick(terms, prop.kind)]
        values = [v for v in values if v is not None]
        many = prop.kind == "texts" or prop.kind.startswith("concepts:")
        record[prop.field] = values if many else (values[0] if values else None)
    return record
