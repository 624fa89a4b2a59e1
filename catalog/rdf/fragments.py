"""Each resource's DCAT, rendered once per change into stored fragments (see DESIGN.md).

A fragment is the resource's complete description (its own triples and the shared nodes it
points at) in every serialisation, shaped so documents can be built by concatenation:

- ``nt``: sorted N-Triples lines;
- ``ttl``: Turtle statements relying only on the shared prefixes (``PREFIXES``);
- ``jsonld``: a JSON array of node objects compacted with the published context;
- ``rdfxml``: top-level ``rdf:Description`` elements, each declaring any namespace beyond the
  shared ones, to be placed inside an ``rdf:RDF`` element that declares ``PREFIXES``.

Repeated shared nodes across fragments are harmless: RDF graphs are sets of triples.
"""

from __future__ import annotations

import json
import re

from rdflib import Graph

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


def render_fragments(resource) -> ResourceFragment:
    """Render and store the resource's fragments (flushes to get an id if needed)."""
    if resource.id is None:
        db.session.flush()
    rendered = render_graph(resource_to_graph(resource, new_graph()))
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
