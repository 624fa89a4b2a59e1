"""A resource's history: every revision, a readable diff between any two, and restore."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..errors import BadRequest, Invalid, NotFound, PreconditionFailed
from ..extensions import db
from ..models import Revision
from ..services import resources as service
from ..services.history import revisions_of
from . import bp
from .auth import current_actor
from .compare import compare_snapshots
from .resources import _editable_resource

# what a restore brings back: the content, not the life cycle (a restore never unpublishes)
LIFE_CYCLE = ("uuid", "slug", "status", "withdrawn_reason")


def _revision(resource_id: int, seq: int) -> Revision:
    revision = db.session.execute(
        db.select(Revision).where(Revision.resource_id == resource_id, Revision.seq == seq)
    ).scalar_one_or_none()
    if revision is None:
        raise NotFound("No existe esa versión.")
    return revision


def _seq(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise BadRequest(f"«{name}» debe ser un número de versión.")
    return int(raw)


@bp.get("/recurso/<slug>/historial")
@login_required
def history(slug: str):
    resource = _editable_resource(slug)
    revisions = revisions_of(resource)
    newest = revisions[-1].seq if revisions else 0
    to_seq = _seq("a", newest)
    from_seq = _seq("de", max(to_seq - 1, 1))
    changes, older, newer = [], None, None
    if revisions:
        older, newer = _revision(resource.id, from_seq), _revision(resource.id, to_seq)
        changes = compare_snapshots(older.snapshot, newer.snapshot)
    return render_template(
        "workspace/history.html",
        resource=resource,
        revisions=list(reversed(revisions)),
        older=older,
        newer=newer,
        changes=changes,
    )


@bp.post("/recurso/<slug>/historial/<int:seq>/restaurar")
@login_required
def restore(slug: str, seq: int):
    resource = _editable_resource(slug)
    revision = _revision(resource.id, seq)
    data = {k: v for k, v in revision.snapshot.items() if k not in LIFE_CYCLE}
    expected = f'"r{resource.id}-v{request.form.get("version", "")}"'
    version_before = resource.lock_version
    try:
        updated = service.update_resource(
            resource,
            data,
            current_actor(),
            partial=False,
            expected_etag=expected,
            action="restore",
            summary=f"Restauración de la versión {seq}.",
            trusted=True,
        )
    except PreconditionFailed:
        flash(
            "Otra persona cambió el recurso mientras tanto; revise el historial otra vez.", "error"
        )
        return redirect(url_for("workspace.history", slug=slug)), 303
    except Invalid as error:  # an old version that today's rules refuse (e.g. Ley 1712 fields)
        reasons = "; ".join(m for messages in error.fields.values() for m in messages)
        flash(
            f"La versión {seq} no se puede restaurar tal cual: {reasons} Edite el recurso en su "
            "lugar.",
            "error",
        )
        return redirect(url_for("workspace.history", slug=slug)), 303
    if updated.lock_version == version_before:
        flash(f"La versión {seq} es igual a la actual: no hubo cambios.", "info")
    else:
        flash(f"Se restauró la versión {seq} como una versión nueva.", "success")
    return redirect(url_for("workspace.history", slug=slug)), 303
