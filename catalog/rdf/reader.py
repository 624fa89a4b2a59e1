"""Reading DCAT that other portals publish: safe parsing, and each dataset as a record.

The dataset's own fields are read through the same declarations we publish with
(`profile.read`, from catalog/registry.py); themes, distributions, identifiers and pages are
read here. Concepts are matched to our vocabularies by URI, matching URI, notation or label; a
value that matches nothing is reported (`approximated`) and kept where it can be (a theme as a
keyword), never silently dropped.

Parsing is offline: RDF/XML with a DOCTYPE or entities is refused, JSON-LD may not name a remote
context (ours is bundled), so no parser ever fetches anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from ..registry import BY_NAME
from ..vocab import Vocabularies
from . import profile
from .formats import jsonld_context
from .namespaces import ADMS, DCAT, DCT, FOAF, HYDRA, RDF, RDFS, VCARD

THEME_SCHEMES = BY_NAME["themes"].schemes
OUR_CONTEXT = "https://catalogo.bogota.gov.co/def/context.jsonld"
LEGACY_HYDRA = URIRef("http://www.w3.org/ns/hydra/core#nextPage")
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
_MEDIA = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


class Unreadable(Exception):
    """The document is not RDF we may read; the message says why, in Spanish."""


FORMATS = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
    "text/plain": "nt",
}


def _sniff(body: bytes) -> str:
    head = body[:2000].lstrip().lower()
    if head.startswith((b"<?xml", b"<rdf:rdf", b"<rdf")):
        return "xml"
    if head.startswith((b"{", b"[")):
        return "json-ld"
    return "turtle"


def _check_context(value: Any) -> Any:
    """A JSON-LD @context with every remote reference refused (ours replaced by the bundled
    copy): the parser must never fetch."""
    if isinstance(value, str):
        if value.rstrip("/") == OUR_CONTEXT:
            return jsonld_context()
        raise Unreadable(f"el JSON-LD pide un contexto remoto ({value[:200]}), que no se descarga")
    if isinstance(value, list):
        return [_check_context(v) for v in value]
    if isinstance(value, dict):
        if "@import" in value:
            raise Unreadable("el JSON-LD pide importar un contexto remoto (@import)")
        return value
    return value


def _safe_jsonld(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (_check_context(v) if k == "@context" else _safe_jsonld(v)) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_safe_jsonld(v) for v in node]
    return node


def parse(body: bytes, content_type: str, base: str) -> Graph:
    """A graph from a fetched document, by Content-Type, else by sniffing."""
    kind = FORMATS.get(content_type) or _sniff(body)
    if content_type in ("application/json", "text/plain") and _sniff(body) != "turtle":
        kind = _sniff(body)
    graph = Graph()
    try:
        if kind == "xml":
            if re.search(rb"<!(DOCTYPE|ENTITY)", body[:65536], re.IGNORECASE):
                raise Unreadable("RDF/XML con DOCTYPE o entidades: no se lee")
            graph.parse(data=body, format="xml", publicID=base)
        elif kind == "json-ld":
            data = _safe_jsonld(json.loads(body))
            graph.parse(data=json.dumps(data), format="json-ld", base=base)
        else:
            graph.parse(data=body.decode("utf-8"), format=kind, publicID=base)
    except Unreadable:
        raise
    except Exception as error:  # every parser has its own exceptions
        raise Unreadable(f"no es RDF legible ({kind}): {str(error)[:200]}") from None
    return graph


def next_page(graph: Graph, current: str) -> str | None:
    """The next page of a paged catalogue: Hydra `next` (PartialCollectionView) or the legacy
    `nextPage` (PagedCollection), as CKAN+ckanext-dcat, udata and this catalog serve them."""
    for prop in (HYDRA.next, LEGACY_HYDRA):
        for _, _, target in graph.triples((None, prop, None)):
            if str(target) != current:
                return str(target)
    return None


@dataclass
class Record:
    """One remote dataset in our API's shape (without publisher and status)."""

    remote_id: str
    original_uri: str | None
    original_page: str | None
    data: dict[str, Any]
    approximated: list[dict[str, str]] = field(default_factory=list)
    also_known_as: list[str] = field(default_factory=list)  # identifiers it carries


def _label(graph: Graph, node: Node) -> str | None:
    for prop in (SKOS.prefLabel, RDFS.label, DCT.title, FOAF.name):
        for value in graph.objects(node, prop):
            return str(value)
    return None


def _first(graph: Graph, node: Node, prop: URIRef) -> Node | None:
    return next(iter(sorted(graph.objects(node, prop), key=str)), None)


def _text(graph: Graph, node: Node, prop: URIRef) -> str | None:
    values = [v for v in graph.objects(node, prop) if isinstance(v, Literal)]
    spanish = [v for v in values if v.language == "es"] or values
    return str(sorted(spanish, key=str)[0]).strip() if spanish else None


def _concepts(
    graph: Graph, s: URIRef, prop_uri: URIRef, keys: tuple[str, ...], name: str, vocab, out
) -> list[str]:
    found: list[str] = []
    for node in sorted(graph.objects(s, prop_uri), key=str):
        concept = vocab.match(keys, str(node)) or vocab.match(keys, _label(graph, node))
        if concept is not None:
            found.append(concept.uri if len(keys) > 1 else concept.notation)
        else:
            out.append({"field": name, "value": _label(graph, node) or str(node)})
    return found


