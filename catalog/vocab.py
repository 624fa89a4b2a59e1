"""The controlled vocabularies in vocab/*.ttl, loaded once at start-up.

Forms take their choices, pages their labels and the DCAT mapping its URIs from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, RDF, SKOS

from .text import fold

CGP = Namespace("https://catalogo.bogota.gov.co/def/ns#")
VOCAB_BASE = "https://catalogo.bogota.gov.co/def/"
DEFAULT_VOCAB_DIR = Path(__file__).resolve().parent.parent / "vocab"


@dataclass(frozen=True)
class Concept:
    uri: str
    notation: str
    scheme: str  # the scheme's key
    labels: dict[str, str]
    alt_labels: tuple[str, ...] = ()
    definition: str | None = None
    broader: str | None = None  # URI
    matches: tuple[str, ...] = ()  # exact/close/broad match URIs
    props: dict[str, object] = field(default_factory=dict)  # cgp:* values

    def label(self, lang: str = "es") -> str:
        return self.labels.get(lang) or self.labels.get("es") or self.notation

    def prop(self, name: str, default: object = None) -> object:
        """A cgp:* value; the first one when the property is repeated (see prop_list)."""
        value = self.props.get(name, default)
        return value[0] if isinstance(value, list) else value

    def prop_list(self, name: str) -> list[object]:
        value = self.props.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]


@dataclass
class Scheme:
    key: str
    uri: str
    labels: dict[str, str]
    description: str | None
    concepts: list[Concept]
    by_notation: dict[str, Concept]
    by_uri: dict[str, Concept]

    def label(self, lang: str = "es") -> str:
        return self.labels.get(lang) or self.labels.get("es") or self.key

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    def __contains__(self, notation: object) -> bool:
        return notation in self.by_notation

    def get(self, notation: str | None) -> Concept | None:
        return self.by_notation.get(notation) if notation else None

    def choices(self, lang: str = "es") -> list[tuple[str, str]]:
        """(notation, label) pairs in the scheme's order, for forms."""
        return [(c.notation, c.label(lang)) for c in self.concepts]


class Vocabularies:
    """Every concept scheme, by key; concepts findable by URI across schemes."""

    def __init__(self, graph: Graph, schemes: dict[str, Scheme]):
        self.graph = graph
        self.schemes = schemes
        self._by_uri = {c.uri: c for s in schemes.values() for c in s.concepts}

    def __getitem__(self, key: str) -> Scheme:
        return self.schemes[key]

    def __contains__(self, key: str) -> bool:
        return key in self.schemes

    def concept(self, uri: str | None) -> Concept | None:
        return self._by_uri.get(uri) if uri else None

    # cgp:* properties that name a concept the way other portals do
    MATCH_PROPS = (
        "ckanLicenseId",
        "licenceDocument",
        "dcatUsPeriodicity",
        "bcp47",
        "datosGovCoLabel",
        "mediaType",
    )

    def match(self, keys: tuple[str, ...], ref: str | None) -> Concept | None:
        """A concept of the given schemes from what another portal wrote: its URI, a matching
        URI (skos:exactMatch…), its notation, a label in any language, or the identifiers
        other portals use (CKAN licence id, licence document, DCAT-US periodicity, BCP 47);
        accents, case and spacing do not matter."""
        if not ref or not ref.strip():
            return None
        ref = ref.strip()
        concept = self._by_uri.get(ref)
        if concept is not None and concept.scheme in keys:
            return concept
        index = self._match_index()
        for key in keys:
            found = (
                index.get((key, ref))
                or index.get((key, ref.rstrip("/")))
                or index.get((key, fold(" ".join(ref.split()))))
            )
            if found is not None:
                return found
        return None

    def _match_index(self) -> dict[tuple[str, str], Concept]:
        cached = getattr(self, "_matches", None)
        if cached is not None:
            return cached
        index: dict[tuple[str, str], Concept] = {}
        for scheme in self.schemes.values():
            for c in scheme.concepts:
                names: list[str] = [c.notation, *c.labels.values(), *c.alt_labels]
                for prop in self.MATCH_PROPS:
                    names += [str(v) for v in c.prop_list(prop)]
                for uri in (c.uri, *c.matches, *(str(v) for v in c.prop_list("licenceDocument"))):
                    for variant in (uri, uri.replace("http://", "https://", 1)):
                        index.setdefault((scheme.key, variant), c)
                        index.setdefault((scheme.key, variant.rstrip("/")), c)
                for name in names:
                    index.setdefault((scheme.key, fold(name)), c)
        self._matches = index
        return index

    def resolve(self, ref: str, allowed: tuple[str, ...] | None = None) -> Concept | None:
        """A concept from its URI or from a 'scheme/notation' reference."""
        concept = self._by_uri.get(ref)
        if concept is None and "/" in ref and not ref.startswith(("http://", "https://")):
            key, _, notation = ref.partition("/")
            scheme = self.schemes.get(key)
            concept = scheme.by_notation.get(notation) if scheme else None
        if concept is not None and allowed is not None and concept.scheme not in allowed:
            return None
        return concept


