"""The catalog administrators' pages (Secretaría General): entities, units and users."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from ..errors import Invalid
from ..extensions import db
from ..models import ROLES, Membership, Publisher, User
from ..services import accounts
from ..services.publishers import FIELDS, save_publisher
from ..services.resources import find_publisher
from . import bp
from .auth import admin_required, current_actor
from .members import ROLE_LABELS


def _publisher_payload(form) -> dict:
    payload = {name: (form.get(name) or "").strip() or None for name in (*FIELDS, "parent")}
    payload["slug"] = (form.get("slug") or "").strip()
    return payload


def _all_publishers() -> list[Publisher]:
    rows = db.session.execute(
        db.select(Publisher).options(selectinload(Publisher.parent))
    ).scalars()
    return sorted(rows, key=lambda p: p.display_name)


@bp.route("/admin/entidades", methods=["GET", "POST"])
@admin_required
def admin_publishers():
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            created = save_publisher(_publisher_payload(request.form), current_actor())
        except Invalid as error:
            errors, status = error.fields, 422
        else:
            flash(f"Se creó «{created.display_name}».", "success")
            return redirect(url_for("workspace.admin_publishers")), 303
    return (
        render_template(
            "workspace/admin_publishers.html",
            publishers=_all_publishers(),
            errors=errors,
            form=request.form,
            editing=None,
        ),
        status,
    )


@bp.route("/admin/entidades/<slug>", methods=["GET", "POST"])
@admin_required
def admin_publisher(slug: str):
    publisher = find_publisher(slug, "entidad")
    errors: dict[str, list[str]] = {}
    status = 200
    form: Any = request.form
    if request.method == "POST":
        try:
            save_publisher(_publisher_payload(request.form), current_actor(), publisher)
        except Invalid as error:
            errors, status = error.fields, 422
        else:
            flash("Cambios guardados.", "success")
            return redirect(url_for("workspace.admin_publisher", slug=slug)), 303
    else:
        form = {name: getattr(publisher, name) or "" for name in FIELDS}
        form["slug"] = publisher.slug
        form["parent"] = publisher.parent.slug if publisher.parent else ""
    return (
        render_template(
            "workspace/admin_publishers.html",
            publishers=_all_publishers(),
            errors=errors,
            form=form,
            editing=publisher,
        ),
        status,
    )


@bp.route("/admin/usuarios", methods=["GET", "POST"])
@admin_required
def admin_users():
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            user = accounts.create_user(
                email=request.form.get("email", ""),
                password=request.form.get("password", ""),
                name=request.form.get("name", ""),
                is_admin="is_admin" in request.form,
                publisher_slug=request.form.get("publisher") or None,
                role=request.form.get("role", "editor"),
            )
        except Invalid as error:
            errors, status = error.fields, 422
        else:
            flash(f"Se creó la cuenta de {user.email}.", "success")
            return redirect(url_for("workspace.admin_users")), 303
    users = db.session.execute(
        db.select(User)
        .options(selectinload(User.memberships).selectinload(Membership.publisher))
        .order_by(User.email)
    ).scalars()
    return (
        render_template(
            "workspace/admin_users.html",
            users=list(users),
            publishers=_all_publishers(),
            roles=[(r, ROLE_LABELS[r]) for r in ROLES],
            role_labels=ROLE_LABELS,
            errors=errors,
            form=request.form,
        ),
        status,
    )


@bp.post("/admin/usuarios/<int:user_id>")
@admin_required
def admin_user_flags(user_id: int):
    try:
        user = accounts.set_user_flags(
            user_id,
            current_actor(),
            active="active" in request.form,
            is_admin="is_admin" in request.form,
        )
    except Invalid as error:
        flash(" ".join(m for ms in error.fields.values() for m in ms), "error")
    else:
        flash(f"Cuenta de {user.email} actualizada.", "success")
    return redirect(url_for("workspace.admin_users")), 303