def _distribution(graph: Graph, node: Node, vocab, approximated) -> dict[str, Any] | None:
    access = _first(graph, node, DCAT.accessURL)
    download = _first(graph, node, DCAT.downloadURL)
    if access is None and download is None:
        return None
    item: dict[str, Any] = {
        "access_url": str(access) if access is not None else None,
        "download_url": str(download) if download is not None else None,
        "title": _text(graph, node, DCT.title),
        "description": _text(graph, node, DCT.description),
    }
    media = _first(graph, node, DCAT.mediaType)
    if media is not None:
        text = str(media).removeprefix(MEDIA_TYPES).removeprefix(MEDIA_TYPES.replace("s:", ":"))
        text = (_label(graph, media) or text) if not _MEDIA.fullmatch(text.lower()) else text
        if _MEDIA.fullmatch(text.lower()):
            item["media_type"] = text.lower()
    fmt = _first(graph, node, DCT.format)
    if fmt is not None:
        concept = vocab.match(("file-types",), str(fmt)) or vocab.match(
            ("file-types",), _label(graph, fmt)
        )
        if concept is not None:
            item["format"] = concept.notation
        else:
            approximated.append({"field": "distributions.format", "value": str(fmt)})
    licence = _first(graph, node, DCT.license)
    if licence is not None:
        concept = vocab.match(("licences",), str(licence))
        if concept is not None:
            item["license"] = concept.notation
    size = _first(graph, node, DCAT.byteSize)
    if isinstance(size, Literal):
        try:
            item["byte_size"] = int(str(size).split(".")[0])
        except ValueError:
            pass
    return {k: v for k, v in item.items() if v not in (None, "")}


def _identifiers(graph: Graph, s: URIRef) -> list[str]:
    ids = [str(v) for v in graph.objects(s, DCT.identifier)]
    for node in graph.objects(s, ADMS.identifier):
        ids += [str(v) for v in graph.objects(node, SKOS.notation)]
        if isinstance(node, URIRef):
            ids.append(str(node))
    return ids


def records(graph: Graph, vocab: Vocabularies, publisher: str | None = None) -> Iterator[Record]:
    """Every dcat:Dataset of the graph as a record, in IRI order (only those of `publisher`,
    an agent's IRI, when given)."""
    for s in sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str):
        if not isinstance(s, URIRef):
            continue
        if publisher and URIRef(publisher) not in set(graph.objects(s, DCT.publisher)):
            continue
        yield record(graph, s, vocab)


def record(graph: Graph, s: URIRef, vocab: Vocabularies) -> Record:
    approximated: list[dict[str, str]] = []
    data = {k: v for k, v in profile.read(graph, s, vocab).items() if v not in (None, [])}
    for prop in profile.DATASET:  # concepts the profile could not match
        if prop.kind.startswith("concept") and prop.field not in data:
            for node in graph.objects(s, prop.path[0]):
                concept = vocab.match((prop.kind.split(":", 1)[1],), str(node))
                concept = concept or vocab.match((prop.kind.split(":", 1)[1],), _label(graph, node))
                if concept is None:
                    approximated.append({"field": prop.field, "value": str(node)})
                elif prop.kind.startswith("concepts:"):
                    data.setdefault(prop.field, []).append(concept.notation)
                else:
                    data[prop.field] = concept.notation
    unmatched: list[dict[str, str]] = []
    themes = _concepts(graph, s, DCAT.theme, THEME_SCHEMES, "themes", vocab, unmatched)
    if themes:
        data["themes"] = list(dict.fromkeys(themes))
    for item in unmatched:  # kept as keywords
        approximated.append(item)
        words = data.setdefault("keywords", [])
        if item["value"] not in words and not item["value"].startswith(("http:", "https:")):
            words.append(item["value"][:100])
    modified = _first(graph, s, DCT.modified)
    if isinstance(modified, Literal):
        data["modified"] = str(modified)[:10]
    for key in ("issued", "temporal_start", "temporal_end"):
        if key in data and not isinstance(data[key], str):
            data[key] = data[key].isoformat()
    if "type" not in data:
        data["type"] = "conjunto-datos"
    distributions = [
        d
        for node in sorted(graph.objects(s, DCAT.distribution), key=str)
        if (d := _distribution(graph, node, vocab, approximated))
    ]
    if distributions:
        data["distributions"] = distributions
        # DCAT-AP puts the licence on each distribution: the resource's is the one they share
        licences = [d["license"] for d in distributions if d.get("license")]
        if licences and "license" not in data:
            data["license"] = max(set(licences), key=licences.count)
    contact = _first(graph, s, DCAT.contactPoint)
    if contact is not None:
        name = _text(graph, contact, VCARD.fn)
        email = str(_first(graph, contact, VCARD.hasEmail) or "").removeprefix("mailto:")
        if name:
            data["contact_name"] = name[:200]
        if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            data["contact_email"] = email
    page = _first(graph, s, DCAT.landingPage)
    ids = _identifiers(graph, s)
    remote = next((i for i in ids if i.startswith(("http://", "https://"))), None)
    return Record(
        remote_id=str(s),
        original_uri=remote or str(s),
        original_page=str(page) if page is not None else None,
        data=data,
        approximated=approximated,
        also_known_as=[str(s), *ids],
    )
