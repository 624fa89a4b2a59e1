"""Search entries and facet combinations: counts and pages equal a plain reference
computation, and the entries stay in step with every write (and with the 0009 backfill)."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from catalog.extensions import db
from catalog.models import PUBLISHED, FacetCombination, Resource, SearchEntry
from catalog.search.facets import FACETS
from catalog.search.service import PAGE_SIZE, SearchParams, _conditions, _match_ids, search
from catalog.services.actors import Actor
from catalog.services.resources import (
    change_status,
    create_resource,
    get_resource,
    update_resource,
)

MIGRATION = Path(__file__).parents[1] / "migrations" / "versions" / "0009_search_facets.py"
DEF = "https://catalogo.bogota.gov.co/def"


# ------------------------------------------------------------------ the reference


def _matching(params: SearchParams) -> list[Resource]:
    """Published resources the search selects, by plain SQL on the resource tables."""
    stmt = select(Resource).where(*_conditions(params, current_app.extensions["vocab"]))
    if params.terms:
        match = _match_ids(params.terms)
        stmt = stmt.where(Resource.id.in_(select(match.c.resource_id)))
    return list(
        db.session.execute(
            stmt.options(
                selectinload(Resource.publisher),
                selectinload(Resource.themes),
                selectinload(Resource.distributions),
            )
        ).scalars()
    )


def _values(resource: Resource, facet: str) -> set[str]:
    vocab = current_app.extensions["vocab"]
    if facet == "entidad":
        return {resource.publisher.slug}
    if facet == "tipo":
        return {resource.type}
    if facet in ("categoria", "politica"):
        scheme = "datos-gov-co" if facet == "categoria" else "mipg"
        concepts = [vocab.concept(t.concept_uri) for t in resource.themes if t.scheme == scheme]
        return {c.notation for c in concepts if c is not None}
    if facet == "formato":
        return {d.format for d in resource.distributions if d.format is not None}
    if facet == "anio":
        return {str(resource.issued.year)} if resource.issued else set()
    return {resource.license} if resource.license is not None else set()


def _reference_page(params: SearchParams) -> list[int]:
    """The page as the search ordered it before search entries existed."""
    stmt = select(Resource.id).where(*_conditions(params, current_app.extensions["vocab"]))
    match = _match_ids(params.terms) if params.terms else None
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
    return list(db.session.execute(stmt.offset(offset).limit(PAGE_SIZE)).scalars())


def reference(params: SearchParams) -> tuple[int, dict[str, dict[str, int]], list[int]]:
    """(total, counts per facet with the other filters applied, page of ids)."""
    counts = {}
    for facet in FACETS:
        others = {k: v for k, v in params.filters.items() if k != facet}
        tally: Counter = Counter()
        for resource in _matching(SearchParams(q=params.q, filters=others)):
            tally.update(_values(resource, facet))
        counts[facet] = dict(tally)
    return len(_matching(params)), counts, _reference_page(params)


def observed(params: SearchParams) -> tuple[int, dict[str, dict[str, int]], list[int]]:
    result = search(params)
    counts = {k: {i["value"]: i["count"] for i in items} for k, items in result.facets.items()}
    return result.total, counts, [hit.resource.id for hit in result.hits]


def assert_same(params: SearchParams) -> None:
    got, want = observed(params), reference(params)
    assert got[0] == want[0], ("total", params)
    assert got[1] == want[1], ("facets", params)
    assert got[2] == want[2], ("page", params)


# ------------------------------------------------------------------ counts and pages


def _choices(app) -> dict[str, str]:
    """A well-used value of each facet, and a MIPG dimension (it includes its policies)."""
    with app.test_request_context():
        facets = search(SearchParams()).facets
        chosen = {key: items[0]["value"] for key, items in facets.items() if items}
        mipg = current_app.extensions["vocab"]["mipg"]
        broader = {c.broader for c in mipg.concepts if c.broader}
        chosen["dimension"] = next(c.notation for c in mipg.concepts if c.uri in broader)
    return chosen


QUERIES = ["", "gestion", "servicio ciudadania", "zzzsinresultados"]
FILTER_SETS = [
    (),
    ("entidad",),
    ("tipo",),
    ("categoria",),
    ("politica",),
    ("dimension",),
    ("formato",),
    ("anio",),
    ("licencia",),
    ("tipo", "entidad"),
    ("politica", "formato"),
    ("categoria", "anio", "licencia"),
]


@pytest.mark.parametrize("q", QUERIES)
def test_counts_and_pages_equal_the_reference(shared_demo, q):
    chosen = _choices(shared_demo)
    with shared_demo.test_request_context():
        for names in FILTER_SETS:
            filters = {}
            for name in names:
                key = "politica" if name == "dimension" else name
                filters[key] = chosen[name]
            for sort in ("relevancia", "fecha", "titulo"):
                assert_same(SearchParams(q=q, filters=filters, sort=sort))
        assert_same(SearchParams(q=q, sort="fecha", page=2))
        assert_same(SearchParams(q=q, sort="titulo", page=3))


# ------------------------------------------------------------------ in step with writes


def stored_entries() -> dict[int, tuple]:
    rows = db.session.execute(
        select(SearchEntry, FacetCombination).join(
            FacetCombination, FacetCombination.id == SearchEntry.combination_id
        )
    ).all()
    return {
        e.resource_id: (
            c.publisher_id,
            c.type,
            c.year,
            c.license,
            sorted(c.categories),
            sorted(c.policies),
            sorted(c.formats),
            e.title,
            e.sort_date,
            e.updated_at,
        )
        for e, c in rows
    }


def expected_entries() -> dict[int, tuple]:
    resources = db.session.execute(
        select(Resource)
        .where(Resource.status == PUBLISHED)
        .options(selectinload(Resource.themes), selectinload(Resource.distributions))
    ).scalars()
    return {
        r.id: (
            r.publisher_id,
            r.type,
            r.issued.year if r.issued else None,
            r.license,
            sorted(t.concept_uri for t in r.themes if t.scheme == "datos-gov-co"),
            sorted(t.concept_uri for t in r.themes if t.scheme == "mipg"),
            sorted({d.format for d in r.distributions if d.format is not None}),
            r.title,
            r.modified or r.issued,
            r.updated_at,
        )
        for r in resources
    }


def assert_in_step() -> None:
    db.session.expire_all()
    assert stored_entries() == expected_entries()
    assert_same(SearchParams())
    assert_same(SearchParams(filters={"tipo": "conjunto-datos"}))
    assert_same(SearchParams(q="ñandúes", filters={"formato": "csv"}))


def test_entries_follow_every_write(demo_app):
    actor = Actor.system()
    with demo_app.test_request_context():
        assert_in_step()
        create_resource(
            {
                "title": "Registro de ñandúes del Distrito",
                "type": "conjunto-datos",
                "publisher": "secretaria-general",
                "status": "published",
                "issued": "2021-05-04",
                "license": "cc-by-4.0",
                "themes": [
                    f"{DEF}/datos-gov-co/funcion-publica",
                    f"{DEF}/mipg/servicio-ciudadano",
                ],
                "distributions": [
                    {"title": "Datos", "access_url": "https://example.org/d.csv", "format": "csv"},
                    {"title": "Otra", "access_url": "https://example.org/e.csv", "format": "csv"},
                ],
            },
            actor,
        )
        assert_in_step()
        resource = get_resource("registro-de-nandues-del-distrito")
        update_resource(
            resource,
            {
                "title": "Registro de ñandúes de Bogotá",
                "issued": "2019-01-01",
                "modified": "2024-02-02",
                "license": None,
                "themes": [f"{DEF}/mipg/servicio-ciudadano"],
                "distributions": [
                    {"title": "Datos", "access_url": "https://example.org/d.xlsx", "format": "xlsx"}
                ],
            },
            actor,
            partial=True,
        )
        assert_in_step()
        change_status(get_resource(resource.slug), "draft", actor)
        assert resource.id not in stored_entries()
        assert_in_step()
        update_resource(get_resource(resource.slug), {"type": "guia"}, actor, partial=True)
        assert_in_step()
        change_status(get_resource(resource.slug), "published", actor)
        assert resource.id in stored_entries()
        assert_in_step()
        change_status(get_resource(resource.slug), "withdrawn", actor, reason="Prueba.")
        assert resource.id not in stored_entries()
        assert_in_step()


def test_migration_backfill_matches_the_write_path(demo_app):
    spec = importlib.util.spec_from_file_location("migration_0009", MIGRATION)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with demo_app.test_request_context():
        written = stored_entries()
        published = select(func.count()).where(Resource.status == PUBLISHED)
        assert len(written) == db.session.execute(published).scalar_one()
        db.session.execute(delete(SearchEntry))
        db.session.execute(delete(FacetCombination))
        migration._backfill(db.session.connection())
        db.session.commit()
        assert stored_entries() == written
        assert_in_step()
        # the write path finds the backfilled combinations instead of adding twins
        combinations = db.session.execute(select(func.count(FacetCombination.id))).scalar_one()
        resource = get_resource("decreto-847-2019-servicio-ciudadania")
        update_resource(resource, {"version_label": "9.9"}, Actor.system(), partial=True)
        count = select(func.count(FacetCombination.id))
        assert db.session.execute(count).scalar_one() == combinations
        assert_in_step()


def test_combination_cache_notices_a_replaced_database(demo_app):
    """Decoded combinations are cached per database URL; a different database behind the same
    URL (a restore) must not reuse them."""
    from catalog.search import entries
    from catalog.search.service import SearchParams, search

    with demo_app.test_request_context("/buscar"):
        before = search(SearchParams()).facets
        url = db.engine.url.render_as_string()
        check, known = entries._decoded[url]
        assert check is not None and known
        # pretend the cache came from another database: its newest id had another key
        entries._decoded[url] = ((check[0], "0" * 64), {i: known[check[0]] for i in known})
        from catalog.search import cache

        cache.forget()
        assert search(SearchParams()).facets == before
