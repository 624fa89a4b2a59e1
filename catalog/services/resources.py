"""Every write to a resource goes through here: authorisation, revision, derived state, commit.

Each function either commits a complete change or rolls back and raises (nothing half-written).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..errors import CatalogError, Conflict, Gone, Invalid, NotFound, PreconditionFailed
from ..extensions import db
from ..models import DRAFT, PUBLISHED, WITHDRAWN, Publisher, Resource
from ..models.resources import DEFAULT_LICENCE
from ..models.types import utcnow
from ..schemas import access_exceptions
from ..text import slugify
from . import snapshot as snap
from .actors import Actor
from .derived import refresh_derived
from .history import record_revision

BOGOTA = ZoneInfo("America/Bogota")


class _Unchanged(Exception):
    """Raised inside `_writing` when the change turned out to change nothing: undo quietly."""


@contextmanager
def batch() -> Iterator[None]:
    """Writes inside commit together at the end, each in its own savepoint, so a refused write
    undoes only itself and the others stay. One transaction for many writes (a harvest run):
    the caller decides the size; an error outside any write rolls the whole batch back."""
    session = db.session
    session.info["batch"] = True
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop("batch", None)


@contextmanager
def _writing() -> Iterator[None]:
    """Commit on success (inside `batch`: release the savepoint); on any error roll back so
    the session holds nothing half-done."""
    session = db.session
    nested = session.begin_nested() if session.info.get("batch") else None
    pending = session.info.get("chain_head")

    def undo() -> None:
        if nested is None:
            session.rollback()
            return
        nested.rollback()
        # the savepoint's revision never happened: the witness must not move to it
        if pending is None:
            session.info.pop("chain_head", None)
        else:
            session.info["chain_head"] = pending

    try:
        yield
        if nested is None:
            session.commit()
        else:
            nested.commit()
    except _Unchanged:
        undo()
    except StaleDataError as error:
        undo()
        raise PreconditionFailed(
            "Otra persona modificó este recurso al mismo tiempo; recárguelo e intente de nuevo."
        ) from error
    except IntegrityError as error:
        undo()
        raise Conflict(
            "El cambio choca con datos existentes (por ejemplo, un slug repetido)."
        ) from error
    except BaseException:
        undo()
        raise


def etag_matches(header: str, current: str) -> bool:
    """If-Match: `*`, or a comma-separated list of entity tags (RFC 9110 §13.1.1) that
    contains the current one; If-Match compares strongly, so weak tags never match."""
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*" or (tag == current and not tag.startswith("W/")):
            return True
    return False


def get_resource(slug: str, *, include_withdrawn: bool = True) -> Resource:
    resource = db.session.execute(
        db.select(Resource).where(Resource.slug == slug)
    ).scalar_one_or_none()
    if resource is None:
        raise NotFound("No existe un recurso con ese identificador.")
    if resource.status == WITHDRAWN and not include_withdrawn:
        raise Gone("Este recurso fue retirado del catálogo.", reason=resource.withdrawn_reason)
    return resource


def find_publisher(slug: str | None, field: str = "publisher") -> Publisher:
    publisher = Publisher.by_slug(slug)
    if publisher is None:
        raise Invalid({field: ["No existe una entidad o dependencia con ese identificador."]})
    return publisher


def _unique_slug(base: str) -> str:
    base = slugify(base, 100)
    taken = set(
        db.session.execute(
            db.select(Resource.slug).where(
                (Resource.slug == base) | Resource.slug.like(f"{base}-%")
            )
        ).scalars()
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _check_references(data: dict[str, Any], actor: Actor) -> None:
    """Publisher and creator must exist; the actor must be allowed to write for the publisher."""
    if "publisher" in data:
        actor.require_edit(find_publisher(data["publisher"]))
    if data.get("creator"):
        find_publisher(data["creator"], "creator")


def _set_status(
    resource: Resource, status: str, reason: str | None = None, *, trusted: bool = False
) -> None:
    now = utcnow()
    if status == PUBLISHED and resource.published_at is None:
        resource.published_at = now
    if status == PUBLISHED and resource.issued is None and not trusted:
        # dct:issued is the date of formal publication: the first time it is published,
        # in Bogotá's calendar (a restore keeps what the record had)
        resource.issued = now.astimezone(BOGOTA).date()
    if status == WITHDRAWN:
        resource.withdrawn_at = now
        resource.withdrawn_reason = reason
    elif resource.status == WITHDRAWN:
        resource.withdrawn_at = None
        resource.withdrawn_reason = None
    resource.status = status


def create_resource(
    data: dict[str, Any],
    actor: Actor,
    *,
    trusted: bool = False,
    summary: str | None = None,
    along: Callable[[Resource], None] | None = None,
) -> Resource:
    """A new resource from validated data (API schema shape). Status defaults to draft.

    `along` adds what must be written in the same transaction (a harvest's provenance), before
    the stored outputs are rendered."""
    _require_publisher(data)
    with _writing():
        return _new_resource(data, actor, trusted=trusted, summary=summary, along=along)


def create_resources(
    items: Sequence[dict[str, Any]], actor: Actor, *, summaries: Sequence[str] | None = None
) -> list[Resource]:
    """Several new resources in ONE transaction: every one is created or none is.

    Each goes the same way as create_resource (authorisation, revision, derived state); the
    first refusal rolls everything back and is raised with `details["item"]` = its index.
    """
    for data in items:
        _require_publisher(data)
    created = []
    with _writing():
        for index, data in enumerate(items):
            try:
                summary = summaries[index] if summaries else None
                created.append(_new_resource(data, actor, summary=summary))
            except CatalogError as error:
                error.details["item"] = index
                raise
    return created


def _require_publisher(data: dict[str, Any]) -> None:
    if "publisher" not in data:
        raise Invalid({"publisher": ["Indique la entidad que publica el recurso."]})


CATALOG_LICENCE = DEFAULT_LICENCE
CATALOG_LANGUAGE = "spa"


def with_catalog_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """A new record states the catalog's defaults it was created with (CC BY 4.0 for public
    information, Spanish) so every output shows what the record says, never a stand-in; the
    form shows them preselected. Classified or reserved information gets no licence."""
    data = dict(data)
    if not data.get("license") and (data.get("access_rights") or "publica") == "publica":
        data["license"] = CATALOG_LICENCE
    if not data.get("languages"):
        data["languages"] = [CATALOG_LANGUAGE]
    return data


def _new_resource(
    data: dict[str, Any],
    actor: Actor,
    *,
    trusted: bool = False,
    summary: str | None = None,
    along: Callable[[Resource], None] | None = None,
) -> Resource:
    """Create, record and derive one resource inside the caller's transaction (no commit)."""
    _check_references(data, actor)
    slug = data.get("slug")
    if slug:
        if db.session.execute(db.select(Resource.id).where(Resource.slug == slug)).first():
            raise Invalid({"slug": ["Ya existe un recurso con ese slug."]})
    else:
        slug = _unique_slug(data["title"])
    resource = Resource(
        slug=slug,
        type=data["type"],
        title=data["title"],
        publisher=find_publisher(data["publisher"]),
    )
    if trusted and data.get("uuid"):
        resource.uuid = data["uuid"]
    if not trusted:
        data = with_catalog_defaults(data)
    with db.session.no_autoflush:
        snap.apply(resource, data, partial=False, trusted=trusted)
        access_exceptions.check(resource)
    db.session.add(resource)
    _set_status(
        resource, data.get("status") or DRAFT, data.get("withdrawn_reason"), trusted=trusted
    )
    resource.updated_at = utcnow()
    record_revision(resource, actor, "create", None, summary or "Creación del recurso.")
    if along is not None:
        along(resource)
    refresh_derived(resource)
    return resource


