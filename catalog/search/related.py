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
PER_VALUE = 100  # resources looked at per shared keyword or theme, newest first
KEYWORD, THEME, ENTITY = 3, 2, 1  # what one shared keyword, theme or the entity weighs


@dataclass
class Related:
    resource: Resource
    score: int
    keywords: list[str] = field(default_factory=list)  # shared, as this page writes them
    themes: list[str] = field(default_factory=list)  # shared theme URIs
    same_entity: bool = False


def _shared(column, owner, values: list[str], exclude: int) -> dict[int, list[str]]:
    """For each value, the newest resources that carry it: one bounded index range each (a
    theme half the catalog shares costs no more than a rare keyword)."""
    out: dict[int, list[str]] = {}
    for value in values:
        ids = db.session.execute(
            select(owner)
            .where(column == value, owner != exclude)
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
    family = set(resource.publisher.entity.family_ids)
    scores: Counter[int] = Counter()
    for rid, keys in by_keyword.items():
        scores[rid] += KEYWORD * len(keys)
    for rid, uris in by_theme.items():
        scores[rid] += THEME * len(uris)
    published = select(Resource.id).where(Resource.status == PUBLISHED, Resource.id != resource.id)
    latest = db.session.execute(  # the entity's latest fill a short list
        published.where(Resource.publisher_id.in_(family))
        .order_by(Resource.updated_at.desc(), Resource.id.desc())
        .limit(limit)
    ).scalars()
    for rid in latest:
        scores[rid] += 0
    if not scores:
        return []
    # rank on a few columns of the published candidates; load only the winners
    rows = db.session.execute(
        select(
            Resource.id,
            Resource.publisher_id,
            Resource.modified,
            Resource.issued,
            Resource.updated_at,
        ).where(Resource.id.in_(list(scores)), Resource.status == PUBLISHED)
    ).all()
    ranked = sorted(
        rows,
        key=lambda r: (
            -(scores[r.id] + (ENTITY if r.publisher_id in family else 0)),
            -(r.modified or r.issued or r.updated_at.date()).toordinal(),
            r.id,
        ),
    )[:limit]
    by_id = {
        r.id: r
        for r in db.session.execute(
            select(Resource)
            .where(Resource.id.in_([r.id for r in ranked]))
            .options(selectinload(Resource.publisher).selectinload(Publisher.parent))
        ).scalars()
    }
    return [
        Related(
            by_id[r.id],
            scores[r.id] + (ENTITY if r.publisher_id in family else 0),
            [written[k] for k in sorted(by_keyword.get(r.id, []))],
            sorted(by_theme.get(r.id, [])),
            r.publisher_id in family,
        )
        for r in ranked
    ]
