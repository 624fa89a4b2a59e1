"""Harvest sources in the workspace: an entity's admins (and catalog admins) add sources, run
or preview them, pause them and read every run's report."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..errors import Invalid, NotFound
from ..extensions import db
from ..federation import sync
from ..models import HarvestSource
from ..models.harvest import KINDS
from ..services.resources import find_publisher
from . import bp
from .auth import current_actor

KIND_LABELS = {
    "ckan": "CKAN (API de acciones)",
    "dcat": "DCAT (Turtle, RDF/XML, JSON-LD, N-Triples)",
    "datajson": "data.json (DCAT-US: datos.gov.co, ArcGIS Hub)",
}


def _source(name: str) -> HarvestSource:
    source = db.session.execute(
        db.select(HarvestSource).where(HarvestSource.name == name)
    ).scalar_one_or_none()
    if source is None:
        raise NotFound("No existe esa fuente de cosecha.")
    current_actor().require_manage(source.publisher)
    return source


@bp.route("/entidad/<slug>/cosecha", methods=["GET", "POST"])
@login_required
def harvest_sources(slug: str):
    publisher = find_publisher(slug, "entidad")
    actor = current_actor()
    actor.require_manage(publisher)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        form = request.form
        try:
            source = sync.add_source(
                form.get("name", "").strip(),
                form.get("publisher") or publisher.slug,
                form.get("kind", ""),
                form.get("url", "").strip(),
                form.get("every", "1d").strip(),
                form.get("grace", "7d").strip(),
                {
                    "organization": form.get("organization", "").strip(),
                    "publisher": form.get("dcat_publisher", "").strip(),
                },
                actor=actor,
            )
        except Invalid as error:
            errors, status = error.fields, 422
        else:
            flash(f"Fuente «{source.name}» registrada. Pruébela con «Vista previa».", "success")
            return redirect(url_for("workspace.harvest_source", name=source.name)), 303
    family = publisher.family_ids
    sources = (
        db.session.execute(
            db.select(HarvestSource)
            .where(HarvestSource.publisher_id.in_(family))
            .order_by(HarvestSource.name)
        )
        .scalars()
        .all()
    )
    return (
        render_template(
            "workspace/harvest_sources.html",
            publisher=publisher,
            sources=sources,
            kinds=[(k, KIND_LABELS[k]) for k in KINDS],
            errors=errors,
            form=request.form,
        ),
        status,
    )


@bp.get("/cosecha/<name>")
@login_required
def harvest_source(name: str):
    source = _source(name)
    return render_template(
        "workspace/harvest_source.html", source=source, runs=source.runs[:30], report=None
    )


@bp.post("/cosecha/<name>/ejecutar")
@login_required
def harvest_run(name: str):
    """Run now, or preview (`vista_previa`): what a run would do, changing nothing."""
    source = _source(name)
    preview = bool(request.form.get("vista_previa"))
    report = sync.run(source, dry_run=preview)
    db.session.refresh(source)
    status = 409 if report.status == "locked" else 200
    return (
        render_template(
            "workspace/harvest_source.html", source=source, runs=source.runs[:30], report=report
        ),
        status,
    )


@bp.post("/cosecha/<name>/estado")
@login_required
def harvest_toggle(name: str):
    source = _source(name)
    source.active = not source.active
    db.session.commit()
    flash(f"Fuente «{source.name}» {'activada' if source.active else 'pausada'}.", "success")
    return redirect(url_for("workspace.harvest_source", name=source.name)), 303