def update_resource(
    resource: Resource,
    data: dict[str, Any],
    actor: Actor,
    *,
    partial: bool,
    expected_etag: str | None = None,
    action: str = "update",
    summary: str | None = None,
    trusted: bool = False,
    reviewed: bool = False,
) -> Resource:
    """Change a resource (full replace or partial). `expected_etag` enforces If-Match.

    `reviewed`: a person looked at the whole record and saved it (the workspace form, an API
    update): its review clock restarts today even when nothing else changed. That moves no
    content, so it writes no revision; the published record still changes (its next review
    date), so it is rendered again and stamped like any other write."""
    actor.require_write(resource)
    if expected_etag is not None and not etag_matches(expected_etag, resource.etag):
        raise PreconditionFailed(
            "El recurso cambió desde que lo leyó (ETag distinto); recárguelo e intente de nuevo.",
            etag=resource.etag,
        )
    if data.get("slug") not in (None, resource.slug):
        raise Invalid({"slug": ["El slug no se puede cambiar: es parte de la URI del recurso."]})
    with _writing():
        actor.require_write(resource)
        _check_references(data, actor)
        before = snap.snapshot(resource)
        with db.session.no_autoflush:
            snap.apply(resource, data, partial=partial, trusted=trusted)
            access_exceptions.check(resource)
        if "status" in data and data["status"] != resource.status:
            _set_status(resource, data["status"], data.get("withdrawn_reason"))
        resource.updated_at = utcnow()
        revision = record_revision(resource, actor, action, before, summary)
        today = datetime.now(BOGOTA).date()
        if revision is None and (not reviewed or resource.reviewed_on == today):
            raise _Unchanged  # nothing changed: keep the version and the dates
        if reviewed:  # a review alone writes no revision, but moves the published review date
            resource.reviewed_on = today
        refresh_derived(resource)
    return resource


def change_status(
    resource: Resource,
    status: str,
    actor: Actor,
    *,
    reason: str | None = None,
    expected_etag: str | None = None,
) -> Resource:
    """Publish, unpublish (draft) or withdraw a resource, with its own revision."""
    actor.require_write(resource)  # before anything else, even a no-op answer
    if status == WITHDRAWN and not (reason or "").strip():
        raise Invalid({"reason": ["Indique por qué se retira el recurso."]})
    if expected_etag is not None and not etag_matches(expected_etag, resource.etag):
        raise PreconditionFailed(
            "El recurso cambió desde que lo leyó (ETag distinto); recárguelo e intente de nuevo.",
            etag=resource.etag,
        )
    if resource.status == status:
        return resource
    labels = {PUBLISHED: "Publicación", DRAFT: "Paso a borrador", WITHDRAWN: "Retiro"}
    with _writing():
        actor.require_write(resource)
        before = snap.snapshot(resource)
        _set_status(resource, status, reason)
        resource.updated_at = utcnow()
        summary = labels[status] + (f": {reason}" if reason else "") + "."
        record_revision(resource, actor, status, before, summary)
        refresh_derived(resource)
    return resource
