"""Facet counts from combination groups: which combinations pass the filters, and the counts.

A search yields (combination, number of matching resources) groups (catalog.search.entries).
Each facet is counted with every filter applied except its own, so a group counts towards
facet F when it passes every filter, or fails only F's filter.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Publisher, Resource

FACETS = ("entidad", "tipo", "categoria", "politica", "formato", "anio", "licencia")
THEME_FACETS = {"categoria": "datos-gov-co", "politica": "mipg"}


@dataclass(frozen=True, slots=True)
class Combination:
    """The facet values some published resources share (a FacetCombination row): for each
    facet, in FACETS order, the tuple of values a resource with them counts under."""

    values: tuple[tuple[Any, ...], ...]

    @classmethod
    def of(cls, row: Any) -> Combination:
        """From a FacetCombination row (or anything with its attributes)."""
        return cls(
            (
                (row.publisher_id,),
                (row.type,),
                tuple(row.categories),
                tuple(row.policies),
                tuple(row.formats),
                () if row.year is None else (row.year,),
                () if row.license is None else (row.license,),
            )
        )


def facet_values(resource: Resource) -> dict[str, Any]:
    """A resource's facet values, as stored in facet_combination."""
    themes = [(t.scheme, t.concept_uri) for t in resource.themes]
    return {
        "publisher_id": resource.publisher_id,
        "type": resource.type,
        "year": resource.issued.year if resource.issued else None,
        "license": resource.license,
        "categories": sorted({uri for scheme, uri in themes if scheme == "datos-gov-co"}),
        "policies": sorted({uri for scheme, uri in themes if scheme == "mipg"}),
        "formats": sorted({d.format for d in resource.distributions if d.format is not None}),
    }


def combination_key(values: dict[str, Any]) -> str:
    """The digest that names a set of facet values (migration 0009 computes it alike)."""
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def filter_tests(resolved: dict[str, Any]) -> list[tuple[int, frozenset]]:
    """The applied filters as (facet position, accepted values): a combination passes when
    one of its values for that facet is accepted (values from service.resolve_filters)."""
    tests = []
    for key, value in resolved.items():
        many = key in ("entidad", "categoria", "politica")
        tests.append((FACETS.index(key), frozenset(value if many else (value,))))
    return tests


@dataclass
class Tally:
    total: int  # resources passing every filter
    selected: list[int]  # combination ids passing every filter
    rejected: list[int]  # the others
    counts: dict[str, Counter]  # facet → value → resources


def tally(groups: list[tuple[int, Combination, int]], tests: list[tuple[int, frozenset]]) -> Tally:
    """Total and facet counts over (combination id, combination, resources) groups, in one
    pass; counts are summed per tuple of values first (far fewer than groups), then split."""
    by_values: list[dict[tuple, int]] = [{} for _ in FACETS]
    s0, s1, s2, s3, s4, s5, s6 = by_values  # one per facet, unrolled below (the hot loop)
    total, selected, rejected = 0, [], []
    for combination_id, combination, number in groups:
        values = combination.values
        failed = -1
        for position, accepted in tests:
            if accepted.isdisjoint(values[position]):
                if failed >= 0:
                    failed = -2
                    break
                failed = position
        if failed == -1:
            selected.append(combination_id)
            total += number
            v0, v1, v2, v3, v4, v5, v6 = values
            s0[v0] = s0.get(v0, 0) + number
            s1[v1] = s1.get(v1, 0) + number
            s2[v2] = s2.get(v2, 0) + number
            s3[v3] = s3.get(v3, 0) + number
            s4[v4] = s4.get(v4, 0) + number
            s5[v5] = s5.get(v5, 0) + number
            s6[v6] = s6.get(v6, 0) + number
        else:
            rejected.append(combination_id)
            if failed >= 0:
                sums, key = by_values[failed], values[failed]
                sums[key] = sums.get(key, 0) + number
    counts: dict[str, Counter] = {}
    for facet, tuples in zip(FACETS, by_values, strict=True):
        counts[facet] = Counter()
        for values, number in tuples.items():
            for value in values:
                counts[facet][value] += number
    return Tally(total, selected, rejected, counts)


def facet_items(counts: dict[str, Counter], vocab) -> dict[str, list[dict[str, Any]]]:
    """Counts as {facet: [{value, label, count}]}, most frequent first (years: newest)."""
    out: dict[str, list[dict[str, Any]]] = {}
    publishers = {}
    if counts["entidad"]:
        publishers = {
            row.id: row
            for row in db.session.execute(
                select(Publisher.id, Publisher.slug, Publisher.name).where(
                    Publisher.id.in_(list(counts["entidad"]))
                )
            )
        }
    out["entidad"] = [
        {"value": publishers[i].slug, "label": publishers[i].name, "count": c}
        for i, c in counts["entidad"].items()
        if i in publishers
    ]
    out["tipo"] = [
        {"value": t, "label": concept_label(vocab, "resource-types", t), "count": c}
        for t, c in counts["tipo"].items()
    ]
    for key in THEME_FACETS:
        items = []
        for uri, count in counts[key].items():
            concept = vocab.concept(uri)
            if concept is not None:
                items.append(
                    {"value": concept.notation, "label": concept.label("es"), "count": count}
                )
        out[key] = items
    out["formato"] = [
        {"value": f, "label": concept_label(vocab, "file-types", f), "count": c}
        for f, c in counts["formato"].items()
    ]
    out["anio"] = sorted(
        ({"value": str(y), "label": str(y), "count": c} for y, c in counts["anio"].items()),
        key=lambda i: i["value"],
        reverse=True,
    )
    out["licencia"] = [
        {"value": v, "label": concept_label(vocab, "licences", v), "count": c}
        for v, c in counts["licencia"].items()
    ]
    for key, items in out.items():
        if key != "anio":
            items.sort(key=lambda i: (-i["count"], i["label"]))
    return out


def concept_label(vocab, scheme: str, notation: str | None) -> str:
    concept = vocab[scheme].get(notation) if notation and scheme in vocab else None
    return concept.label("es") if concept else (notation or "")