def _literal_value(node):
    if isinstance(node, Literal):
        if node.datatype is not None and str(node.datatype).endswith("#duration"):
            return str(node)  # keep "P1Y"; Python's timedelta cannot hold years or months
        return node.toPython()
    return str(node)


def _labels(graph: Graph, subject, predicate=SKOS.prefLabel) -> dict[str, str]:
    out: dict[str, str] = {}
    for label in graph.objects(subject, predicate):
        if isinstance(label, Literal) and label.language:
            out.setdefault(label.language, str(label))
    return out


def load_vocabularies(directory: Path | str = DEFAULT_VOCAB_DIR) -> Vocabularies:
    """Parse every .ttl in the directory into schemes; raises if a file breaks the conventions."""
    directory = Path(directory)
    graph = Graph()
    schemes: dict[str, Scheme] = {}
    for path in sorted(directory.glob("*.ttl")):
        file_graph = Graph()
        file_graph.parse(path, format="turtle")
        graph += file_graph
        for scheme_uri in file_graph.subjects(RDF.type, SKOS.ConceptScheme):
            key = file_graph.value(scheme_uri, CGP.key)
            if key is None:
                raise ValueError(f"{path.name}: concept scheme without cgp:key")
            schemes[str(key)] = _read_scheme(file_graph, scheme_uri, str(key), path.name)
    return Vocabularies(graph, schemes)


_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)


def _read_scheme(graph: Graph, scheme_uri, key: str, filename: str) -> Scheme:
    concepts = []
    for uri in graph.subjects(SKOS.inScheme, scheme_uri):
        notation = graph.value(uri, SKOS.notation)
        if notation is None:
            raise ValueError(f"{filename}: {uri} has no skos:notation")
        props: dict[str, object] = {}
        for p, o in sorted(graph.predicate_objects(uri)):
            if not str(p).startswith(str(CGP)):
                continue
            name, value = str(p).removeprefix(str(CGP)), _literal_value(o)
            if name in props:  # repeated (e.g. several extensions): keep them all, sorted
                previous = props[name]
                props[name] = [*(previous if isinstance(previous, list) else [previous]), value]
            else:
                props[name] = value
        definition = _labels(graph, uri, SKOS.definition).get("es")
        broader = graph.value(uri, SKOS.broader)
        matches = tuple(str(o) for p in _MATCHES for o in graph.objects(uri, p))
        concepts.append(
            Concept(
                uri=str(uri),
                notation=str(notation),
                scheme=key,
                labels=_labels(graph, uri),
                alt_labels=tuple(str(a) for a in graph.objects(uri, SKOS.altLabel)),
                definition=definition,
                broader=str(broader) if broader is not None else None,
                matches=matches,
                props=props,
            )
        )
    # cgp:order, when a scheme gives it, keeps a meaningful order (e.g. frequencies)
    concepts.sort(key=lambda c: (c.props.get("order", 10_000), fold(c.label("es"))))
    by_notation: dict[str, Concept] = {}
    for concept in concepts:
        if concept.notation in by_notation:
            raise ValueError(f"{filename}: notation {concept.notation!r} used twice")
        by_notation[concept.notation] = concept
    description = _labels(graph, scheme_uri, DCTERMS.description).get("es")
    return Scheme(
        key=key,
        uri=str(scheme_uri),
        labels=_labels(graph, scheme_uri),
        description=description,
        concepts=concepts,
        by_notation=by_notation,
        by_uri={c.uri: c for c in concepts},
    )
