"""Output schemas: what the API returns for publishers, resources and revisions."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from .. import urls
from ..extensions import db
from ..models import ApiToken, Publisher, Resource, Revision, User
from ..rdf.mapping import distribution_urls
from ..registry import COLLABORATOR, public_parts
from ..services.snapshot import snapshot


class PublisherOut(Schema):
    slug = fields.String()
    name = fields.String()
    acronym = fields.String(allow_none=True)
    kind = fields.String()
    parent = fields.Function(lambda p: p.parent.slug if p.parent else None)
    sector = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    homepage = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    uri = fields.Function(lambda p: urls.publisher_uri(p.slug))
    page = fields.Function(lambda p: urls.publisher_page(p.slug))


class ResourceMeta(Schema):
    id = fields.String(attribute="uuid")
    uri = fields.Function(lambda r: urls.resource_uri(r.slug))
    page = fields.Function(lambda r: urls.resource_page(r.slug))
    version = fields.Integer()  # the seq of the latest revision, as the history numbers it
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    next_review_on = fields.Date(allow_none=True)
    quality_score = fields.Integer(allow_none=True)


class RevisionOut(Schema):
    seq = fields.Integer()
    created_at = fields.DateTime()
    actor = fields.String(attribute="actor_label")
    action = fields.String()
    summary = fields.String()
    changes = fields.Raw()
    hash = fields.String()
    prev_hash = fields.String(allow_none=True)


_publisher = PublisherOut()
_meta = ResourceMeta()
_revision = RevisionOut()


def publisher_out(publisher: Publisher) -> dict[str, Any]:
    return _publisher.dump(publisher)


def public_collaborators(practice: dict[str, Any] | None) -> None:
    """Ley 1581: only collaborators the publisher marked public, and of them only the parts
    the registry declares public (catalog/registry.py: a phone never)."""
    if not practice or not practice.get("collaborators"):
        return
    practice["collaborators"] = [
        {**public_parts(COLLABORATOR, c, allowed=True), "show_publicly": True}
        for c in practice["collaborators"]
        if c.get("show_publicly")
    ]


def resource_out(resource: Resource, *, private: bool = False) -> dict[str, Any]:
    """The resource's data (as it is sent in) plus read-only metadata and links.

    `private` (the resource's own publishers) keeps the collaborators' personal data."""
    data = snapshot(resource)
    data.pop("uuid", None)
    if not private:
        public_collaborators(data.get("good_practice"))
    hosted = {d.uuid: d for d in resource.distributions}
    for item in data["distributions"]:
        dist = hosted[item["id"]]
        item["uri"] = urls.distribution_uri(dist.uuid)
        item["effective_access_url"], item["effective_download_url"] = distribution_urls(dist)
        item.pop("file_key", None)
    return {**_meta.dump(resource), **data}


ROLE_NAMES = {"admin": "Administrador", "editor": "Editor"}


def public_actor(revision: Revision, publisher: Publisher) -> str:
    """Who made a revision, as the public may see it: a role and an entity, never an e-mail
    or a token (Ley 1581: staff sign-in addresses are personal data)."""
    if revision.actor_token_id is not None:
        token = db.session.get(ApiToken, revision.actor_token_id)
        if token is not None:
            role = ROLE_NAMES.get(token.role, token.role)
            return f"{role} (token de API) · {token.publisher.display_name}"
    if revision.actor_user_id is not None:
        user = db.session.get(User, revision.actor_user_id)
        if user is not None:
            node: Publisher | None = publisher
            while node is not None:
                for membership in user.memberships:
                    if membership.publisher_id == node.id:
                        role = ROLE_NAMES.get(membership.role, membership.role)
                        return f"{role} · {membership.publisher.display_name}"
                node = node.parent
            if user.is_admin:
                return "Administrador del catálogo"
        return f"Equipo · {publisher.display_name}"
    if revision.actor_label.startswith("cosecha"):
        return revision.actor_label
    return "Sistema del catálogo"


def revision_out(revision: Revision, *, private: bool = False) -> dict[str, Any]:
    out = _revision.dump(revision)
    if private:
        return out
    out["actor"] = public_actor(revision, revision.resource.publisher)
    changes = out.get("changes") or {}
    if "good_practice" in changes:
        for side in changes["good_practice"]:
            public_collaborators(side)
    dists = changes.get("distributions") or {}
    for dist in [*dists.get("added", []), *dists.get("removed", [])]:
        dist.pop("file_key", None)
    for change in (dists.get("changed") or {}).values():
        change.get("fields", {}).pop("file_key", None)
    return out
