"""Publishers' pages for resources: dashboards, the create/edit form, workflow, draft files."""

from __future__ import annotations

import uuid as uuid_module
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required
from sqlalchemy.orm import selectinload

from ..errors import Forbidden, Invalid, NotFound, PreconditionFailed
from ..extensions import db
from ..markdown import render_markdown
from ..models import DRAFT, PUBLISHED, WITHDRAWN, Distribution, Publisher, Resource
from ..schemas.resources import ResourceSchema, load
from ..services import files as file_store
from ..services import resources as service
from ..services import snapshot as snap
from ..services.actors import Actor
from ..stewardship.checks import resource_checks
from ..web.files import send_hosted_file
from . import bp
from .auth import current_actor
from .compare import compare_snapshots
from .form import (
    COUNT,
    Group,
    Submission,
    count_value,
    error_target,
    input_names,
    read_form,
    sections_for,
    values_from_data,
    values_from_form,
)

# fields a form never sends: the resource's identity and life cycle
NOT_IN_FORM = ("uuid", "slug", "status", "withdrawn_reason")
# set by the catalog when it stores a file, never by a form (a hosted file's size is measured)
HOSTED_ONLY = ("file_key", "file_name", "checksum_sha256")


# ---------------------------------------------------------------- who may do what


def _all_publishers() -> list[Publisher]:
    query = db.select(Publisher).options(selectinload(Publisher.parent))
    return sorted(db.session.execute(query).scalars(), key=lambda p: p.display_name)


def editable_publishers(actor: Actor, publishers: list[Publisher] | None = None) -> list[Publisher]:
    """Publishers the actor may write for: every one for administrators, else each membership's
    publisher with its units."""
    return [p for p in publishers or _all_publishers() if actor.can_edit(p)]


def _editable_resource(slug: str) -> Resource:
    resource = service.get_resource(slug)
    current_actor().require_edit(resource.publisher)
    return resource


# ---------------------------------------------------------------- the form


def _choices(actor: Actor) -> dict[str, Any]:
    everyone = _all_publishers()
    return {
        "publishers": [(p.slug, p.display_name) for p in editable_publishers(actor, everyone)],
        "creators": [(p.slug, p.display_name) for p in everyone],
    }


def _render_form(
    *,
    resource: Resource | None,
    resource_type: str,
    values: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    preview: dict[str, Any] | None = None,
    conflict: list | None = None,
    status: int = 200,
):
    sections = sections_for(resource_type)
    counts = {}
    for section in sections:
        for item in section.items:
            if isinstance(item, Group):
                counts[item.name] = count_value(values.get(f"{item.name}.{COUNT}"), 1)
    hosted = {}
    if resource is not None:
        hosted = {d.uuid: d for d in resource.distributions if d.is_hosted}
    html = render_template(
        "workspace/resource_form.html",
        resource=resource,
        resource_type=resource_type,
        sections=sections,
        values=values,
        errors=errors or {},
        counts=counts,
        hosted=hosted,
        preview=preview,
        conflict=conflict,
        choices=_choices(current_actor()),
        checks=resource_checks(resource) if resource is not None else [],
        max_upload=current_app.config["CATALOG_MAX_UPLOAD_BYTES"],
        accepted=file_store.ACCEPTED,
    )
    return html, status


def _type_of(form_type: str | None) -> str:
    vocab = current_app.extensions["vocab"]
    if form_type and form_type in vocab["resource-types"]:
        return form_type
    abort(404)


@bp.get("/nuevo")
@login_required
def new_resource():
    resource_type = request.args.get("tipo")
    if not resource_type:
        return render_template("workspace/choose_type.html")
    resource_type = _type_of(resource_type)
    publishers = editable_publishers(current_actor())
    if not publishers:
        raise Forbidden("No es miembro de ninguna entidad: pida a su administrador que lo agregue.")
    values: dict[str, Any] = {
        "type": resource_type,
        "publisher": publishers[0].slug,
        # the catalog's defaults, visible and changeable before the record exists
        "license": service.CATALOG_LICENCE,
        "languages": [service.CATALOG_LANGUAGE],
    }
    if "entidad" in request.args:
        values["publisher"] = request.args["entidad"]
    return _render_form(resource=None, resource_type=resource_type, values=values)


@bp.post("/nuevo")
@login_required
def create_resource():
    resource_type = _type_of(request.form.get("type"))
    return _submit(None, resource_type)


@bp.get("/recurso/<slug>")
@login_required
def edit_resource(slug: str):
    resource = _editable_resource(slug)
    data = {k: v for k, v in snap.snapshot(resource).items() if k not in NOT_IN_FORM}
    values = values_from_data(data)
    values["version"] = resource.lock_version
    return _render_form(resource=resource, resource_type=resource.type, values=values)


