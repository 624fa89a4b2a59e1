"""Ley 1712 registers of an entity as a page, CSV and XLSX; the bulk-import templates."""

from __future__ import annotations

from flask import Response, abort, render_template

from ..paging import requested_page
from ..services.bulk_import import template_csv, template_xlsx
from ..tabular import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, Sheet, csv_bytes, xlsx_bytes
from . import bp
from .registers import KINDS, as_text, build_register, find_entity, widths

DOWNLOADS = {"csv": CSV_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}
PAGE_SIZE = 50  # rows per page; the CSV and XLSX downloads are always whole
REGISTER = "<any(" + ", ".join(f"'{key}'" for key in KINDS) + "):register>"


def _download(body: bytes, ext: str, filename: str) -> Response:
    response = Response(body, content_type=DOWNLOADS[ext])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{ext}"'
    response.headers["Cache-Control"] = "public, max-age=600"
    return response


@bp.get(f"/entidad/<slug>/{REGISTER}")
def register_page(slug: str, register: str):
    """The register as an accessible table, a page of rows at a time, with its downloads."""
    built = build_register(KINDS[register], find_entity(slug))
    total = len(built.rows)
    page, pages = requested_page(total, PAGE_SIZE, "el registro")
    first = (page - 1) * PAGE_SIZE
    return render_template(
        "stewardship/register.html",
        register=built,
        as_text=as_text,
        kinds=KINDS.values(),
        page=page,
        pages=pages,
        first=first,
        shown=range(first, min(first + PAGE_SIZE, total)),
    )


@bp.get(f"/entidad/<slug>/{REGISTER}.<ext>")
def register_download(slug: str, register: str, ext: str):
    """The register as CSV (UTF-8 with BOM, ";") or XLSX."""
    if ext not in DOWNLOADS:
        abort(404)
    kind = KINDS[register]
    built = build_register(kind, find_entity(slug))
    if ext == "csv":
        body = csv_bytes(kind.columns, built.rows)
    else:
        body = xlsx_bytes(Sheet(kind.title, kind.columns, built.rows, widths(kind)))
    return _download(body, ext, built.filename)


@bp.get("/importacion/plantilla.<ext>")
def import_template(ext: str):
    """The bulk-import template: the columns (CSV), or columns plus instructions (XLSX)."""
    if ext not in DOWNLOADS:
        abort(404)
    body = template_csv() if ext == "csv" else template_xlsx()
    return _download(body, ext, "plantilla-importacion-recursos")
