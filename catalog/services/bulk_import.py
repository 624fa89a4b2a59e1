"""Bulk import of resources from a CSV or XLSX file, row by row, with a per-row report.

Every row is checked with the API's rules (ResourceSchema via `load`) and created through
services.resources (authorisation, revision, derived state). Two modes:

- "válidas" (default): every valid row is imported, each in its own transaction;
- "todo o nada" (`all_or_nothing=True`): every row is validated first and, only when none is
  refused, all are imported in ONE transaction (any late refusal rolls them all back).

The file: first row the column names (see COLUMNS; accents, case and spaces do not matter, the
API's field names work too), one resource per row; lists (keywords, themes, languages) separated
by "|"; at most one distribution per row (`distribucion_*` columns); dates AAAA-MM-DD (or
DD/MM/AAAA). Cells are plain text: a value starting with "=" is stored as typed, never evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from ..errors import CatalogError, Invalid, NotFound
from ..extensions import db
from ..models import Publisher, Resource
from ..registry import RESOURCE
from ..schemas.resources import ResourceSchema, load
from ..tabular import Sheet, TableError, csv_bytes, read_table, xlsx_bytes
from ..text import fold
from .actors import Actor
from .resources import batch, create_resource, find_publisher, update_resource
from .snapshot import DISTRIBUTION_FIELDS

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024
LIST_SEPARATOR = "|"
FILE = "archivo"  # the field of problems about the whole file (row 0) or its header (row 1)


@dataclass(frozen=True)
class Column:
    header: str  # as the template writes it
    path: str  # API field; "norm.number", "distributions.0.title" for nested ones
    help: str
    vocab: str | None = None  # concept scheme whose notations the cell takes
    is_list: bool = False
    is_date: bool = False
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    # the resource's own fields, as catalog/registry.py declares their columns
    *(
        Column(
            spec.column,
            spec.name,
            spec.column_help,
            vocab=spec.vocab,
            is_list=spec.kind == "list",
            is_date=spec.kind == "date",
            required=spec.required,
        )
        for spec in RESOURCE
        if spec.column
    ),
    Column("norma_numero", "norm.number", "Normas: número."),
    Column("norma_fecha", "norm.date", "Normas: fecha de expedición.", is_date=True),
    Column("norma_emisor", "norm.issuer", "Normas: autoridad que la expidió."),
    Column(
        "norma_vigencia", "norm.legal_status", "Normas: estado de vigencia.", vocab="legal-status"
    ),
    Column("norma_nota_vigencia", "norm.legal_status_note", "Normas: nota sobre la vigencia."),
    Column(
        "norma_reemplazada_por", "norm.superseded_by", "Normas: URL de la norma que la reemplaza."
    ),
    Column("distribucion_titulo", "distributions.0.title", "Archivo o enlace: título."),
    Column(
        "distribucion_descripcion", "distributions.0.description", "Archivo o enlace: descripción."
    ),
    Column(
        "distribucion_url", "distributions.0.access_url", "Archivo o enlace: dirección de acceso."
    ),
    Column(
        "distribucion_descarga",
        "distributions.0.download_url",
        "Archivo o enlace: descarga directa.",
    ),
    Column(
        "distribucion_formato",
        "distributions.0.format",
        "Archivo o enlace: formato.",
        vocab="file-types",
    ),
    Column(
        "distribucion_tipo_medio",
        "distributions.0.media_type",
        "Archivo o enlace: tipo de medio IANA (p. ej. text/csv).",
    ),
    Column(
        "distribucion_licencia",
        "distributions.0.license",
        "Archivo o enlace: licencia, si difiere.",
        vocab="licences",
    ),
)
STATUSES = {
    "borrador": "draft",
    "draft": "draft",
    "publicado": "published",
    "publicada": "published",
    "published": "published",
}
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", fold(name))


_BY_KEY: dict[str, Column] = {}
for _column in COLUMNS:
    _BY_KEY[_key(_column.header)] = _column
    if "." not in _column.path:
        _BY_KEY.setdefault(_key(_column.path), _column)
_BY_PATH = {c.path: c for c in COLUMNS}
_BY_PATH.update(
    {"distributions": _BY_PATH["distributions.0.access_url"], "norm": _BY_PATH["norm.number"]}
)


# ------------------------------------------------------------------------------ report


@dataclass(frozen=True)
class Problem:
    row: int  # spreadsheet row: 1 is the header, 0 the file as a whole
    field: str  # the column's header (FILE for the file)
    reason: str  # Spanish


@dataclass
class ImportReport:
    filename: str
    all_or_nothing: bool
    kind: str | None = None  # "csv" / "xlsx"
    encoding: str | None = None
    total: int = 0  # data rows read (blank rows left out)
    valid: int = 0  # rows that passed every check
    imported: list[tuple[int, str]] = field(default_factory=list)  # (row, slug) created
    updated: list[tuple[int, str]] = field(default_factory=list)  # (row, slug) it matched
    unchanged: list[tuple[int, str]] = field(default_factory=list)  # matched, nothing new
    skipped: list[tuple[int, str]] = field(default_factory=list)  # matched, --only-new
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[int, str, str]]:
        """Every problem as (row, field, reason), in row order."""
        return [(p.row, p.field, p.reason) for p in sorted(self.problems, key=lambda p: p.row)]

    @property
    def refused_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row > 1})

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.total,
            "valid": self.valid,
            "imported": len(self.imported),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
            "refused": len(self.refused_rows),
        }

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def mode(self) -> str:
        return "todo o nada" if self.all_or_nothing else "válidas"

    def lines(self) -> list[str]:
        """The report in Spanish, one line each (the CLI prints them)."""
        read = f"{self.kind.upper()}" if self.kind else "archivo"
        if self.encoding:
            read += f", {self.encoding}"
        out = [
            f"{self.filename} ({read}), modo «{self.mode}»: {self.total} filas, "
            f"{self.valid} válidas, {len(self.imported)} importadas, "
            f"{len(self.updated)} actualizadas, {len(self.unchanged)} sin cambios, "
            f"{len(self.skipped)} omitidas, {len(self.refused_rows)} rechazadas."
        ]
        if self.all_or_nothing and self.problems and not (self.imported or self.updated):
            out.append("No se importó ninguna fila (todo o nada).")
        for row, slug in self.skipped:
            out.append(f"  fila {row}: ya existe «{slug}»; se omitió (solo nuevos).")
        for row, name, reason in self.rows:
            where = "archivo" if row == 0 else f"fila {row}"
            out.append(f"  {where}, {name}: {reason}")
        return out


# ------------------------------------------------------------------------------ import


def import_table(
    file_bytes: bytes,
    filename: str,
    actor: Actor,
    publisher_slug: str,
    all_or_nothing: bool = False,
    max_rows: int | None = None,
    only_new: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import the resources of a CSV/XLSX into an entity (or unit) and report row by row.

    A row whose `slug` names an existing resource — or, without a slug, whose title (accents
    and case aside) and entity match one — updates it with the row's cells (no revision if
    nothing changed), so importing the same sheet twice creates nothing twice; with
    `only_new` such rows are reported and skipped. Raises Forbidden when the actor may not
    write for the publisher; every other problem (file, header, rows) is in the report.
    """
    try:
        entity = find_publisher(publisher_slug)
    except Invalid:
        raise NotFound(f"No existe la entidad «{publisher_slug}».") from None
    actor.require_edit(entity)
    report = ImportReport(filename=filename, all_or_nothing=all_or_nothing)
    try:
        limit = max_rows or MAX_ROWS
        table = read_table(file_bytes, filename, max_rows=limit, max_bytes=MAX_BYTES)
    except TableError as error:
        report.problems.append(Problem(0, FILE, str(error)))
        return report
    report.kind, report.encoding, report.total = table.kind, table.encoding, len(table.rows)
    columns = _header(table.header, report)
    if report.problems:
        return report
    checker = _Checker(entity, actor)
    valid: list[tuple[int, dict[str, Any], Resource | None]] = []
    for number, cells in table.rows:
        before = len(report.problems)
        payload = _payload(columns, cells, entity.slug, number, report)
        data = checker.row(number, payload, report)
        if data is not None and len(report.problems) == before:
            target = checker.match(number, data, report)
            if len(report.problems) == before:
                if target is not None and only_new:
                    report.skipped.append((number, target.slug))
                    continue
                # an update changes only the columns the sheet fills in
                given = {k: v for k, v in data.items() if k in payload or k == "publisher"}
                valid.append((number, given if target is not None else data, target))
    report.valid = len(valid) + len(report.skipped)

    def advanced(done: int) -> None:
        if progress:
            progress(done, len(valid))

    advanced(0)
    summaries = [f"Importación masiva ({filename}, fila {number})." for number, _, _ in valid]
    if all_or_nothing:
        if report.problems or not valid:
            db.session.rollback()  # nothing written; end the read transaction
            return report
        try:
            with batch():
                for done, ((number, data, target), summary) in enumerate(
                    zip(valid, summaries, strict=True), 1
                ):
                    try:
                        _write(report, number, data, target, actor, summary)
                    except CatalogError as error:
                        _add_error(report, number, error)
                        raise _Undo from None
                    advanced(done)
        except _Undo:
            report.imported, report.updated, report.unchanged = [], [], []
        return report
    for done, ((number, data, target), summary) in enumerate(zip(valid, summaries, strict=True), 1):
        try:
            _write(report, number, data, target, actor, summary)
        except CatalogError as error:
            report.valid -= 1
            _add_error(report, number, error)
        advanced(done)
    db.session.rollback()
    return report


