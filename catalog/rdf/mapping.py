"""The one DCAT-AP 3 mapping: models → RDF. Every RDF output, fragment and feed category
comes from here; nothing else knows which property a field becomes.

No blank nodes: auxiliary nodes (period, checksum, rights statement) get hash URIs under their
owner, so per-resource fragments can be concatenated without label clashes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .. import urls
from ..models import Distribution, Publisher, Resource
from ..models.good_practice import GOOD_PRACTICE_TYPES
from ..text import strip_unsafe
from ..vocab import Concept, Vocabularies
from . import profile
from .good_practice import _date, _lit, add_good_practice
from .namespaces import (
    ADMS,
    ADMS_LICENCE_TYPE_SCHEME,
    ADMS_PUBLISHER_TYPE,
    ADMS_PUBLISHER_TYPE_SCHEME,
    CGP,
    DCAT,
    DCATAP,
    DCT,
    ELI,
    EU_AVAILABILITY,
    EU_AVAILABILITY_SCHEME,
    FOAF,
    GSP,
    IANA_MEDIA_TYPES,
    ORG,
    OWL,
    RDF,
    SKOS,
    SPDX,
    VCARD,
    XSD,
    new_graph,
)

BOGOTA = profile.BOGOTA
BOGOTA_LABEL = "Bogotá D.C."
# the Capital District (urban Bogotá and rural Sumapaz), WGS84 longitude latitude
BOGOTA_CENTROID = "POINT(-74.0817 4.6097)"
BOGOTA_BBOX = (
    "POLYGON((-74.4510 3.7300, -73.9860 3.7300, -73.9860 4.8370, -74.4510 4.8370, -74.4510 3.7300))"
)
SPANISH = "http://publications.europa.eu/resource/authority/language/SPA"
# The official DCAT-AP 3.0.1 shapes (mdr-vocabularies) require the checksum algorithm's IRI to
# start with https://spdx.org/rdf/terms; it is stated the same as SPDX 2.3's http:// term.
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
DEFAULT_LANGUAGE = "spa"

# vocabulary scheme key → the class DCAT-AP expects for values drawn from it
RANGE_CLASS = {
    "frequencies": DCT.Frequency,
    "licences": DCT.LicenseDocument,
    "languages": DCT.LinguisticSystem,
    "access-rights": DCT.RightsStatement,
    "file-types": DCT.MediaTypeOrExtent,
}


@dataclass
class References:
    """Shared nodes a resource points at; described once per document by `describe`."""

    concepts: dict[str, Concept] = field(default_factory=dict)
    publishers: dict[int, Publisher] = field(default_factory=dict)
    media_types: set[str] = field(default_factory=set)
    locations: set[str] = field(default_factory=set)
    availability: bool = False

    def update(self, other: References) -> None:
        self.concepts.update(other.concepts)
        self.publishers.update(other.publishers)
        self.media_types |= other.media_types
        self.locations |= other.locations
        self.availability = self.availability or other.availability


class DcatMapper:
    """Maps resources and publishers to DCAT-AP 3; bound to the app's vocabularies."""

    def __init__(self, vocab: Vocabularies | None = None):
        self.vocab = vocab or current_app.extensions["vocab"]

    # ------------------------------------------------------------------ resources
    def add_resource(self, g: Graph, resource: Resource) -> References:
        """Add the triples a resource owns (dataset, distributions, hash nodes)."""
        refs = References()
        s = URIRef(urls.resource_uri(resource.slug))
        g.add((s, RDF.type, DCAT.Dataset))
        g.add((s, DCT.identifier, Literal(resource.uuid)))
        for uri in profile.write(g, s, resource, self.vocab):
            refs.concepts[uri] = self.vocab.concept(uri)  # type: ignore[assignment]
        page = URIRef(urls.resource_page(resource.slug))
        g.add((s, DCAT.landingPage, page))
        g.add((page, RDF.type, FOAF.Document))
        self._provenance(g, s, resource)
        g.add((s, DCT.publisher, self._agent_ref(resource.publisher, refs)))
        creator = resource.creator or resource.publisher
        g.add((s, DCT.creator, self._agent_ref(creator, refs)))
        g.add((s, DCAT.contactPoint, self._contact(g, resource, refs)))
        for uri in self.theme_uris(resource):
            concept = self.vocab.concept(uri)
            g.add((s, DCAT.theme, URIRef(uri)))
            if concept is not None:
                refs.concepts[uri] = concept
        g.add((s, DCT.modified, _date(resource.modified or resource.updated_at.date())))
        refs.locations.add(resource.spatial or BOGOTA)
        practice = resource.good_practice if resource.type in GOOD_PRACTICE_TYPES else None
        if resource.conforms_to:
            g.add((URIRef(resource.conforms_to), RDF.type, DCT.Standard))
        if resource.next_review_on:
            g.add((s, CGP.nextReviewDate, _date(resource.next_review_on)))
        self._norm(g, s, resource, refs)
        if practice is not None:
            add_good_practice(g, s, practice)
        for dist in resource.distributions:
            g.add((s, DCAT.distribution, self.add_distribution(g, dist, resource, refs)))
        return refs

    @staticmethod
    def _provenance(g: Graph, s: URIRef, resource: Resource) -> None:
        """A harvested resource keeps the identifier and the page it has at its source (and
        so a portal that harvests us back sees its own record, and skips it)."""
        record = resource.harvest
        if record is None:
            return
        if record.original_uri:
            node = URIRef(f"{s}#identificador-original")
            g.add((s, ADMS.identifier, node))
            g.add((node, RDF.type, ADMS.Identifier))
            g.add((node, SKOS.notation, Literal(record.original_uri, datatype=XSD.anyURI)))
        if record.original_page:
            page = URIRef(record.original_page)
            g.add((s, DCAT.landingPage, page))
            g.add((page, RDF.type, FOAF.Document))

    def theme_uris(self, resource: Resource) -> list[str]:
        """The resource's themes, plus the EU data themes its datos.gov.co categories map to."""
        out = list(resource.theme_uris)
        eu = self.vocab.schemes.get("eu-themes")
        for uri in list(out):
            concept = self.vocab.concept(uri)
            if concept is None or concept.scheme != "datos-gov-co" or eu is None:
                continue
            for match in concept.matches:
                if match in eu.by_uri and match not in out:
                    out.append(match)
        return out

    def _norm(self, g: Graph, s: URIRef, resource: Resource, refs: References) -> None:
        if resource.type != "norma":
            return
        g.add((s, RDF.type, ELI.LegalResource))
        if resource.norm_number:
            g.add((s, ELI.id_local, Literal(strip_unsafe(resource.norm_number))))
        if resource.norm_date:
            g.add((s, ELI.date_document, _date(resource.norm_date)))
        if resource.norm_issuer:
            g.add((s, CGP.issuingBody, _lit(resource.norm_issuer)))
        if resource.legal_status:
            concept = self.vocab["legal-status"].get(resource.legal_status)
            if concept is not None:
                g.add((s, CGP.legalStatus, URIRef(concept.uri)))
                refs.concepts[concept.uri] = concept
        if resource.legal_status_note:
            g.add((s, CGP.legalStatusNote, _lit(resource.legal_status_note)))
        if resource.superseded_by:
            g.add((s, DCT.isReplacedBy, URIRef(resource.superseded_by)))

    def add_distribution(
        self, g: Graph, dist: Distribution, resource: Resource, refs: References
    ) -> URIRef:
        d = URIRef(urls.distribution_uri(dist.uuid))
        g.add((d, RDF.type, DCAT.Distribution))
        if dist.title:
            g.add((d, DCT.title, _lit(dist.title)))
        access, download = distribution_urls(dist)
        g.add((d, DCT.description, _lit(dist.description or self._dist_summary(dist, download))))
        g.add((d, DCAT.accessURL, URIRef(access)))
        if download:
            g.add((d, DCAT.downloadURL, URIRef(download)))
        if dist.media_type:
            media = URIRef(IANA_MEDIA_TYPES + dist.media_type)
            g.add((d, DCAT.mediaType, media))
            refs.media_types.add(dist.media_type)
        self._concept(g, d, DCT.format, "file-types", dist.format, refs)
        licence = dist.license or resource.license
        self._concept(g, d, DCT.license, "licences", licence, refs)
        if dist.language:
            self._concept(g, d, DCT.language, "languages", dist.language, refs)
        if dist.byte_size is not None:
            g.add((d, DCAT.byteSize, Literal(dist.byte_size, datatype=XSD.nonNegativeInteger)))
        if dist.checksum_sha256:
            checksum = URIRef(f"{d}#checksum")
            g.add((d, SPDX.checksum, checksum))
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SHA256))
            g.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
            g.add((SHA256, OWL.sameAs, SPDX.checksumAlgorithm_sha256))
            g.add(
                (
                    checksum,
                    SPDX.checksumValue,
                    Literal(dist.checksum_sha256, datatype=XSD.hexBinary),
                )
            )
        g.add((d, DCATAP.availability, URIRef(EU_AVAILABILITY.STABLE)))
        refs.availability = True
        g.add((d, DCT.issued, _date(dist.created_at.date())))
        g.add((d, DCT.modified, _date(dist.updated_at.date())))
        return d

    def _dist_summary(self, dist: Distribution, download: str | None) -> str:
        """A description stated from the record's own facts when the publisher wrote none
        (DCAT-AP recommends one): what it is, in what format, of which resource."""
        fmt = self.vocab["file-types"].get(dist.format) if dist.format else None
        what = "Descarga" if download else "Acceso en línea"
        if fmt is not None:
            what += f" en formato {fmt.label('es')}"
        elif dist.media_type:
            what += f" ({dist.media_type})"
        return f"{what}: {dist.title or dist.resource.title}."

    def _concept(
        self, g: Graph, s: Node, p: URIRef, scheme: str, notation: str | None, refs: References
    ) -> None:
        if not notation or scheme not in self.vocab:
            return
        concept = self.vocab[scheme].get(notation)
        if concept is None:
            return
        g.add((s, p, URIRef(concept.uri)))
        refs.concepts[concept.uri] = concept

    # ------------------------------------------------------------------ agents
    def _agent_ref(self, publisher: Publisher, refs: References) -> URIRef:
        node: Publisher | None = publisher
        while node is not None:
            refs.publishers[node.id] = node
            node = node.parent
        return URIRef(urls.publisher_uri(publisher.slug))

    def _contact(self, g: Graph, resource: Resource, refs: References) -> URIRef:
        """An institutional vCard: the resource's own contact, else its publisher's."""
        publisher = resource.publisher
        email = resource.contact_email or publisher.email or publisher.entity.email
        if resource.contact_email or resource.contact_name:
            c = URIRef(f"{urls.resource_uri(resource.slug)}#contacto")
            g.add((c, RDF.type, VCARD.Kind))
            g.add((c, RDF.type, VCARD.Organization))
            g.add((c, VCARD.fn, _lit(resource.contact_name or publisher.name)))
            if email:
                g.add((c, VCARD.hasEmail, URIRef(f"mailto:{email}")))
            return c
        return URIRef(urls.contact_uri(publisher.slug))

    def publisher_type(self, publisher: Publisher) -> Concept | None:
        """The publisher's ADMS type: its own, else its entity's (a unit is part of it), else
        the one its order of government implies (Distrital → local authority)."""
        scheme = self.vocab.schemes.get("publisher-types")
        if scheme is None:
            return None
        node: Publisher | None = publisher
        while node is not None:
            if node.publisher_type and scheme.get(node.publisher_type) is not None:
                return scheme.get(node.publisher_type)
            node = node.parent
        orden = publisher.entity.orden or "Distrital"
        for concept in scheme.concepts:
            if str(concept.prop("forOrden") or "") == orden:
                return concept
        return scheme.get("autoridad-local")

    def add_publisher(self, g: Graph, publisher: Publisher) -> URIRef:
        """A publisher as foaf:Agent / org:Organization, with its institutional contact."""
        a = URIRef(urls.publisher_uri(publisher.slug))
        g.add((a, RDF.type, FOAF.Agent))
        g.add((a, RDF.type, FOAF.Organization))
        g.add((a, RDF.type, ORG.OrganizationalUnit if publisher.parent else ORG.Organization))
        g.add((a, FOAF.name, _lit(publisher.name)))
        if publisher.acronym:
            g.add((a, SKOS.altLabel, Literal(publisher.acronym)))
        kind = self.publisher_type(publisher)
        publisher_type = URIRef(kind.uri) if kind else ADMS_PUBLISHER_TYPE.LocalAuthority
        g.add((a, DCT.type, publisher_type))
        g.add((publisher_type, RDF.type, SKOS.Concept))
        for lang, label in kind.labels.items() if kind else ():
            g.add((publisher_type, SKOS.prefLabel, Literal(label, lang=lang)))
        self._eu_scheme(g, publisher_type, ADMS_PUBLISHER_TYPE_SCHEME, "ADMS publisher type")
        if publisher.parent is not None:
            g.add((a, ORG.unitOf, URIRef(urls.publisher_uri(publisher.parent.slug))))
        if publisher.homepage:
            home = URIRef(publisher.homepage)
            g.add((a, FOAF.homepage, home))
            g.add((home, RDF.type, FOAF.Document))
        page = URIRef(urls.publisher_page(publisher.slug))
        g.add((a, FOAF.page, page))
        g.add((page, RDF.type, FOAF.Document))
        c = URIRef(urls.contact_uri(publisher.slug))
        g.add((c, RDF.type, VCARD.Kind))
        g.add((c, RDF.type, VCARD.Organization))
        g.add((c, VCARD.fn, _lit(publisher.name)))
        email = publisher.email or publisher.entity.email
        if email:
            g.add((c, VCARD.hasEmail, URIRef(f"mailto:{email}")))
        if publisher.homepage:
            g.add((c, VCARD.hasURL, URIRef(publisher.homepage)))
        return a

    # ------------------------------------------------------------------ shared nodes
    def describe(self, g: Graph, refs: References) -> None:
        """Describe shared nodes once: concepts (typed for DCAT-AP ranges), agents, places."""
        for concept in refs.concepts.values():
            self.add_concept(g, concept)
        for publisher in refs.publishers.values():
            self.add_publisher(g, publisher)
        for media_type in refs.media_types:
            m = URIRef(IANA_MEDIA_TYPES + media_type)
            g.add((m, RDF.type, DCT.MediaType))
            g.add((m, DCT.identifier, Literal(media_type)))
        for location in refs.locations:
            loc = URIRef(location)
            g.add((loc, RDF.type, DCT.Location))
            if location == BOGOTA:
                g.add((loc, SKOS.prefLabel, Literal(BOGOTA_LABEL, lang="es")))
                g.add((loc, DCAT.centroid, Literal(BOGOTA_CENTROID, datatype=GSP.wktLiteral)))
                g.add((loc, DCAT.bbox, Literal(BOGOTA_BBOX, datatype=GSP.wktLiteral)))
        if refs.availability:
            stable = URIRef(EU_AVAILABILITY.STABLE)
            g.add((stable, RDF.type, SKOS.Concept))
            g.add((stable, SKOS.prefLabel, Literal("Estable", lang="es")))
            g.add((stable, SKOS.prefLabel, Literal("Stable", lang="en")))
            self._eu_scheme(g, stable, EU_AVAILABILITY_SCHEME, "Planned availability")

    def add_concept(self, g: Graph, concept: Concept) -> URIRef:
        c = URIRef(concept.uri)
        scheme = self.vocab[concept.scheme]
        g.add((c, RDF.type, SKOS.Concept))
        extra = RANGE_CLASS.get(concept.scheme)
        if extra is not None:
            g.add((c, RDF.type, extra))
        for lang, label in concept.labels.items():
            g.add((c, SKOS.prefLabel, Literal(label, lang=lang)))
        g.add((c, SKOS.notation, Literal(concept.notation)))
        g.add((c, SKOS.inScheme, URIRef(scheme.uri)))
        self.add_scheme(g, scheme.key)
        # official concepts (EU tables) also belong to their authority's scheme
        for other in self.vocab.graph.objects(c, SKOS.inScheme):
            if other != URIRef(scheme.uri):
                g.add((c, SKOS.inScheme, other))
                g.add((other, RDF.type, SKOS.ConceptScheme))
                title = self.vocab.graph.value(other, DCT.title) or Literal(
                    f"EU Publications Office authority table: {str(other).rsplit('/', 1)[-1]}",
                    lang="en",
                )
                g.add((other, DCT.title, title))
        if concept.broader:
            g.add((c, SKOS.broader, URIRef(concept.broader)))
        if concept.scheme == "licences":
            # ckanext-dcat finds a licence in CKAN's register by its dct:title (English):
            # that title is CKAN's own; the Spanish one is ours
            g.add((c, DCT.title, Literal(concept.label("es"), lang="es")))
            ckan_title = concept.prop("ckanLicenseTitle")
            g.add((c, DCT.title, Literal(str(ckan_title or concept.label("en")), lang="en")))
            for kind in self.vocab.graph.objects(c, DCT.type):
                if not isinstance(kind, URIRef):
                    continue
                g.add((c, DCT.type, kind))
                g.add((kind, RDF.type, SKOS.Concept))
                name = str(kind).rsplit("/", 1)[-1]
                g.add((kind, SKOS.prefLabel, Literal(name, lang="en")))
                self._eu_scheme(g, kind, ADMS_LICENCE_TYPE_SCHEME, "ADMS licence type")
        return c

    @staticmethod
    def _eu_scheme(g: Graph, concept: URIRef, scheme: str, title: str) -> None:
        g.add((concept, SKOS.inScheme, URIRef(scheme)))
        g.add((URIRef(scheme), RDF.type, SKOS.ConceptScheme))
        g.add((URIRef(scheme), DCT.title, Literal(title, lang="en")))

    def add_scheme(self, g: Graph, key: str) -> URIRef:
        scheme = self.vocab[key]
        s = URIRef(scheme.uri)
        g.add((s, RDF.type, SKOS.ConceptScheme))
        for lang, label in scheme.labels.items():
            g.add((s, DCT.title, Literal(label, lang=lang)))
        return s

    # ------------------------------------------------------------------ the catalog


def distribution_urls(dist: Distribution) -> tuple[str, str | None]:
    """(accessURL, downloadURL): a hosted file is both; a link-only one may lack download."""
    if dist.file_key:
        hosted = urls.file_url(dist.uuid, dist.file_name or "archivo")
        return dist.access_url or hosted, hosted
    access = dist.access_url or dist.download_url or urls.resource_page(dist.resource.slug)
    return access, dist.download_url


def resource_to_graph(resource: Resource, graph: Graph | None = None) -> Graph:
    """The resource's complete DCAT description (with its shared nodes), composable."""
    g = graph if graph is not None else new_graph()
    mapper = DcatMapper()
    mapper.describe(g, mapper.add_resource(g, resource))
    return g


def resources_to_graph(resources: Iterable[Resource], graph: Graph | None = None) -> Graph:
    g = graph if graph is not None else new_graph()
    mapper = DcatMapper()
    refs = References()
    for resource in resources:
        refs.update(mapper.add_resource(g, resource))
    mapper.describe(g, refs)
    return g


def publisher_graph(publisher: Publisher) -> Graph:
    """A publisher's own description (its page's RDF)."""
    g = new_graph()
    DcatMapper().add_publisher(g, publisher)
    return g
