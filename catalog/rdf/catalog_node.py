"""The catalog's own node for the harvest documents: dcat:Catalog with its data services, and
a page's Hydra view. The harvest output asks for these graphs; it builds no DCAT itself."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from rdflib import Graph, Literal, URIRef

from .. import urls
from ..models import Publisher
from .mapping import CATALOG_PUBLISHER_NAME, DcatMapper
from .namespaces import DCAT, DCT, HYDRA, RDF, RDFS, VCARD, XSD, new_graph

# the data services the catalog offers: title, endpoint, its description, the standard it
# follows, keywords
SERVICES = (
    (
        "Catálogo DCAT-AP paginado",
        "/catalog",
        "https://www.w3.org/TR/vocab-dcat-3/",
        "http://data.europa.eu/r5r/",
        ("DCAT-AP", "catálogo", "cosecha"),
    ),
    (
        "data.json (DCAT-US 1.1) para datos.gov.co",
        "/data.json",
        "https://resources.data.gov/resources/dcat-us/",
        "https://project-open-data.cio.gov/v1.1/schema",
        ("DCAT-US", "datos.gov.co", "cosecha"),
    ),
    (
        "API de acciones compatible con CKAN",
        "/api/3/action/package_search",
        "https://docs.ckan.org/en/2.10/api/",
        "https://docs.ckan.org/en/2.10/api/",
        ("CKAN", "API", "cosecha"),
    ),
)


def catalog_graph(
    newest: datetime | None, total: int, owner: Publisher | None
) -> tuple[Graph, URIRef]:
    """(graph, catalog node): the catalog, its publisher (`owner`, described as its resources
    describe it) and the data services, with the number of published resources."""
    g = new_graph()
    mapper = DcatMapper()
    catalog = mapper.add_catalog(g, modified=newest, publisher=owner)
    catalog = mapper.add_catalog(g, modified=newest, publisher=owner)
    publisher = URIRef(urls.publisher_uri("secretaria-general"))
    contact = URIRef(urls.contact_uri("secretaria-general"))
    if owner is None:
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, VCARD.fn, Literal(CATALOG_PUBLISHER_NAME, lang="es")))
    themes = current_app.extensions["vocab"]
    government = themes["eu-themes"].get("gove") if "eu-themes" in themes else None
    for title, path, description, standard, keywords in SERVICES:
        # the negotiated URI, not /catalog.{ext}: the catalog is one graph in every format
        service = URIRef(urls.absolute(path) + "#servicio")
        g.add((catalog, DCAT.service, service))
        g.add((service, RDF.type, DCAT.DataService))
        g.add((service, DCT.title, Literal(title, lang="es")))
        g.add((service, DCAT.endpointURL, URIRef(urls.absolute(path))))
        g.add((URIRef(urls.absolute(path)), RDF.type, RDFS.Resource))
        g.add((service, DCAT.endpointDescription, URIRef(description)))
        g.add((URIRef(description), RDF.type, RDFS.Resource))
        g.add((service, DCT.conformsTo, URIRef(standard)))
        g.add((URIRef(standard), RDF.type, DCT.Standard))
        g.add((service, DCT.publisher, publisher))
        g.add((service, DCAT.contactPoint, contact))
        for word in keywords:
            g.add((service, DCAT.keyword, Literal(word, lang="es")))
        if government is not None:
            g.add((service, DCAT.theme, mapper.add_concept(g, government)))
    g.add((catalog, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    g.add((catalog, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    return g, catalog


def paging_view_graph(
    view: str, *, first: str, following: str | None, previous: str | None, last: str
) -> Graph:
    """A catalog page's hydra:PartialCollectionView."""
    g = new_graph()
    node = URIRef(view)
    g.add((URIRef(urls.catalog_uri()), HYDRA.view, node))
    g.add((node, RDF.type, HYDRA.PartialCollectionView))
    g.add((node, HYDRA.first, URIRef(first)))
    if following is not None:
        g.add((node, HYDRA.next, URIRef(following)))
    if previous is not None:
        g.add((node, HYDRA.previous, URIRef(previous)))
    g.add((node, HYDRA.last, URIRef(last)))
    return g


def parse_nt(text: str) -> Graph:
    return Graph().parse(data=text, format="nt")
