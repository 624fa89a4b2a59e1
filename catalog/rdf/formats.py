"""RDF serialisation formats, content negotiation and the one RDF response helper."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import Request, Response, current_app, g
from rdflib import Graph

# extension → (rdflib format, media type)
FORMATS: dict[str, tuple[str, str]] = {
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
    "jsonld": ("json-ld", "application/ld+json"),
    "nt": ("nt", "application/n-triples"),
}
MEDIA_TYPES = {media: ext for ext, (_, media) in FORMATS.items()}
# other names clients use for the same formats
MEDIA_TYPES.update(
    {"application/x-turtle": "ttl", "text/n3": "ttl", "application/xml": "rdf", "text/plain": "nt"}
)
RDF_ACCEPT = [media for _, media in FORMATS.values()]


def negotiate(request: Request) -> str | None:
    """The RDF extension the client prefers over HTML, or None to serve HTML.

    Whatever it answers, the response now depends on `Accept`: the header hook adds
    `Vary: Accept` to it (redirects included), so a cache never serves Turtle to a browser."""
    g.negotiated = True
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", *RDF_ACCEPT, "application/xml"])
    if best is None or best == "text/html":
        return None
    if accept.quality(best) <= accept.quality("text/html"):
        return None
    return MEDIA_TYPES.get(best)


def asks_for_html(request: Request) -> bool:
    """True when the client names text/html itself and likes it at least as much as RDF
    (a browser), as opposed to sending nothing or */* (a harvester's default)."""
    accept = request.accept_mimetypes
    named = max((q for value, q in accept if value.lower() == "text/html"), default=0)
    return named > 0 and negotiate(request) is None


@lru_cache(maxsize=1)
def _context_file() -> dict:
    path = Path(current_app.config["CATALOG_VOCAB_DIR"]) / "context.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))


def jsonld_context() -> dict:
    """The @context object published in vocab/context.jsonld."""
    return _context_file()["@context"]


def serialize(graph: Graph, ext: str) -> str:
    rdflib_format, _ = FORMATS[ext]
    if ext == "jsonld":
        return graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
    return graph.serialize(format=rdflib_format)


def rdf_response(graph: Graph, ext: str, status: int = 200) -> Response:
    """Serialise a graph in the requested format with the right media type."""
    _, media_type = FORMATS[ext]
    body = serialize(graph, ext)
    response = Response(body, status=status, content_type=f"{media_type}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response
