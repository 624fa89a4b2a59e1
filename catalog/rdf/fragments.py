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
per subject, stored once in ``shared_block`` under the hash of its content; the fragment keeps
the list of its blocks' keys. A document emits each block once (``harvest/stream.py``), so a
full dump states each node once and its N-Triples lines are its distinct triples.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import groupby
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.shared.jsonld.context import Context
from sqlalchemy.dialects import postgresql, sqlite

from .. import urls
from ..extensions import db
from ..models import ResourceFragment, SharedBlock
from .formats import jsonld_context
from .mapping import resource_to_graph
from .namespaces import PREFIXES, new_graph

_PREFIX_LINE = re.compile(r"^@prefix (\S*): <([^>]*)> \.$")
_XMLNS = re.compile(r'xmlns:(\w+)="([^"]*)"')


Triple = tuple[Any, Any, Any]


def _order(t: Triple) -> tuple[str, str, str]:
    return (t[0].n3(), t[1].n3(), t[2].n3())


def _graph(triples: Iterable[Triple]) -> Graph:
    """A graph holding `triples` in the order given (rdflib writes JSON-LD and RDF/XML in
    insertion order, so ordered input gives the same bytes in every process)."""
    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    return graph


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


@lru_cache(maxsize=1)
def _context() -> Context:
    """The published @context, parsed once (rdflib would parse it again for every call)."""
    return Context(jsonld_context())


def fragment_jsonld(g: Graph) -> str:
    """The graph's node objects, compacted with the published context, keys sorted."""
    context = _context()
    data: Any = Converter(context, True, False).convert(g)
    if isinstance(data, dict):
        data.pop("@context", None)
        nodes = data.pop(context.graph_key, None)
        data = nodes if nodes is not None else ([data] if data else [])
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


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


def render_graph(g: Iterable[Triple]) -> dict[str, str]:
    """Every serialisation of the triples `g`, the same bytes for the same triples in any
    process. JSON-LD and RDF/XML are written one subject at a time, in subject order (rdflib's
    writers visit subjects in set order, which changes from one process to the next)."""
    ordered = sorted(g, key=_order)
    whole = _graph(ordered)
    nt = fragment_nt(whole)
    subjects = [_graph(group) for _, group in groupby(ordered, key=lambda t: t[0].n3())]
    nodes = [fragment_jsonld(part)[1:-1] for part in subjects]
    return {
        "nt": nt,
        "ttl": fragment_ttl(whole, nt),
        "jsonld": "[" + ",".join(n for n in nodes if n) + "]",
        "rdfxml": "".join(fragment_rdfxml(part) for part in subjects),
    }


FORMATS = ("nt", "ttl", "jsonld", "rdfxml")


def owned_prefixes(resource) -> tuple[str, ...]:
    """IRIs of the nodes only this resource describes: itself, its distributions and their
    ``#…`` nodes."""
    own = [urls.resource_uri(resource.slug)]
    own += [urls.distribution_uri(d.uuid) for d in resource.distributions if d.uuid]
    return tuple(own)


def split_graph(
    g: Iterable[Triple], owned: tuple[str, ...]
) -> tuple[list[Triple], dict[URIRef, list[Triple]]]:
    """(own triples, {shared subject: its triples})."""
    own: list[Triple] = []
    shared: dict[URIRef, list[Triple]] = {}
    exact = set(owned)
    hashed = tuple(o + "#" for o in owned)
    for triple in g:
        subject = triple[0]
        if isinstance(subject, BNode) or str(subject) in exact or str(subject).startswith(hashed):
            own.append(triple)
        else:
            shared.setdefault(subject, []).append(triple)
    return own, shared


# a shared node's rendering depends only on its triples: each block is keyed by the hash of
# its N-Triples text (content-addressed, so a stored block never changes) and rendered once
# per process (the in-process cache is keyed by the triples themselves)
_BLOCKS: dict[frozenset, tuple[str, dict[str, str]]] = {}
_BLOCKS_MAX = 5000


def render_block(triples: Iterable[Triple]) -> tuple[str, dict[str, str]]:
    """(key, text per format) of one shared subject's triples (JSON-LD: the node object)."""
    found = frozenset(triples)
    cached = _BLOCKS.get(found)
    if cached is None:
        if len(_BLOCKS) >= _BLOCKS_MAX:
            _BLOCKS.clear()
        texts = render_graph(found)
        texts["jsonld"] = texts["jsonld"][1:-1]
        key = hashlib.sha256(texts["nt"].encode()).hexdigest()[:32]
        cached = _BLOCKS[found] = (key, texts)
    return cached


def render_split(
    g: Iterable[Triple], owned: tuple[str, ...]
) -> tuple[dict[str, str], list[tuple[str, dict[str, str]]]]:
    """(own part per format, the shared blocks as (key, text per format), by subject)."""
    own, shared = split_graph(g, owned)
    return render_graph(own), [render_block(shared[subject]) for subject in sorted(shared)]


def store_blocks(blocks: list[tuple[str, dict[str, str]]]) -> None:
    """Insert the blocks not stored yet (two writers inserting the same block is harmless)."""
    if not blocks:
        return
    keys = [key for key, _ in blocks]
    stored = set(
        db.session.execute(db.select(SharedBlock.key).where(SharedBlock.key.in_(keys))).scalars()
    )
    missing = {key: texts for key, texts in blocks if key not in stored}
    if not missing:
        return
    values = [{"key": key, **texts} for key, texts in missing.items()]
    dialect: Any = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    insert = dialect.insert
    db.session.execute(
        insert(SharedBlock).values(values).on_conflict_do_nothing(index_elements=["key"])
    )


def render_fragments(resource) -> ResourceFragment:
    """Render and store the resource's DCAT fragments and shared blocks (flushes to get an id
    if needed); `catalog.publishing` adds the other outputs' parts to the same row."""
    if resource.id is None:
        db.session.flush()
    rendered, blocks = render_split(
        resource_to_graph(resource, new_graph()), owned_prefixes(resource)
    )
    store_blocks(blocks)
    row = db.session.get(ResourceFragment, resource.id)
    if row is None:
        row = ResourceFragment(resource_id=resource.id)
        db.session.add(row)
    for key, value in rendered.items():
        setattr(row, key, value)
    row.shared_keys = json.dumps([key for key, _ in blocks])
    return row


def render_header(g: Graph, fmt: str) -> str:
    """A small graph (catalog node, paging view) as a fragment of the document's format."""
    if fmt == "nt":
        return fragment_nt(g)
    if fmt == "ttl":
        return fragment_ttl(g, fragment_nt(g))
    if fmt == "rdf":
        return fragment_rdfxml(g)
    return fragment_jsonld(g)


def render_header_split(
    g: Graph, fmt: str, owned: tuple[str, ...]
) -> tuple[str, list[tuple[str, str]]]:
    """(own text, shared blocks as (key, text)) of a header graph: its shared nodes (agents,
    concepts, places) are the same blocks the resources carry, stated once per document."""
    own, blocks = render_split(g, owned)
    return own[_COLUMN[fmt]], [(key, texts[_COLUMN[fmt]]) for key, texts in blocks]


_COLUMN = {"nt": "nt", "ttl": "ttl", "jsonld": "jsonld", "rdf": "rdfxml"}