@bp.post("/recurso/<slug>")
@login_required
def update_resource(slug: str):
    resource = _editable_resource(slug)
    current_actor().require_write(resource)  # a harvested resource is its source's
    resource_type = _type_of(request.form.get("type") or resource.type)
    return _submit(resource, resource_type)


def _submit(resource: Resource | None, resource_type: str):
    """Handle a form post: add a row, preview, or validate and save."""
    action = request.form.get("accion", "guardar")
    values = values_from_form(request.form)
    if action.startswith("agregar:"):
        group = action.partition(":")[2]
        key = f"{group}.{COUNT}"
        values[key] = count_value(count_value(values.get(key)) + 1)
        return _render_form(resource=resource, resource_type=resource_type, values=values)
    submission = read_form(request.form, request.files, resource_type)
    if action == "vista-previa":
        return _render_form(
            resource=resource,
            resource_type=resource_type,
            values=values,
            preview=_preview(submission.data),
        )
    record = snap.snapshot(resource) if resource is not None else None
    data = _merged_data(record, submission)
    if resource is not None and request.form.get("version") != str(resource.lock_version):
        return _conflict(resource, resource_type, values, data)
    # the distributions as stored (hosted-file fields included), by id
    current = {d["id"]: d for d in (record or {}).get("distributions", [])}
    try:
        validated = load(ResourceSchema(), _for_validation(data, submission, current))
    except Invalid as error:
        return _form_errors(resource, resource_type, values, error, submission)
    try:
        stored = _store_uploads(submission)
    except Invalid as error:
        return _form_errors(resource, resource_type, values, error, submission)
    _attach_files(validated, current, stored)
    if action == "publicar":
        validated["status"] = PUBLISHED
    actor = current_actor()
    try:
        if resource is None:
            validated.setdefault("status", DRAFT)
            resource = service.create_resource(validated, actor, trusted=True)
            flash("Recurso creado.", "success")
        else:
            expected = f'"r{resource.id}-v{request.form.get("version")}"'
            resource = service.update_resource(
                resource,
                validated,
                actor,
                partial=False,
                expected_etag=expected,
                trusted=True,
                reviewed=True,
            )
            flash("Cambios guardados. La revisión queda registrada con la fecha de hoy.", "success")
    except BaseException as error:
        for item in stored.values():  # the change was refused: its new files go too
            file_store.discard(item)
        if isinstance(error, PreconditionFailed) and resource is not None:
            db.session.rollback()
            fresh = service.get_resource(resource.slug)
            return _conflict(fresh, resource_type, values, data)
        if isinstance(error, Invalid):
            return _form_errors(resource, resource_type, values, error, submission)
        raise
    if action == "publicar" and resource.status == PUBLISHED:
        flash("El recurso está publicado.", "success")
    return redirect(url_for("workspace.edit_resource", slug=resource.slug))


def _merged_data(record: dict[str, Any] | None, submission: Submission) -> dict[str, Any]:
    """The form's data over the current record: fields the form doesn't show are kept."""
    base = {k: v for k, v in (record or {}).items() if k not in NOT_IN_FORM}
    current = dict(base)
    base.update(submission.data)
    for name in ("themes", "languages"):  # checkboxes come in the form's order: keep ours
        chosen = base.get(name) or []
        kept = [v for v in current.get(name) or [] if v in chosen]
        base[name] = kept + [v for v in chosen if v not in kept]
    return base


def _for_validation(
    data: dict[str, Any], submission: Submission, current: dict[str, dict]
) -> dict[str, Any]:
    """What the API schema checks: uploaded rows get their new id (they need no URL); ids that
    are not this resource's are dropped; hosted-file fields are never taken from a form."""
    checked = dict(data)
    dists = []
    rows = submission.rows.get("distributions", [])
    for row, item in zip(rows, data.get("distributions") or [], strict=True):
        item = {k: v for k, v in item.items() if k not in HOSTED_ONLY}
        if item.get("id") not in current:
            item.pop("id", None)
        if row["__file"] is not None and not item.get("id"):
            row["__new_id"] = str(uuid_module.uuid4())
            item["id"] = row["__new_id"]
        dists.append(item)
    checked["distributions"] = dists
    return checked


def _store_uploads(submission: Submission) -> dict[int, file_store.StoredFile]:
    stored: dict[int, file_store.StoredFile] = {}
    try:
        for position, row in enumerate(submission.rows.get("distributions", [])):
            upload = row["__file"]
            if upload is not None:
                stored[position] = file_store.store_upload(
                    upload.stream, upload.filename, f"distributions.{position}.file"
                )
    except BaseException:
        for item in stored.values():
            file_store.discard(item)
        raise
    return stored


