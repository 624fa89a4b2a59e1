"""The search service: parameters → matching published resources, facets, snippets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import func, literal_column, select, table, text

from ..errors import BadRequest
from ..extensions import db
from ..i18n import N_
from ..markdown import markdown_to_text
from ..models import PUBLISHED, Distribution, Publisher, Resource, ResourceTheme
from ..text import fold

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


def _conditions(params: SearchParams, vocab, skip: str | None = None) -> list:
    out: list = [Resource.status == PUBLISHED]
    for key, value in params.filters.items():
        if key == skip:
            continue
        if key == "entidad":
            publisher = db.session.execute(
                select(Publisher).where(Publisher.slug == value)
            ).scalar_one_or_none()
            if publisher is None:
                raise BadRequest(N_("Entidad desconocida."))
            ids = publisher.family_ids
            out.append(Resource.publisher_id.in_(ids))
        elif key == "tipo":
            out.append(Resource.type == value)
        elif key in ("categoria", "politica"):
            scheme = "datos-gov-co" if key == "categoria" else "mipg"
            concept = vocab[scheme].get(value) if scheme in vocab else None
            if concept is None:
                raise BadRequest(N_("Tema desconocido."))
            uris = [concept.uri]
            if scheme == "mipg":  # a dimension includes its policies
                uris += [c.uri for c in vocab[scheme].concepts if c.broader == concept.uri]
            out.append(
                Resource.id.in_(
                    select(ResourceTheme.resource_id).where(ResourceTheme.concept_uri.in_(uris))
                )
            )
        elif key == "formato":
            out.append(
                Resource.id.in_(
                    select(Distribution.resource_id).where(Distribution.format == value)
                )
            )
        elif key == "anio":
            year = int(value)
            out.append(Resource.issued >= date(year, 1, 1))
            out.append(Resource.issued < date(year + 1, 1, 1))
        elif key == "licencia":
            out.append(Resource.license == value)
    return out


def search(params: SearchParams) -> SearchResult:
    vocab = current_app.extensions["vocab"]
    terms = params.terms
    match = _match_ids(terms) if terms else None
    base = select(Resource.id).where(*_conditions(params, vocab))
    if match is not None:
        base = base.join(match, match.c.resource_id == Resource.id)
    total = db.session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    stmt = select(Resource).where(*_conditions(params, vocab))
    if match is not None:
        stmt = stmt.join(match, match.c.resource_id == Resource.id)
    if params.sort == "titulo":
        stmt = stmt.order_by(Resource.title, Resource.id)
    elif params.sort == "relevancia" and match is not None:
        stmt = stmt.order_by(match.c.rank, Resource.updated_at.desc(), Resource.id.desc())
    else:
        stmt = stmt.order_by(
            func.coalesce(Resource.modified, Resource.issued).desc(),
            Resource.updated_at.desc(),
            Resource.id.desc(),
        )
    offset = (params.page - 1) * PAGE_SIZE
    rows: list[Any] = []
    if offset < total:
        from sqlalchemy.orm import selectinload

        rows = list(
            db.session.execute(
                stmt.offset(offset)
                .limit(PAGE_SIZE)
                .options(
                    selectinload(Resource.publisher).selectinload(Publisher.parent),
                    selectinload(Resource.distributions),
                )
            )
            .scalars()
            .all()
        )
    hits = [Hit(r, snippet(r, terms)) for r in rows]
    return SearchResult(params, hits, total, facets(params, match, vocab))


def facets(params: SearchParams, match, vocab) -> dict[str, list[dict[str, Any]]]:
    """Counts per facet value, each computed with the other filters applied."""
    out: dict[str, list[dict[str, Any]]] = {}
    rows: Any

    def ids(skip: str):
        stmt = select(Resource.id).where(*_conditions(params, vocab, skip=skip))
        if match is not None:
            stmt = stmt.join(match, match.c.resource_id == Resource.id)
        return stmt

    rows = db.session.execute(
        select(Publisher.slug, Publisher.name, func.count())
        .join(Resource, Resource.publisher_id == Publisher.id)
        .where(Resource.id.in_(ids("entidad")))
        .group_by(Publisher.slug, Publisher.name)
    ).all()
    out["entidad"] = [{"value": s, "label": n, "count": c} for s, n, c in rows]
    rows = db.session.execute(
        select(Resource.type, func.count())
        .where(Resource.id.in_(ids("tipo")))
        .group_by(Resource.type)
    ).all()
    out["tipo"] = [
        {"value": t, "label": _label(vocab, "resource-types", t), "count": c} for t, c in rows
    ]
    for key, scheme in (("categoria", "datos-gov-co"), ("politica", "mipg")):
        rows = db.session.execute(
            select(ResourceTheme.concept_uri, func.count())
            .where(ResourceTheme.resource_id.in_(ids(key)), ResourceTheme.scheme == scheme)
            .group_by(ResourceTheme.concept_uri)
        ).all()
        items = []
        for uri, count in rows:
            concept = vocab.concept(uri)
            if concept is not None:
                items.append(
                    {"value": concept.notation, "label": concept.label("es"), "count": count}
                )
        out[key] = items
    rows = db.session.execute(
        select(Distribution.format, func.count(func.distinct(Distribution.resource_id)))
        .where(Distribution.resource_id.in_(ids("formato")), Distribution.format.is_not(None))
        .group_by(Distribution.format)
    ).all()
    out["formato"] = [
        {"value": f, "label": _label(vocab, "file-types", f), "count": c} for f, c in rows
    ]
    year = func.extract("year", Resource.issued)
    rows = db.session.execute(
        select(year, func.count())
        .where(Resource.id.in_(ids("anio")), Resource.issued.is_not(None))
        .group_by(year)
    ).all()
    out["anio"] = sorted(
        ({"value": str(int(y)), "label": str(int(y)), "count": c} for y, c in rows),
        key=lambda i: i["value"],
        reverse=True,
    )
    rows = db.session.execute(
        select(Resource.license, func.count())
        .where(Resource.id.in_(ids("licencia")), Resource.license.is_not(None))
        .group_by(Resource.license)
    ).all()
    out["licencia"] = [
        {"value": v, "label": _label(vocab, "licences", v), "count": c} for v, c in rows
    ]
    for key, items in out.items():
        if key != "anio":
            items.sort(key=lambda i: (-i["count"], i["label"]))
    return out


def _label(vocab, scheme: str, notation: str | None) -> str:
    concept = vocab[scheme].get(notation) if notation and scheme in vocab else None
    return concept.label("es") if concept else (notation or "")


def _char_fold(value: str) -> str:
    """Fold character by character, keeping positions (for highlighting original text)."""
    return "".join((fold(c) or c)[:1] if c.strip() else c for c in value)


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
            words.append(_label(vocab, scheme, value))
        elif key == "formato":
            words.append(f"formato {_label(vocab, 'file-types', value)}")
        elif key == "licencia":
            words.append(_label(vocab, "licences", value))
        else:
            words.append(f"año {value}")
    return words
