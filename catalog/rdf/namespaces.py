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
# the schemes the EU shapes (mdr-vocabularies) expect those concepts to say they are in
EU_AVAILABILITY_SCHEME = "http://publications.europa.eu/resource/authority/planned-availability"
ADMS_PUBLISHER_TYPE_SCHEME = "http://purl.org/adms/publishertype/1.0"
ADMS_LICENCE_TYPE_SCHEME = "http://purl.org/adms/licencetype/1.0"
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
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
    "gsp": GSP,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}

__all__ = [
    "ADMS",
    "ADMS_LICENCE_TYPE_SCHEME",
    "ADMS_PUBLISHER_TYPE",
    "ADMS_PUBLISHER_TYPE_SCHEME",
    "CGP",
    "DCAT",
    "DCATAP",
    "DCT",
    "ELI",
    "EU_AVAILABILITY",
    "EU_AVAILABILITY_SCHEME",
    "EU_FILE_TYPE",
    "EU_LANGUAGE",
    "FOAF",
    "GSP",
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
    graph = Graph(store="SimpleMemory", bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph
