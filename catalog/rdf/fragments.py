"""Each resource's DCAT, rendered once per change into stored fragments (see DESIGN.md).

A fragment is the resource's complete description (its own triples and the shared nodes it
points at) in every serialisation, shaped so documents can be built by concatenation:

- ``nt``: sorted N-Triples lines;
- ``ttl``: Turtle statements relying only on the shared prefixes (``PREFIXES``);
- ``jsonld``: a JSON array of node objects compacted with the published context;
- ``rdfxml``: top-level ``rdf:Description`` elements, each declaring any namespace beyond the
  shared ones, to be placed inside an ``rdf:RDF`` element that declares ``PREFIXES``.

A fragment has two parts. Its own part holds the triples about nodes only this resource
describes (the resource, its distributions, its ``#…`` nodes and blank nodes). The shared part
holds every other node it points at (concepts, schemes, agents, places, media types), one block
per subject, stored as a JSON list per serialisation. A document emits each shared block once
(``harvest/stream.py``), so a full dump states each node once and its N-Triples lines are its
distinct triples.
"""

from __future__ import annotations

import json
import re

from rdflib import BNode, Graph, URIRef

from .. import urls
from ..extensions import db
from ..models import ResourceFragment
from ..models.types import utcnow
from .formats import jsonld_context
from .mapping import resource_to_graph
from .namespaces import PREFIXES, new_graph

_PREFIX_LINE = re.compile(r"^@prefix (\S*): <([^>]*)> \.$")
_XMLNS = re.compile(r'xmlns:(\w+)="([^"]*)"')


def fragment_nt(g: Graph) -> str:
    lines = sorted(line for line in g.serialize(format="nt").splitlines() if line.strip())
    return "\n".join(lines) + "\n" if lines else ""


def fragment_ttl(g: Graph, nt: str) -> str:
    text = g.serialize(format="turtle")
    body = []
    for line in text.splitlines():
        match = _PREFIX_LINE.match(line)
        if match:
            prefix, iri = match.groups()
            if str(PREFIXES.get(prefix)) != iri:
                return nt  # an unshared prefix: N-Triples is valid Turtle too
            continue
        body.append(line)
    return "\n".join(body).strip() + "\n"


def fragment_jsonld(g: Graph) -> str:
    data = json.loads(g.serialize(format="json-ld", context=jsonld_context(), auto_compact=True))
    data.pop("@context", None)
    nodes = data.pop("@graph", None)
    if nodes is None:
        nodes = [data] if data else []
    return json.dumps(nodes, ensure_ascii=False, separators=(",", ":"))


def fragment_rdfxml(g: Graph) -> str:
    text = g.serialize(format="xml")
    start = text.index("<rdf:RDF")
    open_end = text.index(">", start)
    root = text[start:open_end]
    extra = " ".join(
        f'xmlns:{prefix}="{iri}"'
        for prefix, iri in _XMLNS.findall(root)
        if str(PREFIXES.get(prefix)) != iri
    )
    body = text[open_end + 1 : text.rindex("</rdf:RDF>")]
    if extra:
        body = re.sub(r"^  <(\S+)", lambda m: f"  <{m.group(1)} {extra}", body, flags=re.M)
    return body.strip("\n") + "\n"


def render_graph(g: Graph) -> dict[str, str]:
    nt = fragment_nt(g)
    return {
        "nt": nt,
        "ttl": fragment_ttl(g, nt),
        "jsonld": fragment_jsonld(g),
        "rdfxml": fragment_rdfxml(g),
    }


FORMATS = ("nt", "ttl", "jsonld", "rdfxml")


def owned_prefixes(resource) -> tuple[str, ...]:
    """IRIs of the nodes only this resource describes: itself, its distributions and their
    ``#…`` nodes."""
    own = [urls.resource_uri(resource.slug)]
    own += [urls.distribution_uri(d.uuid) for d in resource.distributions if d.uuid]
    return tuple(own)


def split_graph(g: Graph, owned: tuple[str, ...]) -> tuple[Graph, dict[URIRef, Graph]]:
    """(own triples, {shared subject: its triples})."""
    own = new_graph()
    shared: dict[URIRef, Graph] = {}
    exact = set(owned)
    hashed = tuple(o + "#" for o in owned)
    for triple in g:
        subject = triple[0]
        if isinstance(subject, BNode) or str(subject) in exact or str(subject).startswith(hashed):
            own.add(triple)
        else:
            block = shared.get(subject)  # type: ignore[call-overload]
            if block is None:
                block = shared[subject] = new_graph()  # type: ignore[index]
            block.add(triple)
    return own, shared


# a shared node's rendering depends only on its triples (its N-Triples text): render each once
_BLOCKS: dict[str, dict[str, str]] = {}
_BLOCKS_MAX = 5000


def render_block(g: Graph) -> dict[str, str]:
    nt = fragment_nt(g)
    cached = _BLOCKS.get(nt)
    if cached is None:
        if len(_BLOCKS) >= _BLOCKS_MAX:
            _BLOCKS.clear()
        cached = _BLOCKS[nt] = render_graph(g)
    return cached


def render_split(g: Graph, owned: tuple[str, ...]) -> dict[str, str]:
    """Own part per format, and ``shared_<format>``: the JSON list of shared blocks (JSON-LD
    blocks are node objects without the surrounding array)."""
    own, shared = split_graph(g, owned)
    rendered = render_graph(own)
    blocks = [render_block(shared[subject]) for subject in sorted(shared)]
    for fmt in FORMATS:
        texts = [b[fmt][1:-1] if fmt == "jsonld" else b[fmt] for b in blocks]
        rendered[f"shared_{fmt}"] = json.dumps(texts, ensure_ascii=False, separators=(",", ":"))
    return rendered


def render_fragments(resource) -> ResourceFragment:
    """Render and store the resource's fragments (flushes to get an id if needed)."""
    if resource.id is None:
        db.session.flush()
    rendered = render_split(resource_to_graph(resource, new_graph()), owned_prefixes(resource))
    row = db.session.get(ResourceFragment, resource.id)
    if row is None:
        row = ResourceFragment(resource_id=resource.id)
        db.session.add(row)
    for key, value in rendered.items():
        setattr(row, key, value)
    from ..harvest.datajson import dataset_object

    row.datajson = json.dumps(dataset_object(resource), ensure_ascii=False, separators=(",", ":"))
    from ..feeds.build import plain_summary

    row.summary = plain_summary(resource.description or "")
    row.rendered_at = utcnow()
    return row
