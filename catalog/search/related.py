"""Related resources for a resource page: published resources that share its keywords, its
themes or its entity, the most in common first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import PUBLISHED, Publisher, Resource, ResourceKeyword, ResourceTheme

LIMIT = 5
PER_VALUE = 300  # resources looked at per shared keyword or theme, newest first
KEYWORD, THEME, ENTITY = 3, 2, 1  # what one shared keyword, theme or the entity weighs


@dataclass
class Related:
    resource: Resource
    score: int
    keywords: list[str] = field(default_factory=list)  # shared, as this page writes them
    themes: list[str] = field(default_factory=list)  # shared theme URIs
    same_entity: bool = False


def _shared(column, owner, values: list[str], exclude: int) -> dict[int, list[str]]:
    """For each value, the newest published resources that carry it (an index range each,
    bounded: a theme half the catalog shares costs no more than a rare keyword)."""
    out: dict[int, list[str]] = {}
    for value in values:
        ids = db.session.execute(
            select(owner)
            .join(Resource, Resource.id == owner)
            .where(column == value, owner != exclude, Resource.status == PUBLISHED)
            .order_by(owner.desc())
            .limit(PER_VALUE)
        ).scalars()
        for rid in ids:
            out.setdefault(rid, []).append(value)
    return out


def related(resource: Resource, limit: int = LIMIT) -> list[Related]:
    written = {k.keyword_key: k.keyword for k in resource.keywords}
    by_keyword = _shared(
        ResourceKeyword.keyword_key, ResourceKeyword.resource_id, sorted(written), resource.id
    )
    by_theme = _shared(
        ResourceTheme.concept_uri, ResourceTheme.resource_id, resource.theme_uris, resource.id
    )
    family = resource.publisher.entity.family_ids
    scores: Counter[int] = Counter()
    for rid, keys in by_keyword.items():
        scores[rid] += KEYWORD * len(keys)
    for rid, uris in by_theme.items():
        scores[rid] += THEME * len(uris)
    if len(scores) < limit:  # few links: the entity's latest resources fill the list
        latest = db.session.execute(
            select(Resource.id)
            .where(
                Resource.publisher_id.in_(family),
                Resource.status == PUBLISHED,
                Resource.id != resource.id,
            )
            .order_by(Resource.updated_at.desc(), Resource.id.desc())
            .limit(limit)
        ).scalars()
        for rid in latest:
            scores[rid] += 0
    if not scores:
        return []
    found = db.session.execute(
        select(Resource)
        .where(Resource.id.in_(list(scores)), Resource.status == PUBLISHED)
        .options(selectinload(Resource.publisher).selectinload(Publisher.parent))
    ).scalars()
    items = []
    for other in found:
        same = other.publisher_id in family
        items.append(
            Related(
                other,
                scores[other.id] + (ENTITY if same else 0),
                [written[k] for k in sorted(by_keyword.get(other.id, []))],
                sorted(by_theme.get(other.id, [])),
                same,
            )
        )
    items.sort(
        key=lambda r: (
            -r.score,
            -(r.resource.modified or r.resource.issued or r.resource.updated_at.date()).toordinal(),
            r.resource.id,
        )
    )
    return items[:limit]