def _attach_files(validated, current: dict[str, dict], stored) -> None:
    """Give each validated distribution its hosted-file fields: kept from the current record
    for existing rows, measured for new uploads (replacing an existing row's file)."""
    for position, item in enumerate(validated.get("distributions") or []):
        existing = current.get(item.get("id") or "")
        if existing is not None and existing.get("file_key"):
            for name in snap.FILE_FIELDS:
                item[name] = existing.get(name)
        new = stored.get(position)
        if new is not None:
            item.update(
                file_key=new.file_key,
                file_name=new.file_name,
                checksum_sha256=new.checksum_sha256,
                byte_size=new.byte_size,
            )
            # the type found in the bytes decides, never the one typed in the form
            item["media_type"] = new.media_type
            item["format"] = new.format
            item["title"] = item.get("title") or new.file_name


def _form_errors(resource, resource_type, values, error: Invalid, submission: Submission):
    counts = {g: count_value(values.get(f"{g}.{COUNT}"), 1) for g in submission.rows}
    names = input_names(resource_type, counts)
    errors: dict[str, list[str]] = {}
    for path, messages in error.fields.items():
        parts = path.split(".")
        group = next((g for g in submission.rows if path.startswith(g + ".")), None)
        if group is not None:
            depth = group.count(".") + 1
            if len(parts) > depth and parts[depth].isdigit():
                rows = submission.rows[group]
                k = int(parts[depth])
                if k < len(rows):
                    parts[depth] = str(rows[k]["__index"])
        target = error_target(".".join(parts), names)
        errors.setdefault(target, []).extend(messages)
    return _render_form(
        resource=resource, resource_type=resource_type, values=values, errors=errors, status=422
    )


MARKDOWN_FIELDS = (
    ("description", "Descripción"),
    ("good_practice.baseline", "Línea base"),
    ("good_practice.contribution", "Aporte"),
    ("good_practice.dissemination", "Difusión"),
    ("good_practice.other_aspects", "Otros aspectos"),
    ("good_practice.stability_changes", "Estabilidad"),
    ("good_practice.continuity_means", "Continuidad"),
    ("good_practice.elements_to_keep", "Elementos que deben mantenerse"),
)


def _preview(data: dict[str, Any]) -> dict[str, Any]:
    """The Markdown fields rendered exactly as the public page renders them (sanitised)."""
    out = {}
    for path, label in MARKDOWN_FIELDS:
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value:
            out[label] = render_markdown(value)
    return out


def _conflict(resource: Resource, resource_type: str, values: dict, data: dict):
    """Someone saved meanwhile: show their version beside this one; keep what was typed."""
    current = {k: v for k, v in snap.snapshot(resource).items() if k not in NOT_IN_FORM}
    rows = compare_snapshots(current, data)
    values["version"] = str(resource.lock_version)
    return _render_form(
        resource=resource, resource_type=resource_type, values=values, conflict=rows, status=409
    )


# ---------------------------------------------------------------- workflow


@bp.post("/recurso/<slug>/estado")
@login_required
def change_status(slug: str):
    resource = _editable_resource(slug)
    target = request.form.get("estado")
    statuses = {"publicar": PUBLISHED, "borrador": DRAFT, "retirar": WITHDRAWN}
    if target not in statuses:
        raise Invalid({"estado": ["Acción desconocida."]})
    expected = f'"r{resource.id}-v{request.form.get("version", "")}"'
    try:
        service.change_status(
            resource,
            statuses[target],
            current_actor(),
            reason=(request.form.get("motivo") or "").strip() or None,
            expected_etag=expected,
        )
    except Invalid as error:
        flash(" ".join(m for ms in error.fields.values() for m in ms), "error")
        return redirect(url_for("workspace.edit_resource", slug=slug)), 303
    except PreconditionFailed:
        flash("Otra persona cambió el recurso mientras tanto; revise la versión actual.", "error")
        return redirect(url_for("workspace.edit_resource", slug=slug)), 303
    messages = {
        "publicar": "El recurso está publicado.",
        "borrador": "El recurso volvió a borrador: ya no es público.",
        "retirar": "El recurso fue retirado del catálogo.",
    }
    flash(messages[target], "success")
    return redirect(url_for("workspace.edit_resource", slug=slug)), 303


@bp.get("/archivo/<uuid>")
@login_required
def hosted_file(uuid: str):
    """A hosted file of a resource the user may edit (drafts included), always as a download."""
    dist = db.session.execute(
        db.select(Distribution).where(Distribution.uuid == uuid)
    ).scalar_one_or_none()
    if dist is None or not dist.file_key:
        raise NotFound("No existe ese archivo.")
    current_actor().require_edit(dist.resource.publisher)

    return send_hosted_file(dist)
