"""Publisher API views: publishers, resources and their distributions."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request, url_for

from .. import cursors
from ..errors import BadRequest, Gone, Invalid, NotFound, Unauthorized
from ..extensions import db
from ..models import DRAFT, PUBLISHED, WITHDRAWN, Distribution, Publisher, Resource
from ..schemas.resources import DistributionSchema, ResourceSchema, WithdrawSchema, load
from ..services import files
from ..services import resources as service
from ..services import snapshot as snap
from ..services.actors import Actor
from ..services.history import revisions_of
from . import bp
from .auth import optional_actor, required_actor
from .idempotency import idempotent
from .openapi import document
from .output import publisher_out, resource_out, revision_out


def _json_body() -> Any:
    if not request.is_json:
        raise Invalid({"_schema": ["Envíe un cuerpo JSON (Content-Type: application/json)."]})
    payload = request.get_json(silent=True)
    if payload is None:
        raise Invalid({"_schema": ["El cuerpo no es JSON válido."]})
    return payload


def _with_etag(body: dict, resource: Resource, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["ETag"] = resource.etag
    return response


def _private(resource: Resource, actor: Actor | None) -> bool:
    """May this reader see the resource's personal data (its collaborators' contacts)?"""
    return actor is not None and actor.can_edit(resource.publisher)


def _readable(resource: Resource, actor: Actor | None) -> None:
    """Published resources are public; drafts only for those who may edit them."""
    if resource.status == PUBLISHED:
        return
    if actor is not None and actor.can_edit(resource.publisher):
        return
    if resource.status == WITHDRAWN:
        raise Gone("Este recurso fue retirado del catálogo.", reason=resource.withdrawn_reason)
    raise NotFound("No existe un recurso con ese identificador.")


def _limit() -> int:
    raw = request.args.get("limit", current_app.config["CATALOG_PAGE_SIZE"])
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise Invalid({"limit": ["Debe ser un número entero."]}) from None
    maximum = current_app.config["CATALOG_MAX_PAGE_SIZE"]
    if not 1 <= value <= maximum:
        raise Invalid({"limit": [f"Debe estar entre 1 y {maximum}."]})
    return value


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return cursors.decode_id(cursor)
    except ValueError:
        raise Invalid({"cursor": ["Cursor de paginación no válido."]}) from None


# ------------------------------------------------------------------ index & publishers


@bp.get("")
@bp.get("/")
def index():
    return jsonify(
        {
            "name": "API de publicación del Catálogo de Gestión Pública Distrital",
            "openapi": url_for("api.openapi", _external=True),
            "docs": url_for("api.docs", _external=True),
            "publishers": url_for("api.list_publishers", _external=True),
            "resources": url_for("api.list_resources", _external=True),
        }
    )


@bp.get("/publishers")
def list_publishers():
    rows = db.session.execute(db.select(Publisher).order_by(Publisher.name)).scalars()
    return jsonify({"items": [publisher_out(p) for p in rows]})


@bp.get("/publishers/<slug>")
def get_publisher(slug: str):
    publisher = Publisher.by_slug(slug)
    if publisher is None:
        raise NotFound("No existe una entidad con ese identificador.")
    return jsonify(publisher_out(publisher))


# ------------------------------------------------------------------ resources


@bp.get("/resources")
def list_resources():
    actor = optional_actor()
    limit = _limit()
    after = decode_cursor(request.args.get("cursor"))
    query = db.select(Resource).where(Resource.id > after)
    for name in ("status", "publisher", "type"):
        if name in request.args and not request.args[name].strip():
            raise Invalid({name: ["El parámetro está vacío: quítelo o dé un valor."]})
    status = request.args.get("status")
    if status in (DRAFT, WITHDRAWN):
        if actor is None:
            raise Unauthorized("Solo con token se pueden listar borradores o retirados.")
        if not actor.is_admin:
            query = query.where(Resource.publisher_id.in_(actor.publisher_ids))
        query = query.where(Resource.status == status)
    elif status in (None, PUBLISHED):
        query = query.where(Resource.status == PUBLISHED)
    else:
        raise Invalid({"status": ["Use draft, published o withdrawn."]})
    if request.args.get("publisher"):
        publisher = service.find_publisher(request.args["publisher"])
        query = query.where(Resource.publisher_id == publisher.id)
    if request.args.get("type"):
        known = {c.notation for c in current_app.extensions["vocab"]["resource-types"].concepts}
        if request.args["type"] not in known:
            raise Invalid(
                {"type": ["Tipo de recurso desconocido: use " + ", ".join(sorted(known))]}
            )
        query = query.where(Resource.type == request.args["type"])
    rows = list(db.session.execute(query.order_by(Resource.id).limit(limit + 1)).scalars())
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_url = None
    if has_more:
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for(
            "api.list_resources", cursor=cursors.encode_id(rows[-1].id), _external=True, **args
        )
    items = [resource_out(r, private=_private(r, actor)) for r in rows]
    return jsonify({"items": items, "next": next_url})


def _created(body: dict, resource: Resource, location: str) -> Response:
    """201 with the new thing, its ETag and its Location (the one "created" answer)."""
    response = _with_etag(body, resource, 201)
    response.headers["Location"] = location
    return response


def _created_resource(resource: Resource, _distribution=None) -> Response:
    location = url_for("api.get_resource", slug=resource.slug, _external=True)
    return _created(resource_out(resource, private=True), resource, location)


def _created_distribution(resource: Resource, created) -> Response:
    out = next(d for d in resource_out(resource)["distributions"] if d["id"] == created.uuid)
    location = url_for(
        "api.get_distribution", slug=resource.slug, dist_id=created.uuid, _external=True
    )
    return _created(out, resource, location)


@bp.post("/resources")
@idempotent(Resource, _created_resource)
def create_resource():
    actor = required_actor()
    data = load(ResourceSchema(), _json_body())
    return _created_resource(service.create_resource(data, actor))


@bp.get("/resources/<slug>")
def get_resource(slug: str):
    resource = service.get_resource(slug)
    actor = optional_actor()
    _readable(resource, actor)
    return _with_etag(resource_out(resource, private=_private(resource, actor)), resource)


def _update(slug: str, *, partial: bool):
    actor = required_actor()
    resource = service.get_resource(slug)
    actor.require_write(resource)
    data = load(ResourceSchema(), _json_body(), partial=partial)
    resource = service.update_resource(  # a full replace restates the record: a review
        resource, data, actor, partial=partial, expected_etag=_if_match(), reviewed=not partial
    )
    return _with_etag(resource_out(resource, private=True), resource)


@bp.put("/resources/<slug>")
def replace_resource(slug: str):
    return _update(slug, partial=False)


@bp.patch("/resources/<slug>")
def patch_resource(slug: str):
    return _update(slug, partial=True)


@bp.post("/resources/<slug>/withdraw")
@bp.delete("/resources/<slug>")
def withdraw_resource(slug: str):
    actor = required_actor()
    resource = service.get_resource(slug)
    actor.require_write(resource)
    data = load(WithdrawSchema(), request.get_json(silent=True) or {})
    resource = service.change_status(
        resource,
        WITHDRAWN,
        actor,
        reason=data["reason"],
        expected_etag=_if_match(),
    )
    return _with_etag(resource_out(resource, private=True), resource)


@bp.post("/resources/<slug>/publish")
def publish_resource(slug: str):
    return _status(slug, PUBLISHED)


@bp.post("/resources/<slug>/unpublish")
def unpublish_resource(slug: str):
    return _status(slug, DRAFT)


def _if_match() -> str | None:
    """The If-Match header, refused with 400 when it cannot be a list of entity tags (only
    visible ASCII and spaces), so a garbled header is told apart from a stale version (412)."""
    value = request.headers.get("If-Match")
    if value is not None and (len(value) > 200 or not all(" " <= ch <= "~" for ch in value)):
        raise BadRequest(
            "If-Match mal formado: debe ser * o una lista de ETags entre comillas (ASCII visible)."
        )
    return value


def _status(slug: str, status: str):
    actor = required_actor()
    resource = service.get_resource(slug)
    actor.require_write(resource)
    resource = service.change_status(resource, status, actor, expected_etag=_if_match())
    return _with_etag(resource_out(resource, private=True), resource)


@bp.get("/resources/<slug>/history")
def resource_history(slug: str):
    resource = service.get_resource(slug)
    actor = optional_actor()
    _readable(resource, actor)
    private = _private(resource, actor)
    return jsonify({"items": [revision_out(r, private=private) for r in revisions_of(resource)]})


# ------------------------------------------------------------------ distributions


def _distribution(resource: Resource, dist_id: str) -> dict:
    for item in snap.snapshot(resource)["distributions"]:
        if item["id"] == dist_id:
            return item
    raise NotFound("El recurso no tiene esa distribución.")


@bp.get("/resources/<slug>/distributions")
def list_distributions(slug: str):
    resource = service.get_resource(slug)
    _readable(resource, optional_actor())
    return jsonify({"items": resource_out(resource)["distributions"]})


@bp.get("/resources/<slug>/distributions/<dist_id>")
def get_distribution(slug: str, dist_id: str):
    resource = service.get_resource(slug)
    _readable(resource, optional_actor())
    _distribution(resource, dist_id)
    out = next(d for d in resource_out(resource)["distributions"] if d["id"] == dist_id)
    return _with_etag(out, resource)


def _change_distributions(slug: str, change) -> tuple[Resource, str | None]:
    actor = required_actor()
    resource = service.get_resource(slug)
    actor.require_write(resource)
    items = snap.snapshot(resource)["distributions"]
    items, new_id = change(resource, items)
    resource = service.update_resource(
        resource,
        {"distributions": items},
        actor,
        partial=True,
        expected_etag=_if_match(),
    )
    return resource, new_id


@bp.post("/resources/<slug>/distributions")
@idempotent(Distribution, _created_distribution)
def add_distribution(slug: str):
    payload = _json_body()

    def change(resource, items):
        data = load(DistributionSchema(), payload)
        data.pop("id", None)
        return [*items, data], None

    resource, _ = _change_distributions(slug, change)
    return _created_distribution(resource, resource.distributions[-1])


@bp.post("/resources/<slug>/files")
@idempotent(Distribution, _created_distribution)
def upload_file(slug: str):
    """Host a file (multipart/form-data: `file`, optional `title`) as a new distribution."""
    actor = required_actor()
    resource = service.get_resource(slug)
    actor.require_write(resource)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid({"file": ["Envíe el archivo en el campo «file» (multipart/form-data)."]})
    title = (request.form.get("title") or "").strip()
    if title:
        data = load(DistributionSchema(), {"title": title, "id": "nuevo"})
        title = data["title"]
    stored = files.store_upload(upload.stream, upload.filename, "file")
    items = snap.snapshot(resource)["distributions"]
    new = stored.as_distribution(title)
    try:
        resource = service.update_resource(
            resource,
            {"distributions": [*items, new]},
            actor,
            partial=True,
            expected_etag=_if_match(),
            trusted=True,
        )
    except BaseException:
        files.discard(stored)
        raise
    return _created_distribution(resource, resource.distributions[-1])


def _edit_distribution(slug: str, dist_id: str, *, partial: bool):
    payload = _json_body()

    def change(resource, items):
        current = _distribution(resource, dist_id)
        data = load(DistributionSchema(), {**payload, "id": dist_id}, partial=partial)
        if partial:
            merged = {**current, **data}
        else:
            merged = {**{k: current[k] for k in snap.FILE_FIELDS}, **data}
        return [merged if d["id"] == dist_id else d for d in items], None

    resource, _ = _change_distributions(slug, change)
    out = next(d for d in resource_out(resource)["distributions"] if d["id"] == dist_id)
    return _with_etag(out, resource)


@bp.put("/resources/<slug>/distributions/<dist_id>")
def replace_distribution(slug: str, dist_id: str):
    return _edit_distribution(slug, dist_id, partial=False)


@bp.patch("/resources/<slug>/distributions/<dist_id>")
def patch_distribution(slug: str, dist_id: str):
    return _edit_distribution(slug, dist_id, partial=True)


@bp.delete("/resources/<slug>/distributions/<dist_id>")
def delete_distribution(slug: str, dist_id: str):
    def change(resource, items):
        _distribution(resource, dist_id)
        return [d for d in items if d["id"] != dist_id], None

    _change_distributions(slug, change)
    return Response(status=204)


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
