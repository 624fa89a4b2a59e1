"""The SKOS files in vocab/ keep the conventions the loader, forms and DCAT mapping rely on.

Plain rdflib over the files (no app, no database), plus the loader itself.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from catalog.vocab import CGP, load_vocabularies

VOCAB_DIR = Path(__file__).resolve().parent.parent / "vocab"
TTL_FILES = sorted(VOCAB_DIR.glob("*.ttl"))
OWN_BASE = "https://catalogo.bogota.gov.co/def/"
EU_BASE = "http://publications.europa.eu/resource/authority/"
ADMS_BASE = "http://purl.org/adms/publishertype/"  # SEMIC's ADMS publisher types
EU_THEMES = URIRef(EU_BASE + "data-theme")
NOTATION = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")  # dots only for versions: cc-by-4.0
# what catalog/services/derived.py accepts (PnYnMnWnD)
REVIEW_INTERVAL = re.compile(r"^P(?=\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?$")
# the DCAT-US 1.1 accrualPeriodicity pattern (non-federal schema)
DCAT_US_PERIODICITY = re.compile(
    r"^R/P(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?W)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$"
)
EXPECTED_KEYS = {
    "publisher-types",
    "resource-types",
    "mipg",
    "datos-gov-co",
    "eu-themes",
    "frequencies",
    "licences",
    "languages",
    "file-types",
    "access-rights",
    "sectors",
    "support-media",
    "legal-status",
    "information-categories",
    "exception-grounds",
    "exception-scopes",
}
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    return {path.name: _parse(path) for path in TTL_FILES}


@pytest.fixture(scope="module")
def by_key(graphs) -> dict[str, tuple[Graph, URIRef]]:
    out = {}
    for graph in graphs.values():
        for scheme in graph.subjects(RDF.type, SKOS.ConceptScheme):
            out[str(graph.value(scheme, CGP.key))] = (graph, scheme)
    return out


@pytest.fixture(scope="module")
def vocab():
    return load_vocabularies(VOCAB_DIR)


def _one_label(graph: Graph, node, predicate, lang: str) -> list[str]:
    return [
        str(o)
        for o in graph.objects(node, predicate)
        if isinstance(o, Literal) and o.language == lang
    ]


def test_there_are_sixteen_files():
    assert len(TTL_FILES) == 16


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_file_has_one_described_scheme(path):
    graph = _parse(path)
    schemes = list(graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) == 1
    scheme = schemes[0]
    assert isinstance(scheme, URIRef)
    assert graph.value(scheme, CGP.key) is not None
    for predicate in (SKOS.prefLabel, DCTERMS.title):
        for lang in ("es", "en"):
            assert len(_one_label(graph, scheme, predicate, lang)) == 1, (predicate, lang)
    assert _one_label(graph, scheme, DCTERMS.description, "es")
    assert (scheme, DCTERMS.source, None) in graph or (scheme, RDFS.comment, None) in graph


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_concepts_follow_the_rules(path):
    graph = _parse(path)
    (scheme,) = graph.subjects(RDF.type, SKOS.ConceptScheme)
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert concepts, "a scheme without concepts"
    assert concepts == set(graph.subjects(SKOS.inScheme, scheme)), "typed ≠ in the scheme"
    notations = []
    for concept in concepts:
        assert isinstance(concept, URIRef) and not isinstance(concept, BNode)
        uri = str(concept)
        assert uri.startswith((OWN_BASE, EU_BASE, ADMS_BASE)), uri
        values = list(graph.objects(concept, SKOS.notation))
        assert len(values) == 1, uri
        notation = str(values[0])
        assert NOTATION.match(notation), (uri, notation)
        notations.append(notation)
        if uri.startswith(OWN_BASE):
            assert uri == f"{scheme}/{notation}", uri
        for lang in ("es", "en"):
            assert len(_one_label(graph, concept, SKOS.prefLabel, lang)) == 1, (uri, lang)
        for definition in graph.objects(concept, SKOS.definition):
            assert definition.language == "es", uri
        for order in graph.objects(concept, CGP.order):
            assert isinstance(order.toPython(), int), uri
    assert len(notations) == len(set(notations)), "duplicate notations"
    # no blank nodes anywhere in the vocabularies
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)


def test_loader_loads_every_scheme(vocab):
    assert set(vocab.schemes) == EXPECTED_KEYS
    for scheme in vocab.schemes.values():
        assert scheme.concepts
        assert scheme.label("es") and scheme.label("en") and scheme.description
        for concept in scheme:
            assert concept.labels.get("es") and concept.labels.get("en")


def test_loader_keeps_the_meaningful_orders(vocab):
    frequencies = [c.notation for c in vocab["frequencies"]]
    assert frequencies.index("daily") < frequencies.index("monthly") < frequencies.index("annual")
    assert [c.notation for c in vocab["access-rights"]] == ["publica", "clasificada", "reservada"]
    assert vocab["languages"].concepts[0].notation == "spa"
    assert vocab["licences"].concepts[0].notation == "cc-by-4.0"
    assert vocab["resource-types"].concepts[0].notation == "norma"
    assert vocab["resource-types"].concepts[-1].notation == "conjunto-datos"


def test_mipg_policies_sit_under_dimensions(by_key):
    graph, scheme = by_key["mipg"]
    kinds = {c: str(graph.value(c, CGP.conceptKind)) for c in graph.subjects(SKOS.inScheme, scheme)}
    dimensions = {c for c, kind in kinds.items() if kind == "dimension"}
    policies = {c for c, kind in kinds.items() if kind == "politica"}
    assert len(dimensions) == 7 and len(policies) == 19
    assert set(kinds) == dimensions | policies
    assert set(graph.objects(scheme, SKOS.hasTopConcept)) == dimensions
    for policy in policies:
        broader = list(graph.objects(policy, SKOS.broader))
        assert len(broader) == 1 and broader[0] in dimensions, policy
        assert (broader[0], SKOS.narrower, policy) in graph, policy
    for dimension in dimensions:
        assert (dimension, SKOS.broader, None) not in graph
        assert set(graph.objects(dimension, SKOS.narrower)) <= policies
        assert set(graph.objects(dimension, SKOS.narrower)), dimension


def test_mipg_loader_view(vocab):
    mipg = vocab["mipg"]
    for concept in mipg:
        if concept.prop("conceptKind") == "politica":
            assert vocab.concept(concept.broader).prop("conceptKind") == "dimension"
    assert mipg.get("control-interno").prop("conceptKind") == "politica"
    assert mipg.get("dimension-control-interno").prop("conceptKind") == "dimension"


def test_datos_gov_co_categories_map_to_eu_themes(by_key, vocab):
    graph, scheme = by_key["datos-gov-co"]
    eu_graph, eu_scheme = by_key["eu-themes"]
    assert eu_scheme == EU_THEMES
    eu_themes = set(eu_graph.subjects(SKOS.inScheme, eu_scheme))
    assert len(eu_themes) == 13
    portal = [
        c
        for c in graph.subjects(SKOS.inScheme, scheme)
        if graph.value(c, CGP.portalCategory).toPython()
    ]
    assert len(portal) == 26
    labels = set()
    for concept in graph.subjects(SKOS.inScheme, scheme):
        targets = {o for p in MATCHES for o in graph.objects(concept, p)}
        assert targets, concept
        assert targets <= eu_themes, concept
        label = graph.value(concept, CGP.datosGovCoLabel)
        assert isinstance(label, Literal) and str(label).strip() == str(label) and label
        labels.add(str(label))
    assert len(labels) == 26  # every portal category, each once (the local one reuses one)
    # the loader exposes the mapping the DCAT mapping reads
    eu = vocab["eu-themes"]
    for concept in vocab["datos-gov-co"]:
        assert any(uri in eu.by_uri for uri in concept.matches), concept.notation


def test_frequencies(vocab):
    frequencies = vocab["frequencies"]
    for concept in frequencies:
        assert concept.uri.startswith(EU_BASE + "frequency/")
        interval = concept.prop("reviewInterval")
        assert isinstance(interval, str) and REVIEW_INTERVAL.match(interval), concept.notation
        # exactly what catalog/services/derived.py does with it
        assert _add_duration(date(2024, 1, 31), interval) > date(2024, 1, 31)
        periodicity = concept.prop("dcatUsPeriodicity")
        assert periodicity == "irregular" or DCAT_US_PERIODICITY.match(periodicity), (
            concept.notation
        )
        assert concept.prop("datosGovCoLabel")
    assert frequencies.get("annual").prop("reviewInterval") == "P1Y"
    assert frequencies.get("irregular").uri.endswith("/IRREG")


def _add_duration(start: date, duration: str) -> date:
    from catalog.services.derived import add_duration

    return add_duration(start, duration)


def test_licences(vocab):
    licences = vocab["licences"]
    for concept in licences:
        assert isinstance(concept.prop("openLicence"), bool), concept.notation
        if concept.uri.startswith(EU_BASE):
            assert concept.notation == str(concept.prop("spdxId")).lower()
            assert str(concept.prop("licenceDocument")).startswith("https://")
    assert licences.get("cc-by-4.0").prop("openLicence") is True
    assert licences.get("cc-by-nc-4.0").prop("openLicence") is False


def test_languages(vocab):
    languages = vocab["languages"]
    assert languages.get("spa").uri == EU_BASE + "language/SPA"
    assert languages.get("spa").prop("iso6391") == "es"
    for code in ("guc", "pbb", "icr", "pln", "rom"):
        assert languages.get(code).uri == f"{OWN_BASE}languages/{code}"
    assert any(c.label("es").startswith("Emberá") for c in languages)
    for concept in languages:
        assert concept.prop("bcp47"), concept.notation
        assert re.fullmatch(r"[a-z]{3}", concept.notation)


def test_file_types(vocab):
    media = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")
    for concept in vocab["file-types"]:
        assert concept.uri.startswith(EU_BASE + "file-type/")
        assert media.fullmatch(str(concept.prop("mediaType"))), concept.notation
        assert concept.prop("extension"), concept.notation
        assert isinstance(concept.prop("machineReadable"), bool)
        assert isinstance(concept.prop("nonProprietary"), bool)
    assert vocab["file-types"].get("rdf-turtle").prop("mediaType") == "text/turtle"


def test_access_rights(vocab):
    rights = vocab["access-rights"]
    expected = {
        "publica": ("PUBLIC", "public", "Información pública"),
        "clasificada": ("RESTRICTED", "restricted public", "Información pública clasificada"),
        "reservada": ("NON_PUBLIC", "non-public", "Información pública reservada"),
    }
    for notation, (code, level, label) in expected.items():
        concept = rights.get(notation)
        assert concept.uri == f"{EU_BASE}access-right/{code}"
        assert concept.prop("dcatUsAccessLevel") == level
        assert concept.prop("ley1712Label") == label


def test_notations_the_demo_uses_exist(vocab):
    demo = Path(__file__).resolve().parent.parent / "catalog" / "demo"
    resources = json.loads((demo / "resources.json").read_text(encoding="utf-8"))
    publishers = json.loads((demo / "publishers.json").read_text(encoding="utf-8"))
    for r in resources:
        assert r["type"] in vocab["resource-types"]
        for uri in r["themes"]:
            assert vocab.resolve(uri, ("datos-gov-co", "mipg", "eu-themes")), uri
        for field, key in (
            ("accrual_periodicity", "frequencies"),
            ("license", "licences"),
            ("access_rights", "access-rights"),
            ("support_medium", "support-media"),
        ):
            if r.get(field):
                assert r[field] in vocab[key], (field, r[field])
        for code in r.get("languages") or []:
            assert code in vocab["languages"]
        if (r.get("norm") or {}).get("legal_status"):
            assert r["norm"]["legal_status"] in vocab["legal-status"]
        if (r.get("good_practice") or {}).get("mipg_policy"):
            assert vocab.resolve(r["good_practice"]["mipg_policy"], ("mipg",))
        for dist in r.get("distributions") or []:
            if dist.get("format"):
                assert dist["format"] in vocab["file-types"]
    for p in publishers:
        if p.get("sector"):
            assert p["sector"] in vocab["sectors"], p["sector"]


# rdflib's JSON-LD parser builds a ConjunctiveGraph internally, which rdflib 7 deprecates
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_jsonld_context_round_trips():
    context = json.loads((VOCAB_DIR / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    ex = "https://catalogo.bogota.gov.co/id/"
    doc = {
        "@context": context,
        "@id": ex + "recurso/demo",
        "@type": "Dataset",
        "title": {"@value": "Guía de prueba", "@language": "es"},
        "keyword": [{"@value": "gestión", "@language": "es"}],
        "theme": "http://publications.europa.eu/resource/authority/data-theme/GOVE",
        "issued": {"@value": "2024-05-01", "@type": "xsd:date"},
        "accrualPeriodicity": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        "nextReviewDate": {"@value": "2025-05-01", "@type": "xsd:date"},
        "distribution": {
            "@id": ex + "distribucion/1",
            "@type": "Distribution",
            "accessURL": "https://example.org/a.csv",
            "mediaType": "http://www.iana.org/assignments/media-types/text/csv",
            "byteSize": "42",
        },
    }
    g = Graph().parse(data=json.dumps(doc), format="json-ld")
    dcat = Namespace("http://www.w3.org/ns/dcat#")
    s, d = URIRef(ex + "recurso/demo"), URIRef(ex + "distribucion/1")
    assert (s, RDF.type, dcat.Dataset) in g
    assert (s, DCTERMS.title, Literal("Guía de prueba", lang="es")) in g
    assert (s, dcat.distribution, d) in g
    assert (d, dcat.accessURL, URIRef("https://example.org/a.csv")) in g
    assert g.value(d, dcat.byteSize).datatype == XSD.nonNegativeInteger
    assert g.value(s, DCTERMS.issued) == Literal("2024-05-01", datatype=XSD.date)
    # and back: serialised with the context, parsed again, the same graph
    text = g.serialize(format="json-ld", context=context, auto_compact=True)
    again = Graph().parse(data=text, format="json-ld")
    assert len(again) == len(g)
    assert set(again) == set(g)


def test_exception_grounds_follow_articles_18_and_19(vocab):
    """Ley 1712: three grounds classify (art. 18 a–c), ten reserve (art. 19 a–i and parágrafo)."""
    grounds = vocab["exception-grounds"]
    by_access: dict[str, list[str]] = {}
    for concept in grounds:
        by_access.setdefault(str(concept.prop("accessRights")), []).append(
            str(concept.prop("legalProvision"))
        )
    assert set(by_access) == {"clasificada", "reservada"}
    assert set(by_access) <= set(vocab["access-rights"].by_notation)
    assert [p.rsplit(" ", 1)[-1] for p in by_access["clasificada"]] == ["a", "b", "c"]
    assert [p.rsplit(" ", 1)[-1] for p in by_access["reservada"]] == [
        *"abcdefghi",
        "parágrafo",
    ]
    assert all(p.startswith("Ley 1712 de 2014, artículo 1") for p in sum(by_access.values(), []))
    assert [c.notation for c in vocab["exception-scopes"]] == ["total", "parcial"]
