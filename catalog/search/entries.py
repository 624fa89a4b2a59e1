"""Search entries in SQL: kept in step on write; matched, grouped and paged on read.

An entry exists for each published resource (see catalog.models.search). A search reads:
1. the matching entries — all of them, or those the full-text query matches (on SQLite the
   match runs once into a temporary table; PostgreSQL plans the subquery in each statement);
2. one GROUP BY combination over them (facet counts and the total, see catalog.search.facets);
3. one page of resource ids, ordered, restricted to the combinations that pass the filters.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Table,
    bindparam,
    delete,
    func,
    literal_column,
    null,
    select,
    table,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import PUBLISHED, Resource
from ..models.search import FacetCombination, SearchEntry
from .facets import Combination, combination_key, facet_values

ENTRY: Table = SearchEntry.__table__  # type: ignore[assignment]
COMBINATION: Table = FacetCombination.__table__  # type: ignore[assignment]


# ------------------------------------------------------------------ write side


def _insert(target: Table):
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(target)


def _combination_id(values: dict[str, Any]) -> int:
    key = combination_key(values)
    find = select(COMBINATION.c.id).where(COMBINATION.c.key == key)
    found = db.session.execute(find).scalar_one_or_none()
    if found is None:
        # concurrent writers may add the same combination: the loser's insert does nothing
        db.session.execute(
            _insert(COMBINATION)
            .values(key=key, **values)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        found = db.session.execute(find).scalar_one()
    return found


def refresh_entry(resource: Resource) -> None:
    """Make the resource's entry match it: present with its values if published, else gone."""
    if resource.status != PUBLISHED:
        db.session.execute(delete(ENTRY).where(ENTRY.c.resource_id == resource.id))
        return
    row = {
        "resource_id": resource.id,
        "combination_id": _combination_id(facet_values(resource)),
        "title": resource.title,
        "sort_date": resource.modified or resource.issued,
        "updated_at": resource.updated_at,
    }
    stmt = _insert(ENTRY).values(**row)
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=["resource_id"],
            set_={k: stmt.excluded[k] for k in row if k != "resource_id"},
        )
    )


# ------------------------------------------------------------------ read side


def matching(terms: list[str], ranked: bool):
    """The entries to count and page: (resource_id, rank, combination_id, updated_at).

    Without terms, the entry table itself (no rank). Terms are bare words (no quotes or operators
    survive SearchParams.terms), so the engine's query syntax never sees user punctuation."""
    if not terms:
        return ENTRY
    if db.engine.dialect.name == "sqlite":
        db.session.execute(
            text(
                "CREATE TEMP TABLE IF NOT EXISTS search_matches (resource_id INTEGER PRIMARY KEY,"
                " rank REAL, combination_id INTEGER, updated_at TIMESTAMP)"
            )
        )
        db.session.execute(text("DELETE FROM temp.search_matches"))
        rank = "bm25(resource_fts, 5.0, 1.0)" if ranked else "NULL"
        # CROSS JOIN keeps the full-text match as the outer loop (entries found by rowid)
        db.session.execute(
            text(
                "INSERT INTO temp.search_matches SELECT e.resource_id, "
                f"{rank}, e.combination_id, e.updated_at "
                "FROM resource_fts CROSS JOIN search_entry AS e "
                "ON e.resource_id = resource_fts.rowid WHERE resource_fts MATCH :expr"
            ),
            {"expr": " ".join(f'"{t}"*' for t in terms)},
        )
        matches = table(
            "search_matches",
            literal_column("resource_id"),
            literal_column("rank"),
            literal_column("combination_id"),
            literal_column("updated_at"),
        )
        return select(*matches.c).subquery("m")
    query = func.to_tsquery(literal_column("'spanish'"), " & ".join(f"{t}:*" for t in terms))
    tsv: Any = literal_column("resource_search.tsv")
    rank_column = -func.ts_rank_cd(tsv, query) if ranked else null()
    return (
        select(
            ENTRY.c.resource_id,
            rank_column.label("rank"),
            ENTRY.c.combination_id,
            ENTRY.c.updated_at,
        )
        .select_from(table("resource_search"))
        .join(ENTRY, ENTRY.c.resource_id == literal_column("resource_search.resource_id"))
        .where(tsv.op("@@")(query))
        .subquery("m")
    )


# Combinations never change (their key is a digest of their values) and are never deleted, so
# within one database an id always means the same values: decode each once per process. Each
# search checks that the highest id decoded so far still has the key it had, so a database
# replaced under the same URL (a restore, a test) starts a fresh cache instead of stale ids.
_decoded: dict[str, tuple[tuple[int, str] | None, dict[int, Combination]]] = {}


def _combinations(ids: list[int]) -> dict[int, Combination]:
    url = db.engine.url.render_as_string()
    check, known = _decoded.get(url, (None, {}))
    if check is not None:
        key = db.session.execute(
            select(COMBINATION.c.key).where(COMBINATION.c.id == check[0])
        ).scalar_one_or_none()
        if key != check[1] or len(known) > 500_000:
            check, known = None, {}
    missing = [i for i in ids if i not in known]
    for start in range(0, len(missing), 900):
        rows = db.session.execute(
            select(COMBINATION).where(COMBINATION.c.id.in_(missing[start : start + 900]))
        )
        for row in rows:
            known[row.id] = Combination.of(row)
            if check is None or row.id > check[0]:
                check = (row.id, row.key)
    _decoded[url] = (check, known)
    return known


def groups(source) -> list[tuple[int, Combination, int]]:
    """(combination id, combination, number of entries) for the entries of `source`."""
    result: Any = db.session.execute(  # a CursorResult: Core statement
        select(source.c.combination_id, func.count()).group_by(source.c.combination_id)
    )
    # tens of thousands of (int, int) rows: read straight from the driver's cursor, skipping
    # the per-row result processing (about 5x faster here; nothing needs converting)
    rows = result.cursor.fetchall()
    result.close()
    known = _combinations([combination_id for combination_id, _ in rows])
    return [(combination_id, known[combination_id], number) for combination_id, number in rows]


def page_ids(
    source,
    sort: str,
    *,
    ranked: bool,
    only: list[int] | None,
    excluding: list[int] | None,
    offset: int,
    limit: int,
) -> list[int]:
    """One page of resource ids from `source`, in the search's order, restricted to the
    combinations `only` (or all but `excluding`)."""
    stmt = select(source.c.resource_id)
    if only is not None:
        stmt = stmt.where(source.c.combination_id.in_(_literal_ids(only)))
    if excluding:
        stmt = stmt.where(source.c.combination_id.not_in(_literal_ids(excluding)))
    if sort == "relevancia" and ranked:
        stmt = stmt.order_by(source.c.rank, source.c.updated_at.desc(), source.c.resource_id.desc())
    else:
        if source is not ENTRY:
            stmt = stmt.join(ENTRY, ENTRY.c.resource_id == source.c.resource_id)
        if sort == "titulo":
            stmt = stmt.order_by(ENTRY.c.title, ENTRY.c.resource_id)
        else:
            stmt = stmt.order_by(
                ENTRY.c.sort_date.desc(), ENTRY.c.updated_at.desc(), ENTRY.c.resource_id.desc()
            )
    return list(db.session.execute(stmt.offset(offset).limit(limit)).scalars())


def _literal_ids(ids: list[int]):
    # integers rendered into the SQL: no limit on how many bound parameters a list may use
    return bindparam("ids", [int(i) for i in ids], expanding=True, literal_execute=True)
