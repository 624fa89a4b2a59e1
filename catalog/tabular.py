"""Spreadsheets in and out: CSV (UTF-8 with BOM, ";") and XLSX (openpyxl), safely.

Writing neutralises spreadsheet formulas (a cell starting with = + - @ gets a leading
apostrophe, in CSV and XLSX alike). Reading decides the kind by the bytes, not the file name,
decodes UTF-8 (with or without BOM), UTF-16 with BOM or Windows-1252, and caps the size, the
rows and, for XLSX, the unpacked size (no zip bombs). Cell values are always plain text.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# ";" because Excel opens a double-clicked CSV with the system's list separator, which is ";"
# wherever the decimal separator is "," (Colombia's regional settings); RFC 4180 readers take
# the delimiter as a parameter. The BOM makes Excel read UTF-8 (accents) instead of ANSI.
CSV_DELIMITER = ";"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8; header=present"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | date | int | None


def neutralise(value: str) -> str:
    """A text a spreadsheet shows as text: formula-looking values get a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return neutralise(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The table as CSV: UTF-8 with BOM, ";" between cells, CRLF line ends, all cells quoted
    only when needed."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    """One worksheet to write: a bold, frozen header row and sized columns."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    widths: Sequence[int] = field(default_factory=list)  # characters; default from content


def xlsx_bytes(*sheets: Sheet) -> bytes:
    """A workbook with the given sheets (the first is the one spreadsheets open on)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title[:31])
        ws.append([neutralise(h) for h in sheet.header])
        for cell in ws[1]:
            cell.font = bold
        longest = [len(h) for h in sheet.header]
        for row in sheet.rows:
            values: list[Any] = []
            for i, value in enumerate(row):
                if isinstance(value, str):
                    value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
                    longest[i] = max(longest[i], min(len(value), 80))
                elif isinstance(value, date):
                    longest[i] = max(longest[i], 10)
                values.append(value)
            ws.append(values)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str):
                    cell.alignment = wrap
                    if cell.value.startswith(("https://", "http://")):
                        cell.hyperlink = cell.value
        ws.freeze_panes = "A2"
        for i, length in enumerate(longest):
            width = sheet.widths[i] if i < len(sheet.widths) else min(max(length, 8), 60) + 2
            ws.column_dimensions[get_column_letter(i + 1)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------ reading


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, in Spanish."""


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    encoding: str | None  # CSV only
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells); blank rows left out


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003, Word 97-2003…
_BINARY_STARTS = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"BZh",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x7fELF",
    b"MZ",
    b"{\\rtf",
)
MAX_UNPACKED_XLSX = 200 * 1024 * 1024
MAX_COLUMNS = 200
MAX_BLANK_ROWS = 10_000  # blank rows tolerated beyond the limit (sheets padded with empty rows)


def read_table(data: bytes, filename: str | None, *, max_rows: int, max_bytes: int) -> Table:
    """Parse uploaded bytes as CSV or XLSX (decided by content) or raise TableError."""
    if len(data) > max_bytes:
        raise TableError(
            f"El archivo pesa {len(data) / 1e6:.1f} MB; el máximo es {max_bytes / 1e6:.0f} MB."
        )
    if not data.strip():
        raise TableError("El archivo está vacío.")
    extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    other = NOT_TABLES.get(extension) or _not_a_table(data)
    if other:
        raise TableError(
            f"«{filename or 'el archivo'}» es {other}, no una tabla: importe un CSV o un libro "
            "de Excel (.xlsx); descargue la plantilla para ver las columnas."
        )
    kind = _kind(data)
    if extension == "xlsx" and kind != "xlsx":
        raise TableError("El archivo se llama .xlsx pero su contenido no es un libro de Excel.")
    if extension in ("csv", "txt") and kind != "csv":
        raise TableError("El archivo se llama .csv pero su contenido no es texto CSV.")
    if kind == "xlsx":
        return _read_xlsx(data, max_rows)
    text, encoding = _decode(data)
    return _read_csv(text, encoding, max_rows)


