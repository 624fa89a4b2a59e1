"""Catalog documents built by concatenating stored fragments (see DESIGN.md, performance).

A document = a header (prefixes, the catalog node and paging view, rendered by rdflib — small)
+ each resource's stored fragment + dcat:dataset links + a footer. Memory stays flat: rows are
read in keyset batches and yielded as they come.

Each fragment's shared blocks (concepts, agents, places…) are emitted the first time the
document meets them and skipped afterwards, so every node is stated once. N-Triples is
de-duplicated line by line (a node reached by two paths may have two blocks that overlap), so
its lines are exactly its distinct triples; the memory this takes is the set of distinct shared
lines or blocks, bounded by the vocabularies and publishers, not by the number of resources.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice

from .. import urls
from ..extensions import db
from ..models import PUBLISHED, Resource, ResourceFragment, SharedBlock
from ..rdf.formats import jsonld_context
from ..rdf.namespaces import PREFIXES

BATCH = 500
DCAT_DATASET = "http://www.w3.org/ns/dcat#dataset"
COLUMN = {"nt": "nt", "ttl": "ttl", "jsonld": "jsonld", "rdf": "rdfxml"}


def select_rows(conditions: list, after: int, limit: int | None, fmt: str):
    """(id, slug, own fragment text, its shared blocks' keys as JSON) of published resources
    with id > after, by id."""
    column = getattr(ResourceFragment, COLUMN[fmt])
    stmt = (
        db.select(Resource.id, Resource.slug, column, ResourceFragment.shared_keys)
        .join(ResourceFragment, ResourceFragment.resource_id == Resource.id)
        .where(Resource.status == PUBLISHED, Resource.id > after, *conditions)
        .order_by(Resource.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return stmt


def iter_rows(conditions: list, after: int, limit: int | None, fmt: str) -> Iterator[tuple]:
    """Rows in keyset batches of BATCH: never the whole catalog in memory."""
    remaining = limit
    while remaining is None or remaining > 0:
        size = BATCH if remaining is None else min(BATCH, remaining)
        rows = db.session.execute(select_rows(conditions, after, size, fmt)).all()
        if not rows:
            return
        yield from rows
        after = rows[-1][0]
        if remaining is not None:
            remaining -= len(rows)
        if len(rows) < size:
            return


def _prefix_header() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"


def _xml_root_open() -> str:
    spaces = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
    spaces.update({p: str(ns) for p, ns in PREFIXES.items()})
    names = " ".join(f'xmlns:{p}="{ns}"' for p, ns in spaces.items())
    return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF {names}>\n'


def _dataset_link(fmt: str, slug: str) -> str:
    catalog, uri = urls.catalog_uri(), urls.resource_uri(slug)
    if fmt in ("nt", "ttl"):
        return f"<{catalog}> <{DCAT_DATASET}> <{uri}> .\n"
    if fmt == "rdf":
        return (
            f'<rdf:Description rdf:about="{_xml_attr(catalog)}">'
            f'<dcat:dataset rdf:resource="{_xml_attr(uri)}"/></rdf:Description>\n'
        )
    return json.dumps({"@id": catalog, DCAT_DATASET: [{"@id": uri}]})


def _xml_attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


# block texts by (key, format): content-addressed, so never stale; bounded
_TEXTS: dict[tuple[str, str], str] = {}
_TEXTS_MAX = 50_000


def block_texts(keys: Iterable[str], fmt: str) -> dict[str, str]:
    """The stored text of each block in the document's format (one query for those not in
    the process's cache)."""
    column = COLUMN[fmt]
    wanted = set(keys)
    found = {k: _TEXTS[(k, column)] for k in wanted if (k, column) in _TEXTS}
    missing = sorted(wanted - found.keys())
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        rows = db.session.execute(
            db.select(SharedBlock.key, getattr(SharedBlock, column)).where(
                SharedBlock.key.in_(chunk)
            )
        ).all()
        if len(_TEXTS) + len(rows) > _TEXTS_MAX:
            _TEXTS.clear()
        for key, text in rows:
            _TEXTS[(key, column)] = found[key] = text
    return found


class _Once:
    """Which shared blocks (and, for N-Triples, lines) a document has already stated."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.by_line = fmt == "nt"
        self.keys: set[str] = set()
        self.lines_seen: set[str] = set()

    def lines(self, text: str) -> str:
        """N-Triples: only lines not stated before (blocks of one subject reached by two
        paths may overlap)."""
        out = []
        for line in text.splitlines(keepends=True):
            if line not in self.lines_seen:
                self.lines_seen.add(line)
                out.append(line)
        return "".join(out)

    def emit(self, text: str) -> str:
        return self.lines(text) if self.by_line else text

    def given(self, blocks: list[tuple[str, str]]) -> list[str]:
        """Blocks that come with their text (the header's)."""
        fresh = []
        for key, text in blocks:
            if key not in self.keys:
                self.keys.add(key)
                fresh.append(self.emit(text))
        return [text for text in fresh if text]

    def rows(self, rows: Iterable[tuple], size: int = 200) -> Iterator[tuple[str, str, list[str]]]:
        """(slug, own text, new shared block texts) per row; the texts of blocks not met yet
        are fetched once per chunk of rows."""
        iterator = iter(rows)
        while chunk := list(islice(iterator, size)):
            keyed = [(slug, text, json.loads(keys or "[]")) for _, slug, text, keys in chunk]
            unseen = {k for _, _, keys in keyed for k in keys if k not in self.keys}
            texts = block_texts(unseen, self.fmt) if unseen else {}
            for slug, text, keys in keyed:
                fresh = []
                for key in keys:
                    if key not in self.keys and key in texts:
                        self.keys.add(key)
                        block = self.emit(texts[key])
                        if block:
                            fresh.append(block)
                yield slug, text, fresh


Header = Sequence[str | tuple[str, list[tuple[str, str]]]]


def document(fmt: str, header: Header, rows: Iterable[tuple]) -> Iterator[str]:
    """Yield the document: header fragments, each resource fragment (its own triples, then
    the shared blocks not yet stated), each dcat:dataset link."""
    given = header
    once = _Once(fmt)
    parts: list[str] = []
    for part in given:  # a header part is its text, or (own text, shared blocks)
        own, header_blocks = part if isinstance(part, tuple) else (part, [])
        parts.append(once.emit(own))
        for block in once.given(header_blocks):
            parts.append(f"[{block}]" if fmt == "jsonld" else block)
    if fmt == "nt":
        yield from parts
        for slug, text, blocks in once.rows(rows):
            yield text
            yield from blocks
            yield _dataset_link(fmt, slug)
    elif fmt == "ttl":
        yield _prefix_header()
        for part in parts:
            yield part + "\n"
        for slug, text, blocks in once.rows(rows):
            yield "\n" + text
            for block in blocks:
                yield "\n" + block
            yield _dataset_link(fmt, slug)
    elif fmt == "rdf":
        yield _xml_root_open()
        yield from parts
        for slug, text, blocks in once.rows(rows):
            yield text
            yield from blocks
            yield _dataset_link(fmt, slug)
        yield "</rdf:RDF>\n"
    else:
        context = json.dumps({"@context": jsonld_context()}, ensure_ascii=False)
        yield context[:-1] + ',"@graph":['
        first = True
        for part in parts:
            nodes = part[1:-1]
            if nodes:
                yield ("" if first else ",") + nodes
                first = False
        for slug, text, blocks in once.rows(rows):
            for inner in [text[1:-1], *blocks]:
                if inner:
                    yield ("" if first else ",") + inner
                    first = False
            yield ("" if first else ",") + _dataset_link(fmt, slug)
            first = False
        yield "]}\n"


def stamp(conditions: list, key: str = "") -> tuple[int, datetime | None, int]:
    """(published count, newest change of any resource, highest id): identifies the catalog's
    state for ETag/Last-Modified (withdrawals change the count and the newest change).

    Every write stamps its resource's updated_at, so the newest change (an index lookup) names
    the catalog's state; counts are remembered per state and filter set (`key`)."""
    newest = db.session.execute(db.select(db.func.max(Resource.updated_at))).scalar_one()
    cache_key = (db.engine.url.render_as_string(), key, newest)
    cached = _counts.get(cache_key)
    if cached is None:
        count, top = db.session.execute(
            db.select(db.func.count(Resource.id), db.func.max(Resource.id)).where(
                Resource.status == PUBLISHED, *conditions
            )
        ).one()
        cached = (count, top or 0)
        if len(_counts) > 256:
            _counts.clear()
        _counts[cache_key] = cached
    return cached[0], newest, cached[1]


_counts: dict[tuple, tuple[int, int]] = {}
