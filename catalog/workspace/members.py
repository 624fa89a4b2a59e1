"""An entity's administrators manage its members and its API tokens."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..errors import Invalid, NotFound
from ..extensions import db
from ..models import ROLES, ApiToken
from ..services import accounts, tokens
from ..services.publishers import UNIT_FIELDS, save_unit, units_of
from ..services.resources import find_publisher
from . import bp
from .auth import current_actor

ROLE_LABELS = {"admin": "Administrador(a) de la entidad", "editor": "Editor(a)"}


def _managed(slug: str):
    publisher = find_publisher(slug, "entidad")
    current_actor().require_manage(publisher)
    return publisher


@bp.route("/entidad/<slug>/miembros", methods=["GET", "POST"])
@login_required
def members(slug: str):
    publisher = _managed(slug)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            user = accounts.add_member(
                publisher,
                request.form.get("email", ""),
                request.form.get("role", ""),
                current_actor(),
                name=request.form.get("name", ""),
                password=request.form.get("password", ""),
            )
        except Invalid as error:
            errors, status = error.fields, 422
        else:
            flash(f"{user.email} es ahora miembro de {publisher.name}.", "success")
            return redirect(url_for("workspace.members", slug=slug)), 303
    return (
        render_template(
            "workspace/members.html",
            publisher=publisher,
            members=accounts.members_of(publisher),
            roles=[(r, ROLE_LABELS[r]) for r in ROLES],
            role_labels=ROLE_LABELS,
            errors=errors,
            form=request.form,
        ),
        status,
    )


@bp.post("/entidad/<slug>/miembros/<int:user_id>/quitar")
@login_required
def remove_member(slug: str, user_id: int):
    publisher = _managed(slug)
    try:
        accounts.remove_member(publisher, user_id, current_actor())
    except Invalid as error:
        flash(" ".join(m for ms in error.fields.values() for m in ms), "error")
    else:
        flash("La persona ya no es miembro de la entidad.", "success")
    return redirect(url_for("workspace.members", slug=slug)), 303


@bp.route("/entidad/<slug>/tokens", methods=["GET", "POST"])
@login_required
def api_tokens(slug: str):
    publisher = _managed(slug)
    created = None
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        name = (request.form.get("name") or "").strip()
        days_text = (request.form.get("expires_in_days") or "").strip()
        if not name:
            errors, status = {"name": ["Diga para qué se usará el token."]}, 422
        elif days_text and not (days_text.isdigit() and len(days_text) <= 5):
            errors, status = {"expires_in_days": ["Escriba un número de días."]}, 422
        else:
            try:
                row, plaintext = tokens.create_token(
                    publisher,
                    request.form.get("role", ""),
                    current_actor(),
                    name,
                    int(days_text) if days_text else None,
                )
            except Invalid as error:
                errors, status = error.fields, 422
            else:
                created = (row, plaintext)
                status = 201
    rows = db.session.execute(
        db.select(ApiToken)
        .where(ApiToken.publisher_id == publisher.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
    ).scalars()
    return (
        render_template(
            "workspace/tokens.html",
            publisher=publisher,
            tokens=list(rows),
            created=created,
            roles=[(r, ROLE_LABELS[r]) for r in ROLES],
            role_labels=ROLE_LABELS,
            errors=errors,
        ),
        status,
    )


@bp.post("/entidad/<slug>/tokens/<int:token_id>/revocar")
@login_required
def revoke_token(slug: str, token_id: int):
    _managed(slug)
    row = tokens.revoke_token(token_id, current_actor())
    flash(f"Token {row.prefix}… revocado: ya no sirve para la API.", "success")
    return redirect(url_for("workspace.api_tokens", slug=slug)), 303


@bp.route("/entidad/<slug>/dependencias", methods=["GET", "POST"])
@login_required
def units(slug: str):
    """The entity's units: its administrators create them (and the catalog's)."""
    entity = _managed(slug)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        payload = {n: (request.form.get(n) or "").strip() or None for n in UNIT_FIELDS}
        try:
            unit = save_unit(entity, payload, current_actor())
        except Invalid as error:
            errors, status = error.fields, 422
        else:
            flash(f"Se creó la dependencia «{unit.name}».", "success")
            return redirect(url_for("workspace.units", slug=slug)), 303
    return (
        render_template(
            "workspace/units.html",
            entity=entity,
            units=units_of(entity),
            errors=errors,
            form=request.form,
            editing=None,
        ),
        status,
    )


@bp.route("/entidad/<slug>/dependencias/<unit_slug>", methods=["GET", "POST"])
@login_required
def edit_unit(slug: str, unit_slug: str):
    entity = _managed(slug)
    unit = next((u for u in entity.units if u.slug == unit_slug), None)
    if unit is None:
        raise NotFound("Esa dependencia no existe en la entidad.")
    errors: dict[str, list[str]] = {}
    status = 200
    form: dict = {n: getattr(unit, n) or "" for n in UNIT_FIELDS}
    if request.method == "POST":
        form = dict(request.form)
        payload = {n: (request.form.get(n) or "").strip() or None for n in UNIT_FIELDS}
        try:
            save_unit(entity, payload, current_actor(), unit)
        except Invalid as error:
            errors, status = error.fields, 422
        else:
            flash("Cambios guardados.", "success")
            return redirect(url_for("workspace.units", slug=slug)), 303
    return (
        render_template(
            "workspace/units.html",
            entity=entity,
            units=units_of(entity),
            errors=errors,
            form=form,
            editing=unit,
        ),
        status,
    )
