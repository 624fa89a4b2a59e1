"""Every RDF namespace the catalog uses, declared once."""

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

# rdflib's bundled DCAT lacks DCAT 3 terms: an open Namespace accepts them all.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = DCTERMS
DCATAP = Namespace("http://data.europa.eu/r5r/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SCHEMA = Namespace("http://schema.org/")
CGP = Namespace("https://catalogo.bogota.gov.co/def/ns#")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_AVAILABILITY = Namespace(
    "http://publications.europa.eu/resource/authority/planned-availability/"
)
ADMS_PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"

PREFIXES = {
    "dcat": DCAT,
    "dct": DCT,
    "dcatap": DCATAP,
    "adms": ADMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "skos": SKOS,
    "spdx": SPDX,
    "locn": LOCN,
    "org": ORG,
    "prov": PROV,
    "eli": ELI,
    "hydra": HYDRA,
    "schema": SCHEMA,
    "cgp": CGP,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}

__all__ = [
    "ADMS",
    "ADMS_PUBLISHER_TYPE",
    "CGP",
    "DCAT",
    "DCATAP",
    "DCT",
    "ELI",
    "EU_AVAILABILITY",
    "EU_FILE_TYPE",
    "EU_LANGUAGE",
    "FOAF",
    "HYDRA",
    "IANA_MEDIA_TYPES",
    "LOCN",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "SPDX",
    "VCARD",
    "XSD",
    "new_graph",
]


def new_graph() -> Graph:
    """An empty graph with the catalog's prefixes bound (and only those)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph
