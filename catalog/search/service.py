"""The search service: parameters → matching published resources, facets, snippets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import func, literal_column, select, table, text
from sqlalchemy.orm import selectinload

from ..errors import BadRequest
from ..extensions import db
from ..i18n import N_
from ..markdown import markdown_to_text
from ..models import PUBLISHED, Distribution, Publisher, Resource, ResourceTheme
from ..text import fold
from . import cache, entries, words
from .facets import concept_label, facet_items, filter_tests, tally

PAGE_SIZE = 20
MAX_QUERY = 200
MAX_PAGE = 500
SORTS = {"relevancia", "fecha", "titulo"}
FACET_PARAMS = ("entidad", "tipo", "categoria", "politica", "formato", "anio", "licencia")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class SearchParams:
    q: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "relevancia"
    page: int = 1

    @classmethod
    def parse(cls, args) -> SearchParams:
        q = " ".join((args.get("q") or "").split())
        if len(q) > MAX_QUERY:
            raise BadRequest(
                N_("La búsqueda es demasiado larga (máximo %(max)s caracteres).", max=MAX_QUERY)
            )
        sort = args.get("orden") or ("relevancia" if q else "fecha")
        if sort not in SORTS:
            raise BadRequest(N_("Orden desconocido: use relevancia, fecha o titulo."))
        try:
            page = int(args.get("pagina") or 1)
        except ValueError:
            raise BadRequest(N_("La página debe ser un número.")) from None
        if page < 1:
            raise BadRequest(N_("La página debe ser 1 o mayor."))
        filters = {k: args[k].strip() for k in FACET_PARAMS if (args.get(k) or "").strip()}
        if "anio" in filters and not filters["anio"].isdigit():
            raise BadRequest(N_("El año debe ser un número, por ejemplo 2024."))
        return cls(q=q, filters=filters, sort=sort, page=page)

    @property
    def terms(self) -> list[str]:
        """Folded words of the query; punctuation, quotes and operators are dropped."""
        return [w for w in _WORD.findall(fold(self.q)) if w][:20]

    def url_args(self, **change: Any) -> dict[str, str]:
        args: dict[str, str] = {}
        if self.q:
            args["q"] = self.q
        args.update(self.filters)
        if self.sort != ("relevancia" if self.q else "fecha"):
            args["orden"] = self.sort
        for key, value in change.items():
            if value is None:
                args.pop(key, None)
            else:
                args[key] = str(value)
        if "pagina" not in change:
            args.pop("pagina", None)
        return args


@dataclass
class Hit:
    resource: Resource
    snippet: Markup


@dataclass
class SearchResult:
    params: SearchParams
    hits: list[Hit]
    total: int
    facets: dict[str, list[dict[str, Any]]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _match_ids(terms: list[str]):
    """A subquery of (resource_id, rank) for the query terms; lower rank = better.

    Terms are bare words (no quotes or operators survive SearchParams.terms), so the engine's
    query syntax never sees user punctuation."""
    if db.engine.dialect.name == "sqlite":
        # Run the MATCH once into a per-connection temporary table: used as a subquery, SQLite
        # re-runs the full-text query inside every facet count.
        expression = " ".join(f'"{t}"*' for t in terms)
        db.session.execute(
            text(
                "CREATE TEMP TABLE IF NOT EXISTS search_hits "
                "(resource_id INTEGER PRIMARY KEY, rank REAL)"
            )
        )
        db.session.execute(text("DELETE FROM temp.search_hits"))
        db.session.execute(
            text(
                "INSERT INTO temp.search_hits SELECT rowid, bm25(resource_fts, 5.0, 1.0) "
                "FROM resource_fts WHERE resource_fts MATCH :expr"
            ),
            {"expr": expression},
        )
        return (
            select(
                literal_column("search_hits.resource_id").label("resource_id"),
                literal_column("search_hits.rank").label("rank"),
            )
            .select_from(table("search_hits"))
            .subquery("m")
        )
    query = func.to_tsquery(literal_column("'spanish'"), " & ".join(f"{t}:*" for t in terms))
    tsv: Any = literal_column("resource_search.tsv")
    return (
        select(
            literal_column("resource_search.resource_id").label("resource_id"),
            (-func.ts_rank_cd(tsv, query)).label("rank"),
        )
        .select_from(table("resource_search"))
        .where(tsv.op("@@")(query))
        .subquery("m")
    )


def resolve_filters(params: SearchParams, vocab) -> dict[str, Any]:
    """The applied filters' values, resolved: entidad → the entity's publisher ids (with its
    units), categoria/politica → concept URIs (a MIPG dimension includes its policies),
    anio → an int; unknown entities and themes are refused."""
    resolved: dict[str, Any] = {}
    for key, value in params.filters.items():
        if key == "entidad":
            publisher = Publisher.by_slug(value)
            if publisher is None:
                raise BadRequest(N_("Entidad desconocida."))
            resolved[key] = publisher.family_ids
        elif key in ("categoria", "politica"):
            scheme = "datos-gov-co" if key == "categoria" else "mipg"
            concept = vocab[scheme].get(value) if scheme in vocab else None
            if concept is None:
                raise BadRequest(N_("Tema desconocido."))
            uris = [concept.uri]
            if scheme == "mipg":  # a dimension includes its policies
                uris += [c.uri for c in vocab[scheme].concepts if c.broader == concept.uri]
            resolved[key] = uris
        elif key == "anio":
            resolved[key] = int(value)
        else:
            resolved[key] = value
    return resolved


def _conditions(params: SearchParams, vocab) -> list:
    """The filters as SQL conditions on Resource (the search feeds use them)."""
    out: list = [Resource.status == PUBLISHED]
    for key, value in resolve_filters(params, vocab).items():
        if key == "entidad":
            out.append(Resource.publisher_id.in_(value))
        elif key == "tipo":
            out.append(Resource.type == value)
        elif key in ("categoria", "politica"):
            out.append(
                Resource.id.in_(
                    select(ResourceTheme.resource_id).where(ResourceTheme.concept_uri.in_(value))
                )
            )
        elif key == "formato":
            out.append(
                Resource.id.in_(
                    select(Distribution.resource_id).where(Distribution.format == value)
                )
            )
        elif key == "anio":
            out.append(Resource.issued >= date(value, 1, 1))
            out.append(Resource.issued < date(value + 1, 1, 1))
        elif key == "licencia":
            out.append(Resource.license == value)
    return out


def search(params: SearchParams) -> SearchResult:
    """One page of matching published resources, the total and every facet's counts.

    Counts come from one GROUP BY over the matching search entries (catalog.search.entries);
    each facet is counted with the other filters applied. Outcomes are remembered per catalog
    state (catalog.search.cache); resources, snippets and labels are read on every request."""
    vocab = current_app.extensions["vocab"]
    resolved = resolve_filters(params, vocab)
    terms = params.terms
    key = (
        cache.catalog_state(),
        tuple(terms),
        params.sort,
        params.page,
        tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in resolved.items()),
    )
    outcome = cache.remembered(key, lambda: _outcome(params, terms, resolved))
    by_id: dict[int, Resource] = {}
    if outcome.ids:
        by_id = {
            r.id: r
            for r in db.session.execute(
                select(Resource)
                .where(Resource.id.in_(outcome.ids))
                .options(
                    selectinload(Resource.publisher).selectinload(Publisher.parent),
                    selectinload(Resource.distributions),
                )
            ).scalars()
        }
    resources = [by_id[i] for i in outcome.ids if i in by_id]
    hits = [Hit(r, snippet(r, terms)) for r in resources]
    return SearchResult(params, hits, outcome.total, facet_items(outcome.counts, vocab))


def _outcome(params: SearchParams, terms: list[str], resolved: dict[str, Any]) -> cache.Outcome:
    """Total, facet counts and the page's ids: one match, one GROUP BY, one page query."""
    tests = filter_tests(resolved)
    ranked = bool(terms) and params.sort == "relevancia"
    source = entries.matching(terms, ranked)
    counted = tally(entries.groups(source), tests)
    offset = (params.page - 1) * PAGE_SIZE
    ids: list[int] = []
    if offset < counted.total:
        narrow = bool(tests) and len(counted.selected) <= len(counted.rejected)
        ids = entries.page_ids(
            source,
            params.sort,
            ranked=ranked,
            only=counted.selected if narrow else None,
            excluding=counted.rejected if tests and not narrow else None,
            offset=offset,
            limit=PAGE_SIZE,
        )
    return cache.Outcome(counted.total, counted.counts, tuple(ids))


class _CharFolds(dict[int, str]):
    """Each character's fold, one character long (learnt once per character, for translate)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = self[code] = (fold(char) or char)[:1] if char.strip() else char
        return folded


_CHAR_FOLDS = _CharFolds()


def _char_fold(value: str) -> str:
    """Fold character by character, keeping positions (for highlighting original text)."""
    return value.translate(_CHAR_FOLDS)


def snippet(resource: Resource, terms: list[str], width: int = 220) -> Markup:
    """A piece of the description around the first match, matches wrapped in <mark>."""
    plain = markdown_to_text(resource.description) or resource.title
    folded = _char_fold(plain)
    start = 0
    positions = [folded.find(t) for t in terms if folded.find(t) >= 0]
    if positions:
        start = max(0, min(positions) - width // 3)
    piece, folded_piece = plain[start : start + width], folded[start : start + width]
    marks: list[tuple[int, int]] = []
    for term in terms:
        for found in re.finditer(re.escape(term), folded_piece):
            marks.append((found.start(), found.end()))
    marks.sort()
    out, cursor = [], 0
    for begin, end in marks:
        if begin < cursor:
            continue
        out.append(escape(piece[cursor:begin]))
        out.append(Markup("<mark>") + escape(piece[begin:end]) + Markup("</mark>"))
        cursor = end
    out.append(escape(piece[cursor:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(plain) else ""
    return Markup(prefix) + Markup("").join(out) + Markup(suffix)


def conditions_for(params: SearchParams) -> list:
    """The same selection as the search page, as SQL conditions (the search feeds use it)."""
    vocab = current_app.extensions["vocab"]
    conditions = _conditions(params, vocab)
    if params.terms:
        match = _match_ids(params.terms)
        conditions.append(Resource.id.in_(select(match.c.resource_id)))
    return conditions


def describe(params: SearchParams) -> list[str]:
    """Human words for what a search follows (feed titles)."""
    vocab = current_app.extensions["vocab"]
    words = [f"«{params.q}»"] if params.q else []
    for key, value in params.filters.items():
        if key == "tipo" and vocab["resource-types"].get(value):
            concept = vocab["resource-types"].get(value)
            words.append(str(concept.prop("pluralLabel") or concept.label("es")))
        elif key == "entidad":
            name = db.session.execute(
                select(Publisher.name).where(Publisher.slug == value)
            ).scalar_one_or_none()
            words.append(name or value)
        elif key in ("categoria", "politica"):
            scheme = "datos-gov-co" if key == "categoria" else "mipg"
            words.append(concept_label(vocab, scheme, value))
        elif key == "formato":
            words.append(f"formato {concept_label(vocab, 'file-types', value)}")
        elif key == "licencia":
            words.append(concept_label(vocab, "licences", value))
        else:
            words.append(f"año {value}")
    return words


SUGGEST_WORDS = 4  # unknown words looked up for one suggestion
SUGGEST_TRIALS = 6  # searches tried at most before giving up


def suggest(params: SearchParams) -> str | None:
    """For a search that found nothing: the query with each word the catalog does not know
    replaced by its closest word ("getsion" → "gestión"), if that query finds something."""
    written = _WORD.findall(params.q)
    unknown = [
        i for i, w in enumerate(written) if len(w) >= words.MIN_LENGTH and not words.known(fold(w))
    ][:SUGGEST_WORDS]
    options = {i: found for i in unknown if (found := words.closest(fold(written[i])))}
    if not options:
        return None
    budget = [SUGGEST_TRIALS]  # a query of junk words costs a bounded number of searches

    def finds(trial: list[str]) -> bool:
        if budget[0] <= 0:
            return False
        budget[0] -= 1
        attempt = SearchParams(q=" ".join(trial), filters=params.filters, sort=params.sort)
        return search(attempt).total > 0

    # every unknown word replaced by its closest word; else one word at a time
    best = [options[i][0] if i in options else w for i, w in enumerate(written)]
    if finds(best):
        return " ".join(best)
    for i, found in options.items():
        for candidate in found[1:] if len(options) == 1 else found:
            trial = written[:i] + [candidate] + written[i + 1 :]
            if finds(trial):
                return " ".join(trial)
    return None
