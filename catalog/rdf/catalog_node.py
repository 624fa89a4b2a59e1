"""The catalog's own node for the harvest documents: dcat:Catalog with its data services, and
a page's Hydra view. The harvest output asks for these graphs; it builds no DCAT itself."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from rdflib import Graph, Literal, URIRef

from .. import urls
from ..models import Publisher
from ..models.resources import DEFAULT_LICENCE
from ..registry import BY_NAME
from .good_practice import _date
from .mapping import BOGOTA, DEFAULT_LANGUAGE, DcatMapper, References
from .namespaces import DCAT, DCT, FOAF, HYDRA, RDF, RDFS, VCARD, XSD, new_graph

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


CATALOG_PUBLISHER_NAME = "Secretaría General de la Alcaldía Mayor de Bogotá D.C."
CATALOG_DESCRIPTION_ES = (
    "Catálogo de las normas, lineamientos, guías, manuales, documentos técnicos, herramientas, "
    "informes, buenas prácticas, lecciones aprendidas y conjuntos de datos de gestión pública "
    "que publican las entidades del Distrito Capital."
)
CATALOG_DESCRIPTION_EN = (
    "Catalogue of the norms, guidelines, guides, manuals, technical documents, tools, reports, "
    "good practices, lessons learned and datasets on public management published by the "
    "entities of Bogotá's district government."
)
THEME_SCHEMES = BY_NAME["themes"].schemes


def add_catalog(
    mapper: DcatMapper,
    g: Graph,
    *,
    modified: datetime | None,
    datasets: Iterable[str] = (),
    publisher: Publisher | None = None,
) -> URIRef:
    """The dcat:Catalog node with everything DCAT-AP 3 asks of a catalogue."""
    config = current_app.config
    c = URIRef(urls.catalog_uri())
    g.add((c, RDF.type, DCAT.Catalog))
    g.add((c, DCT.title, Literal(config["CATALOG_TITLE"], lang="es")))
    g.add((c, DCT.title, Literal("District Public Management Catalogue", lang="en")))
    g.add((c, DCT.description, Literal(CATALOG_DESCRIPTION_ES, lang="es")))
    g.add((c, DCT.description, Literal(CATALOG_DESCRIPTION_EN, lang="en")))
    if publisher is not None:
        g.add((c, DCT.publisher, URIRef(urls.publisher_uri(publisher.slug))))
        mapper.add_publisher(g, publisher)
    else:
        agent = URIRef(urls.publisher_uri("secretaria-general"))
        g.add((c, DCT.publisher, agent))
        g.add((agent, RDF.type, FOAF.Agent))
        g.add((agent, FOAF.name, Literal(CATALOG_PUBLISHER_NAME, lang="es")))
    home = URIRef(urls.base() + "/")
    g.add((c, FOAF.homepage, home))
    g.add((home, RDF.type, FOAF.Document))
    refs = References()
    mapper._concept(g, c, DCT.language, "languages", DEFAULT_LANGUAGE, refs)
    mapper._concept(g, c, DCT.license, "licences", DEFAULT_LICENCE, refs)
    g.add((c, DCT.spatial, URIRef(BOGOTA)))
    refs.locations.add(BOGOTA)
    mapper.describe(g, refs)
    g.add((c, DCT.issued, Literal(config.get("CATALOG_ISSUED", "2025-01-01"), datatype=XSD.date)))
    if modified is not None:
        g.add((c, DCT.modified, _date(modified)))
    for key in THEME_SCHEMES:
        if key in mapper.vocab:
            g.add((c, DCAT.themeTaxonomy, mapper.add_scheme(g, key)))
    for uri in datasets:
        g.add((c, DCAT.dataset, URIRef(uri)))
    return c


def catalog_graph(
    newest: datetime | None, total: int, owner: Publisher | None
) -> tuple[Graph, URIRef]:
    """(graph, catalog node): the catalog, its publisher (`owner`, described as its resources
    describe it) and the data services, with the number of published resources."""
    g = new_graph()
    mapper = DcatMapper()
    catalog = add_catalog(mapper, g, modified=newest, publisher=owner)
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
    return g, catalog


def paging_view_graph(
    view: str,
    *,
    first: str,
    following: str | None,
    previous: str | None,
    last: str,
    search: str | None = None,
) -> Graph:
    """A catalog page's hydra:PartialCollectionView; with `search` (the dump's address), a
    hydra:search IriTemplate saying that `modified_since` filters by dct:modified, so a
    harvester can ask only for what changed (this catalog's harvest-in does)."""
    g = new_graph()
    node = URIRef(view)
    if search is not None:
        # named nodes, not blank ones: the same document gives the same bytes every time
        template = URIRef(f"{search}#busqueda")
        g.add((URIRef(urls.catalog_uri()), HYDRA.search, template))
        g.add((template, RDF.type, HYDRA.IriTemplate))
        g.add((template, HYDRA.template, Literal(search + "{?modified_since,page_size}")))
        g.add((template, HYDRA.variableRepresentation, HYDRA.BasicRepresentation))
        for variable, prop in (("modified_since", DCT.modified), ("page_size", HYDRA.limit)):
            mapping = URIRef(f"{search}#busqueda-{variable}")
            g.add((template, HYDRA.mapping, mapping))
            g.add((mapping, RDF.type, HYDRA.IriTemplateMapping))
            g.add((mapping, HYDRA.variable, Literal(variable)))
            g.add((mapping, HYDRA.property, prop))
            g.add((mapping, HYDRA.required, Literal(False)))
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
