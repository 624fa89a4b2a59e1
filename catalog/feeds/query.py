"""What a feed follows, as a query over published resources (newest change first)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import defer, selectinload

from .. import cursors
from ..errors import BadRequest, NotFound
from ..extensions import db
from ..models import (
    PUBLISHED,
    Publisher,
    Resource,
    ResourceFragment,
    ResourceKeyword,
    ResourceTheme,
    Revision,
)
from ..text import fold

FEED_SIZE = 50  # entries per feed document; older ones through RFC 5005 "next" links


@dataclass
class FeedQuery:
    """A feed's subject: its title words and the filters on published resources."""

    title: str
    description: str
    path: str  # the feed's own path without extension, e.g. "/feeds/tipo/norma"
    conditions: list = field(default_factory=list)
    page_path: str | None = None  # the HTML page that lists the same resources
    params: dict[str, str] = field(default_factory=dict)

    def select(self) -> Select:
        return db.select(Resource).where(Resource.status == PUBLISHED, *self.conditions)


def publisher_ids(publisher: Publisher) -> list[int]:
    """The publisher and every unit below it."""
    return publisher.family_ids


def find_publisher(slug: str) -> Publisher:
    publisher = Publisher.by_slug(slug)
    if publisher is None:
        raise NotFound("No existe una entidad con ese identificador.")
    return publisher


def by_theme(uri: str):
    return Resource.id.in_(
        db.select(ResourceTheme.resource_id).where(ResourceTheme.concept_uri == uri)
    )


def by_keyword(word: str):
    return Resource.id.in_(
        db.select(ResourceKeyword.resource_id).where(ResourceKeyword.keyword_key == fold(word))
    )


# ------------------------------------------------------------------ paging (RFC 5005)


def decode_before(token: str | None) -> tuple[datetime, int] | None:
    if not token:
        return None
    try:
        return cursors.decode_key(token)
    except ValueError:
        raise BadRequest("El parámetro «antes» no es válido.") from None


def heads(query: FeedQuery, before: tuple[datetime, int] | None) -> list[tuple]:
    """(id, lock_version, updated_at) of up to FEED_SIZE + 1 entries: a cheap identity of
    the feed's current content, enough for ETag / Last-Modified and the paging decision."""
    stmt = db.select(Resource.id, Resource.lock_version, Resource.updated_at).where(
        Resource.status == PUBLISHED, *query.conditions
    )
    if before is not None:
        stamp, ident = before
        stmt = stmt.where(
            or_(
                Resource.updated_at < stamp,
                and_(Resource.updated_at == stamp, Resource.id < ident),
            )
        )
    stmt = stmt.order_by(Resource.updated_at.desc(), Resource.id.desc()).limit(FEED_SIZE + 1)
    return [tuple(row) for row in db.session.execute(stmt)]


def summaries(ids: list[int]) -> dict[int, str]:
    """The stored plain-text summaries (rendered when each resource was written)."""
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(ResourceFragment.resource_id, ResourceFragment.summary).where(
            ResourceFragment.resource_id.in_(ids)
        )
    )
    return {ident: text for ident, text in rows}


def load(ids: list[int]) -> list[Resource]:
    """The resources with what a feed entry shows, in the given order."""
    if not ids:
        return []
    rows = db.session.execute(
        db.select(Resource)
        .where(Resource.id.in_(ids))
        .options(
            defer(Resource.quality),
            selectinload(Resource.publisher),
            selectinload(Resource.themes),
            selectinload(Resource.distributions),
        )
    ).scalars()
    by_id = {r.id: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def latest_changes(resources: list[Resource]) -> dict[int, Change]:
    """The newest revision of each resource (one query, without the snapshots), and the seq
    of the revision that first published it: the first one stamped at or after
    `published_at`, which is set once, in the publishing transaction, just before it."""
    if not resources:
        return {}
    ids = [r.id for r in resources]
    newest = (
        db.select(Revision.resource_id, db.func.max(Revision.seq).label("seq"))
        .where(Revision.resource_id.in_(ids))
        .group_by(Revision.resource_id)
        .subquery()
    )
    publication = (
        db.select(Revision.resource_id, db.func.min(Revision.seq).label("seq"))
        .join(Resource, Resource.id == Revision.resource_id)
        .where(Revision.resource_id.in_(ids), Revision.created_at >= Resource.published_at)
        .group_by(Revision.resource_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(
            Revision.resource_id,
            Revision.seq,
            Revision.action,
            Revision.summary,
            publication.c.seq,
        )
        .join(
            newest, and_(Revision.resource_id == newest.c.resource_id, Revision.seq == newest.c.seq)
        )
        .outerjoin(publication, publication.c.resource_id == Revision.resource_id)
    )
    return {
        rid: Change(seq, action, summary, first_published_seq=published)
        for rid, seq, action, summary, published in rows
    }


@dataclass(frozen=True)
class Change:
    seq: int
    action: str
    summary: str | None
    first_published_seq: int | None = None

    @property
    def first_publication(self) -> bool:
        return self.seq == self.first_published_seq