NOT_TABLES = {
    "json": "un documento JSON",
    "jsonld": "un documento JSON-LD",
    "ttl": "un documento Turtle (RDF)",
    "nt": "un documento N-Triples (RDF)",
    "rdf": "un documento RDF/XML",
    "xml": "un documento XML",
    "html": "una página HTML",
    "htm": "una página HTML",
    "pdf": "un PDF",
    "docx": "un documento de Word",
    "doc": "un documento de Word",
    "ods": "una hoja de LibreOffice (.ods)",
}


def _not_a_table(data: bytes) -> str | None:
    """What the content is when it is plainly a document, not a table (by its first bytes)."""
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return "un documento JSON"
    if head.startswith(b"<"):
        return "un documento XML o HTML"
    if head.startswith((b"@prefix", b"@base", b"PREFIX")):
        return "un documento Turtle (RDF)"
    return None


def _kind(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(_OLE):
        raise TableError(
            "Es un archivo de Excel 97-2003 (.xls): guárdelo como libro de Excel (.xlsx) o CSV."
        )
    if data.startswith(_BINARY_STARTS):
        raise TableError("El archivo no es un CSV ni un libro de Excel (.xlsx).")
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableError("El archivo no es un CSV ni un libro de Excel (.xlsx).")
    return "csv"


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise TableError("El archivo dice estar en UTF-16 pero no lo está.") from None
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:  # what Excel writes as "CSV" on Spanish-language Windows
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise TableError(
            "No se reconoce la codificación del archivo: guárdelo como «CSV UTF-8»."
        ) from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(text: str, encoding: str, max_rows: int) -> Table:
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        # a record is a spreadsheet row even when a quoted cell spans several lines
        return _collect(enumerate(reader, 1), "csv", encoding, max_rows)
    except csv.Error as error:
        raise TableError(f"El CSV está mal formado cerca de la línea {reader.line_num}.") from error


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise TableError("El archivo parece un .xlsx pero está dañado.") from None
    if "xl/workbook.xml" not in names:
        raise TableError("El archivo comprimido no es un libro de Excel (.xlsx).")
    if unpacked > MAX_UNPACKED_XLSX:
        raise TableError("El libro de Excel es demasiado grande una vez descomprimido.")
    if _declares_dtd(data, names):
        raise TableError(
            "El libro de Excel contiene declaraciones DOCTYPE o ENTITY, que un .xlsx normal no "
            "trae y que no se procesan por seguridad: guárdelo de nuevo desde Excel o LibreOffice."
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on malformed parts
        raise TableError("No se pudo leer el libro de Excel (.xlsx).") from error
    try:
        sheet = workbook.worksheets[0]
        rows = (
            (number, [_xlsx_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1)
        )
        return _collect(rows, "xlsx", None, max_rows)
    except TableError:
        raise
    except Exception as error:  # a malformed sheet is only parsed while it is read
        raise TableError("No se pudo leer la hoja del libro de Excel (.xlsx).") from error
    finally:
        workbook.close()


def _declares_dtd(data: bytes, names: set[str]) -> bool:
    """Does any XML part of the package carry a DOCTYPE or ENTITY declaration? (Read in
    blocks, overlapping, within the unpacked-size cap already checked.)"""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in names:
            if not name.endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(name) as part:
                tail = b""
                while block := part.read(1 << 16):
                    window = (tail + block).upper()
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        return True
                    tail = block[-16:]
    return False


def _xlsx_text(value: Any) -> str:
    """A cell as the text the person typed; a formula stays its text (never evaluated)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _collect(
    rows: Iterator[tuple[int, list[str]]],
    kind: str,
    encoding: str | None,
    max_rows: int,
) -> Table:
    header: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        if number > max_rows + MAX_BLANK_ROWS:
            raise TableError(f"El archivo tiene más de {max_rows} filas; divídalo en partes.")
        if len(cells) > MAX_COLUMNS:
            raise TableError(f"La fila tiene más de {MAX_COLUMNS} columnas.")
        if header is None:
            if any(c.strip() for c in cells):
                header = [c.strip() for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(body) >= max_rows:
            raise TableError(f"El archivo tiene más de {max_rows} filas; divídalo en partes.")
        body.append((number, cells))
    if header is None:
        raise TableError("El archivo no tiene fila de encabezados.")
    return Table(kind=kind, encoding=encoding, header=header, rows=body)