def _merged_distributions(target: Resource, given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A row's one distribution updates the resource's distribution with the same address
    (keeping its identifier) or is added; the resource's other distributions stay."""
    row = {k: v for k, v in (given[0] if given else {}).items() if v is not None}
    merged, matched = [], False
    for dist in target.distributions:
        item = {"id": dist.uuid, **{name: getattr(dist, name) for name in DISTRIBUTION_FIELDS}}
        same = row.get("access_url") and row.get("access_url") in (
            dist.access_url,
            dist.download_url,
        )
        if row and not matched and same:
            item.update(row)
            matched = True
        merged.append(item)
    if row and not matched:
        merged.append(row)
    return merged


class _Undo(Exception):
    """An all-or-nothing import met a refused row: the whole batch rolls back."""


def _write(
    report: ImportReport,
    number: int,
    data: dict[str, Any],
    target: Resource | None,
    actor: Actor,
    summary: str,
) -> None:
    if target is None:
        resource = create_resource(data, actor, summary=summary)
        report.imported.append((number, resource.slug))
        return
    if "distributions" in data:
        data = {**data, "distributions": _merged_distributions(target, data["distributions"])}
    version = target.version
    update_resource(target, data, actor, partial=True, summary=summary)
    changed = target.version != version
    (report.updated if changed else report.unchanged).append((number, target.slug))


def _header(header: list[str], report: ImportReport) -> list[Column | None]:
    columns: list[Column | None] = []
    seen: set[str] = set()
    for name in header:
        if not name:
            columns.append(None)
            continue
        column = _BY_KEY.get(_key(name))
        if column is None:
            report.problems.append(Problem(1, name, "Columna desconocida (vea la plantilla)."))
        elif column.header in seen:
            report.problems.append(Problem(1, name, "Columna repetida."))
        else:
            seen.add(column.header)
        columns.append(column)
    for column in COLUMNS:
        if column.required and column.header not in seen:
            report.problems.append(Problem(1, column.header, "Falta esta columna obligatoria."))
    return columns


def _payload(
    columns: list[Column | None],
    cells: list[str],
    entity_slug: str,
    number: int,
    report: ImportReport,
) -> dict[str, Any]:
    """A row as the API's JSON input (empty cells are left out)."""
    payload: dict[str, Any] = {"publisher": entity_slug}
    for position, raw in enumerate(cells):
        value = raw.strip()
        if not value:
            continue
        column = columns[position] if position < len(columns) else None
        if column is None:
            report.problems.append(
                Problem(
                    number, f"columna {position + 1}", "Hay un valor en una columna sin nombre."
                )
            )
            continue
        item: Any = value
        if column.is_list:
            item = [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
        elif column.is_date and (match := _DMY.match(value)):
            day, month, year = match.groups()
            item = f"{year}-{int(month):02d}-{int(day):02d}"
        elif column.path == "status":
            item = STATUSES.get(fold(value), value)
        _set(payload, column.path, item)
    return payload


def _set(payload: dict[str, Any], path: str, value: Any) -> None:
    if path.startswith("distributions.0."):
        distributions = payload.setdefault("distributions", [{}])
        distributions[0][path.rsplit(".", 1)[1]] = value
    elif path.startswith("norm."):
        payload.setdefault("norm", {})[path.split(".", 1)[1]] = value
    else:
        payload[path] = value


class _Checker:
    """The API's rules for one row, plus what the service would refuse (checked up front so
    an all-or-nothing import reports every bad row, not only the first)."""

    def __init__(self, entity: Publisher, actor: Actor):
        self.entity, self.actor = entity, actor
        family = db.session.execute(
            db.select(Publisher).where(Publisher.id.in_(entity.family_ids))
        ).scalars()
        self.family = {p.slug: p for p in family}
        self.family_ids = {p.id for p in self.family.values()}
        self.titles: dict[tuple[str, int | None], int] | None = None  # existing, folded
        self.titles_seen: dict[tuple[str, int | None], int] = {}
        self.known: dict[str, bool] = {}
        self.slugs: dict[str, int] = {}  # slug → the row that claims it

    def row(
        self, number: int, payload: dict[str, Any], report: ImportReport
    ) -> dict[str, Any] | None:
        """The validated data of a row, or None (its problems go to the report)."""
        if payload.get("status") not in (None, "draft", "published"):
            report.problems.append(Problem(number, "estado", "Use «borrador» o «publicado»."))
            payload.pop("status")
        try:
            data = load(ResourceSchema(), payload)
        except Invalid as error:
            _add_error(report, number, error)
            return None
        self._references(number, data, report)
        return data

    def _references(self, number: int, data: dict[str, Any], report: ImportReport) -> None:
        publisher = self.family.get(data["publisher"])
        if publisher is None:
            reason = f"No es «{self.entity.name}» ni una de sus dependencias."
            report.problems.append(Problem(number, "dependencia", reason))
        elif not self.actor.can_edit(publisher):
            reason = f"No tiene permiso para publicar en «{publisher.display_name}»."
            report.problems.append(Problem(number, "dependencia", reason))
        creator = data.get("creator")
        if creator and not self._exists(creator):
            reason = "No existe una entidad o dependencia con ese identificador."
            report.problems.append(Problem(number, "responsable_produccion", reason))
        slug = data.get("slug")
        if slug:
            if slug in self.slugs:
                reason = f"Se repite en la fila {self.slugs[slug]}."
                report.problems.append(Problem(number, "slug", reason))
            self.slugs.setdefault(slug, number)

    def match(self, number: int, data: dict[str, Any], report: ImportReport) -> Resource | None:
        """The existing resource this row describes: by slug, else by title and entity."""
        slug = data.get("slug")
        if slug:
            found = db.session.execute(
                db.select(Resource).where(Resource.slug == slug)
            ).scalar_one_or_none()
            if found is not None and found.publisher_id not in self.family_ids:
                report.problems.append(
                    Problem(number, "slug", "Ya existe un recurso con ese slug en otra entidad.")
                )
                return None
            return found
        publisher = self.family.get(data["publisher"])
        key = (fold(data.get("title") or ""), publisher.id if publisher else None)
        if key in self.titles_seen:
            reason = f"El mismo título y entidad ya están en la fila {self.titles_seen[key]}."
            report.problems.append(Problem(number, "titulo", reason))
            return None
        self.titles_seen[key] = number
        if self.titles is None:
            rows = db.session.execute(
                db.select(Resource.id, Resource.title, Resource.publisher_id).where(
                    Resource.publisher_id.in_(self.family_ids)
                )
            ).all()
            self.titles = {}
            for rid, title, pid in rows:
                self.titles.setdefault((fold(title), pid), rid)
        rid = self.titles.get(key)
        return db.session.get(Resource, rid) if rid is not None else None

    def _exists(self, slug: str) -> bool:
        if slug not in self.known:
            found = db.session.execute(db.select(Publisher.id).where(Publisher.slug == slug))
            self.known[slug] = found.first() is not None
        return self.known[slug]


def _add_error(report: ImportReport, number: int, error: CatalogError) -> None:
    if isinstance(error, Invalid) and error.fields:
        for path, reasons in error.fields.items():
            header = _column_for(path)
            column = next((c for c in COLUMNS if c.header == header), None)
            for reason in reasons:
                if column is not None and column.is_date and "fecha" in reason.lower():
                    reason = (  # the spreadsheet accepts both forms: say so
                        "Debe ser una fecha válida: AAAA-MM-DD (2025-03-31) o DD/MM/AAAA "
                        "(31/03/2025)."
                    )
                report.problems.append(Problem(number, header, reason))
    else:
        report.problems.append(Problem(number, "fila", error.message))


def _column_for(path: str) -> str:
    """The column a field path of the API's errors comes from ("keywords.2" → palabras_clave)."""
    parts = path.split(".")
    while parts:
        column = _BY_PATH.get(".".join(parts))
        if column is not None:
            return column.header
        parts.pop()
    return "fila" if path == "_schema" else path


# ------------------------------------------------------------------------------ templates


def template_csv() -> bytes:
    """The import template as CSV: the column names, ready to fill in."""
    return csv_bytes([c.header for c in COLUMNS], [])


def template_xlsx() -> bytes:
    """The import template as XLSX: a sheet to fill in, one explaining each column, one listing
    the accepted values of the controlled columns."""
    vocab = current_app.extensions["vocab"]
    help_rows: list[Sequence[str]] = [
        (
            c.header,
            "sí" if c.required else "no",
            c.help + (" AAAA-MM-DD o DD/MM/AAAA." if c.is_date else ""),
            c.path,
        )
        for c in COLUMNS
    ]
    values: list[Sequence[str]] = [
        (c.header, concept.notation, concept.label("es"))
        for c in COLUMNS
        if c.vocab
        for concept in vocab[c.vocab]
    ]
    return xlsx_bytes(
        Sheet("Recursos", [c.header for c in COLUMNS], []),
        Sheet(
            "Columnas",
            ["Columna", "Obligatoria", "Cómo llenarla", "Campo de la API"],
            help_rows,
            [26, 12, 80, 32],
        ),
        Sheet("Valores", ["Columna", "Valor", "Significado"], values, [26, 34, 60]),
    )
