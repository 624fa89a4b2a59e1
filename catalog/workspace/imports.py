"""Bulk import on the web: an entity uploads a CSV or XLSX and reads the per-row report."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from ..services import bulk_import
from ..services.resources import find_publisher
from . import bp
from .auth import current_actor

# a web request must finish well inside a server's timeout (about 25 ms a row); larger files go
# through `catalog import-csv` (up to bulk_import.MAX_ROWS) or in parts
WEB_MAX_ROWS = 500


@bp.route("/entidad/<slug>/importar", methods=["GET", "POST"])
@login_required
def bulk_upload(slug: str):
    publisher = find_publisher(slug, "entidad")
    actor = current_actor()
    actor.require_edit(publisher)
    report, error, status = None, None, 200
    if request.method == "POST":
        upload = request.files.get("archivo")
        if upload is None or not upload.filename:
            error, status = "Elija un archivo CSV o XLSX.", 422
        else:
            content = upload.stream.read(bulk_import.MAX_BYTES + 1)
            report = bulk_import.import_table(
                content,
                upload.filename,
                actor,
                publisher.slug,
                all_or_nothing="todo_o_nada" in request.form,
                max_rows=WEB_MAX_ROWS,
            )
            if report.problems and not report.imported:
                status = 422
    return (
        render_template(
            "workspace/import.html",
            publisher=publisher,
            report=report,
            error=error,
            max_rows=WEB_MAX_ROWS,
            cli_max_rows=bulk_import.MAX_ROWS,
            max_bytes=bulk_import.MAX_BYTES,
        ),
        status,
    )
