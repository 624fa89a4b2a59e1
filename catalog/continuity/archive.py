"""`catalog export` / `catalog import`: the whole catalog as one BagIt archive (RFC 8493).

The archive is a zip of a bag. Its payload (`data/`) holds:

- ``tables/<table>.jsonl`` — every row of every lasting table, one JSON object per line, in
  primary-key order: publishers and units, resources with every field (drafts and withdrawn
  ones too), keywords, themes, distributions, good practices and collaborators, the whole
  revision history with both hash chains and the chain head, the stored DCAT fragments and
  shared blocks (so the dumps come back byte for byte), accounts and their memberships, API
  tokens (never their secret), harvest sources, runs and records, link and file checks;
- ``files/<sha256>`` — every hosted file, named by its SHA-256;
- ``vocab/`` — the SKOS vocabularies the catalog uses;
- ``catalog.nt`` — the full DCAT catalog in N-Triples, for readers who only want open formats.

``bag-info.txt`` names the catalog, the export time, the chain head and the counts, and
``manifest-sha256.txt`` covers every payload file (the Library of Congress's `bagit` package
writes and checks them). Search rows, rate-limit counters and idempotent replies are not
exported: the first are rebuilt on import, the others are short-lived.

The export reads one consistent snapshot (a read transaction: SQLite WAL, PostgreSQL
REPEATABLE READ) while publishers keep writing. The import checks the zip (no absolute or
``..`` paths, links or decompression bombs), the bag (every checksum, nothing missing or
extra), the format and schema versions and that the database is empty, then writes every row
in ONE transaction, re-checks both hash chains against the head in ``bag-info.txt`` and every
hosted file's checksum, and only then commits: a refused or interrupted import leaves the
database empty and no file behind.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import bagit
from flask import current_app
from sqlalchemy import Table, select, text
from sqlalchemy.types import TypeDecorator

from .. import urls
from ..extensions import db
from ..models import PUBLISHED
from ..models.types import utcnow
from ..registry import COLLABORATOR, RESOURCE
from ..services import witness

FORMAT = 1
ORGANIZATION = "Secretaría General de la Alcaldía Mayor de Bogotá D.C."
# rebuilt on import (search) or short-lived (counters, idempotent replies): not exported
NOT_EXPORTED = {"idempotent_reply", "request_throttle", "search_entry", "facet_combination"}
# only in a full archive: history, accounts, tokens, harvesting and checks are not public
NOT_PUBLIC = {
    "revision",
    "chain_head",
    "user_account",
    "membership",
    "api_token",
    "harvest_source",
    "harvest_run",
    "harvest_record",
    "link_check",
    "file_check",
}
SECRET = "sin-secreto"  # an API token's hash is never exported: the token cannot be used
MAX_RATIO = 200  # uncompressed ÷ compressed beyond this (for members over 1 MB): a bomb
BATCH = 1000

Progress = Callable[[str], None]


class ArchiveError(Exception):
    """The archive cannot be written or read in: a Spanish reason for a person."""


@dataclass
class Summary:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    head: witness.Head | None = None
    files: int = 0
    info: dict[str, str] = field(default_factory=dict)


def _quiet(_: str) -> None:
    return None


# ------------------------------------------------------------------ values


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"no se puede exportar un valor {type(value).__name__}")


def _decoder(table: Table) -> dict[str, Callable[[Any], Any]]:
    decoders: dict[str, Callable[[Any], Any]] = {}
    for column in table.columns:
        kind_of = column.type
        while isinstance(kind_of, TypeDecorator):
            kind_of = kind_of.impl_instance
        try:
            kind = kind_of.python_type
        except NotImplementedError:
            continue
        if issubclass(kind, datetime):
            decoders[column.name] = datetime.fromisoformat
        elif issubclass(kind, date):
            decoders[column.name] = date.fromisoformat
        elif issubclass(kind, bytes):
            decoders[column.name] = base64.b64decode
    return decoders


def schema_heads(conn: Any = None) -> str:
    """The database's migration heads, as the archive records them."""
    rows = (conn or db.session).execute(text("SELECT version_num FROM alembic_version"))
    return ",".join(sorted(rows.scalars()))


def _tables() -> list[Table]:
    return [t for t in db.metadata.sorted_tables if t.name not in NOT_EXPORTED]


# ------------------------------------------------------------------ export


def _public_resource_columns() -> set[str]:
    """Resource columns a public-only archive leaves empty: what is never published."""
    return {s.name for s in RESOURCE if not s.public or s.personal}


def _rows(conn, table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns)
    result = conn.execute(select(table).order_by(*order).execution_options(yield_per=BATCH))
    for row in result.mappings():
        yield dict(row)


class _Filter:
    """What a public-only archive keeps of each row (None: leave the row out)."""

    def __init__(self, public_only: bool, with_accounts: bool):
        self.public_only = public_only
        self.with_accounts = with_accounts and not public_only
        self.resources: set[int] = set()
        self.practices: set[int] = set()
        self.distributions: set[int] = set()
        self.hidden = _public_resource_columns()
        self.collaborator_private = {p.name for p in COLLABORATOR if not p.public}

    def __call__(self, table: str, row: dict[str, Any]) -> dict[str, Any] | None:
        if table == "api_token":
            row["token_hash"] = f"{SECRET}-{row['id']}"
        if table == "user_account":
            row["session_nonce"] = None
            if not self.with_accounts:
                row["password_hash"] = None
        if not self.public_only:
            return row
        if table in NOT_PUBLIC:
            return None
        if table == "resource":
            if row["status"] != PUBLISHED:
                return None
            self.resources.add(row["id"])
            for name in self.hidden & set(row):
                row[name] = None
            return row
        if table == "good_practice":
            if row["resource_id"] not in self.resources:
                return None
            self.practices.add(row["resource_id"])
            return row
        if table == "collaborator":
            if row["good_practice_id"] not in self.practices or not row.get("show_publicly"):
                return None
            for name in self.collaborator_private & set(row):
                row[name] = None
            return row
        if "resource_id" in row:
            if row["resource_id"] not in self.resources:
                return None
            if table == "distribution":
                self.distributions.add(row["id"])
        return row


def export_archive(
    target: str | os.PathLike,
    *,
    with_accounts: bool = False,
    public_only: bool = False,
    progress: Progress = _quiet,
) -> Summary:
    """Write the archive at `target` (replaced atomically); returns what it holds."""
    target = Path(target)
    if target.suffix.lower() != ".zip":
        raise ArchiveError(f"{target}: el archivo debe terminar en .zip (un paquete BagIt).")
    if not target.parent.is_dir():
        raise ArchiveError(f"{target.parent}: la carpeta no existe.")
    keep = _Filter(public_only, with_accounts)
    summary = Summary(target)
    files_dir = Path(current_app.config["CATALOG_FILES_DIR"])
    with tempfile.TemporaryDirectory(prefix="catalog-export-", dir=target.parent) as work:
        root = Path(work) / "bag"
        (root / "tables").mkdir(parents=True)
        (root / "files").mkdir()
        # one snapshot for every table and the dump: a read transaction (SQLite WAL,
        # PostgreSQL REPEATABLE READ) that writers committing meanwhile do not change
        options: dict[str, Any] = {"catalog_read_only": True}
        if db.engine.dialect.name == "postgresql":
            options["isolation_level"] = "REPEATABLE READ"
        db.session.rollback()
        files: dict[str, str] = {}
        try:
            conn = db.session.connection(execution_options=options)
            heads = schema_heads(conn)
            for table in _tables():
                count = 0
                with open(root / "tables" / f"{table.name}.jsonl", "w") as out:
                    for row in _rows(conn, table):
                        kept = keep(table.name, row)
                        if kept is None:
                            continue
                        out.write(json.dumps(kept, default=_default, ensure_ascii=False))
                        out.write("\n")
                        count += 1
                        if table.name == "distribution" and kept.get("file_key"):
                            files[kept["checksum_sha256"]] = kept["file_key"]
                        if table.name == "chain_head" and kept.get("hash"):
                            summary.head = witness.Head(kept["hash"], kept["length"])
                summary.counts[table.name] = count
                progress(f"  {table.name}: {count}")
            _write_dump(root / "catalog.nt")
            progress("  catálogo DCAT en N-Triples: catalog.nt")
        finally:
            db.session.rollback()
        for sha, key in sorted(files.items()):
            source = files_dir / key
            if not source.is_file():
                raise ArchiveError(f"falta el archivo alojado {key}: ejecute «catalog verify».")
            shutil.copyfile(source, root / "files" / sha)
        summary.files = len(files)
        progress(f"  archivos alojados: {summary.files}")
        shutil.copytree(current_app.config["CATALOG_VOCAB_DIR"], root / "vocab")
        info = {
            "Source-Organization": ORGANIZATION,
            "External-Description": "Catálogo de Gestión Pública Distrital de Bogotá: "
            "exportación completa (formato del catálogo, JSON Lines por tabla).",
            "External-Identifier": urls.base(),
            "Catalog-Name": current_app.config.get(
                "CATALOG_TITLE", "Catálogo de Gestión Pública Distrital"
            ),
            "Catalog-Base-URI": urls.base(),
            "Catalog-Export-Format": str(FORMAT),
            "Catalog-Schema": heads,
            "Catalog-Exported-At": utcnow().isoformat(timespec="seconds"),
            "Catalog-Public-Only": "sí" if public_only else "no",
            "Catalog-Password-Hashes": "sí" if keep.with_accounts else "no",
            "Catalog-Contains-Personal-Data": "no" if public_only else "sí",
            "Catalog-Chain-Head": summary.head.hash if summary.head else "",
            "Catalog-Chain-Length": str(summary.head.length if summary.head else 0),
            "Catalog-Resources": str(summary.counts.get("resource", 0)),
            "Catalog-Revisions": str(summary.counts.get("revision", 0)),
            "Catalog-Publishers": str(summary.counts.get("publisher", 0)),
            "Catalog-Files": str(summary.files),
        }
        bagit.make_bag(str(root), info, checksums=["sha256"])
        summary.info = info
        partial = Path(work) / "archive.zip"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(root).as_posix())
        os.replace(partial, target)
    return summary


def _write_dump(path: Path) -> None:
    """The catalog's N-Triples dump, exactly as /catalog.nt?page_size=all serves it, read in
    the export's transaction (the same snapshot as the tables)."""
    from ..harvest.stream import document, iter_rows, stamp
    from ..harvest.views import header_for_export

    total, newest, _ = stamp([])
    with open(path, "w", encoding="utf-8") as out:
        for chunk in document(
            "nt", header_for_export(newest, "nt", total), iter_rows([], 0, None, "nt")
        ):
            out.write(chunk)


# ------------------------------------------------------------------ import


def _max_bytes() -> int:
    return int(current_app.config.get("CATALOG_IMPORT_MAX_BYTES") or 50 * 1024**3)


def _unpack(path: Path, into: Path) -> None:
    """Extract the zip, refusing unsafe paths, links, bombs and members that lie about size."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(f"{path.name}: no es un archivo zip válido ({error}).") from None
    limit = _max_bytes()
    with archive:
        members = archive.infolist()
        total = 0
        for info in members:
            name = info.filename
            parts = PurePosixPath(name).parts
            if (
                name.startswith(("/", "\\"))
                or "\\" in name
                or ".." in parts
                or (parts and ":" in parts[0])
            ):
                raise ArchiveError(f"ruta insegura dentro del zip: «{name}»; no se importa.")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ArchiveError(f"enlace simbólico dentro del zip: «{name}»; no se importa.")
            if info.file_size > 1024**2 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise ArchiveError(
                    f"«{name}» se descomprime {info.file_size // max(info.compress_size, 1)} "
                    "veces su tamaño: parece una bomba de descompresión; no se importa."
                )
            total += info.file_size
        if total > limit:
            raise ArchiveError(
                f"el zip ocupa {total} bytes descomprimido, más que el límite {limit} "
                "(CATALOG_IMPORT_MAX_BYTES)."
            )
        written = 0
        for info in members:
            if info.is_dir():
                continue
            destination = into / info.filename
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as source, open(destination, "wb") as out:
                    while chunk := source.read(1024**2):
                        written += len(chunk)
                        if written > total or written > limit:
                            raise ArchiveError("el zip contiene más datos de los que declara.")
                        out.write(chunk)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
                raise ArchiveError(
                    f"el zip está dañado o truncado ({info.filename}: {error})."
                ) from None


def _check_bag(root: Path) -> bagit.Bag:
    try:
        bag = bagit.Bag(str(root))
        bag.validate(processes=1)
    except bagit.BagValidationError as error:
        details = "; ".join(str(d) for d in (error.details or [])[:5])
        raise ArchiveError(
            f"el paquete no pasa la verificación BagIt: {error.message}"
            + (f" ({details})" if details else "")
            + ". Puede estar alterado o incompleto; no se importó nada."
        ) from None
    except bagit.BagError as error:
        raise ArchiveError(f"no es un paquete BagIt válido: {error}.") from None
    return bag


def _check_info(info: dict[str, Any]) -> None:
    fmt = info.get("Catalog-Export-Format")
    if fmt is None:
        raise ArchiveError("el paquete no es una exportación de este catálogo.")
    try:
        number = int(fmt)
    except ValueError:
        raise ArchiveError(f"formato de exportación desconocido «{fmt}».") from None
    if number > FORMAT:
        raise ArchiveError(
            f"el archivo viene de una versión más nueva del catálogo (formato {number}; esta "
            f"instalación lee hasta el {FORMAT}): actualice el catálogo antes de importarlo."
        )
    if info.get("Catalog-Public-Only") == "sí":
        raise ArchiveError(
            "es una exportación pública (--public-only): no lleva el historial ni las cuentas, "
            "así que no sirve para reconstruir el catálogo."
        )
    ours = schema_heads()
    if info.get("Catalog-Schema") != ours:
        raise ArchiveError(
            f"el archivo se hizo con el esquema «{info.get('Catalog-Schema')}» y esta base "
            f"tiene «{ours}»: use la misma versión del catálogo (o actualice ambas)."
        )


def _check_empty() -> None:
    counts = {
        name: db.session.execute(text(f"SELECT COUNT(*) FROM {name}")).scalar() or 0
        for name in ("publisher", "resource", "revision", "user_account")
    }
    if any(counts.values()):
        raise ArchiveError(
            "la base de datos no está vacía ("
            + ", ".join(f"{n} {k}" for k, n in counts.items() if n)
            + "): importe en una instalación nueva; no se escribió nada."
        )


def _read(root: Path, table: Table) -> Iterator[dict[str, Any]]:
    path = root / "data" / "tables" / f"{table.name}.jsonl"
    if not path.exists():
        return
    decoders = _decoder(table)
    columns = {c.name for c in table.columns}
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                row = json.loads(line)
            except ValueError:
                raise ArchiveError(f"{table.name}.jsonl, línea {number}: no es JSON.") from None
            unknown = set(row) - columns
            if unknown:
                raise ArchiveError(
                    f"{table.name}.jsonl, línea {number}: columnas desconocidas "
                    f"{', '.join(sorted(unknown))}."
                )
            for name, decode in decoders.items():
                if row.get(name) is not None:
                    row[name] = decode(row[name])
            yield row


def _insert(root: Path, progress: Progress) -> dict[str, int]:
    conn = db.session.connection()
    counts: dict[str, int] = {}
    for table in _tables():
        # a column that points at its own table (a unit's parent entity) is set afterwards
        own = [
            fk.parent.name
            for fk in table.foreign_keys
            if fk.column.table is table and not fk.parent.primary_key
        ]
        later: list[dict[str, Any]] = []
        batch: list[dict[str, Any]] = []
        count = 0
        for row in _read(root, table):
            if table.name == "user_account" and not row.get("session_nonce"):
                row["session_nonce"] = secrets.token_hex(16)  # never exported: a new one
            if own and any(row.get(c) is not None for c in own):
                later.append({"_id": row["id"], **{c: row[c] for c in own}})
                row = {**row, **dict.fromkeys(own)}
            batch.append(row)
            count += 1
            if len(batch) >= BATCH:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
        for values in later:
            key = values.pop("_id")
            conn.execute(table.update().where(table.c.id == key).values(**values))
        counts[table.name] = count
        progress(f"  {table.name}: {count}")
    if db.engine.dialect.name == "postgresql":
        for table in _tables():
            pk = list(table.primary_key.columns)
            if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].type.python_type is int:
                name = pk[0].name
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{name}'), "
                        f"COALESCE(MAX({name}), 1), MAX({name}) IS NOT NULL) FROM {table.name}"
                    )
                )
    return counts


def _place_files(root: Path, created: list[Path]) -> int:
    """Copy the hosted files to their keys; every one must match its recorded SHA-256."""
    from ..models import Distribution

    files_dir = Path(current_app.config["CATALOG_FILES_DIR"])
    rows = db.session.execute(
        select(Distribution.file_key, Distribution.checksum_sha256).where(
            Distribution.file_key.is_not(None)
        )
    ).all()
    base = files_dir.resolve()
    for key, sha in rows:
        destination = (files_dir / str(key)).resolve()
        if not re.fullmatch(r"[0-9a-f]{64}", str(sha)) or not destination.is_relative_to(base):
            raise ArchiveError(f"archivo alojado con nombre o suma inválidos: «{key}».")
        source = root / "data" / "files" / str(sha)
        if not source.is_file():
            raise ArchiveError(f"falta en el paquete el archivo {sha} ({key}).")
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        created.append(destination)
    return len(rows)


def _reindex(progress: Progress) -> None:
    """Search rows for every resource (they are not in the archive: each database builds its
    own full-text index)."""
    from sqlalchemy.orm import selectinload

    from ..models import Resource
    from ..search.index import index_resource

    ids = list(db.session.execute(select(Resource.id).order_by(Resource.id)).scalars())
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        resources = db.session.execute(
            select(Resource)
            .where(Resource.id.in_(chunk))
            .options(
                selectinload(Resource.keywords),
                selectinload(Resource.themes),
                selectinload(Resource.distributions),
            )
        ).scalars()
        for resource in resources:
            index_resource(resource)
        db.session.flush()
        db.session.expunge_all()
    progress(f"  índice de búsqueda: {len(ids)} recursos")


def import_archive(path: str | os.PathLike, *, progress: Progress = _quiet) -> Summary:
    """Read the archive into this (empty) catalog, all or nothing."""
    from ..stewardship.integrity import verify

    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"{path}: no existe el archivo.")
    summary = Summary(path)
    with tempfile.TemporaryDirectory(prefix="catalog-import-") as work:
        root = Path(work)
        _unpack(path, root)
        bag = _check_bag(root)
        info = {k: (v[0] if isinstance(v, list) else v) for k, v in bag.info.items()}
        summary.info = info
        _check_info(info)
        _check_empty()
        progress("Paquete verificado (sumas SHA-256 de cada archivo). Escribiendo…")
        head = witness.Head(info.get("Catalog-Chain-Head") or "", int(info["Catalog-Chain-Length"]))
        created: list[Path] = []
        try:
            summary.counts = _insert(root, progress)
            if summary.counts.get("resource", 0) != int(info.get("Catalog-Resources", -1)):
                raise ArchiveError("el número de recursos no coincide con bag-info.txt.")
            summary.files = _place_files(root, created)
            _reindex(progress)
            report = verify(head if head.length else None, record=False, commit=False)
            if not report.ok:
                raise ArchiveError(
                    "el historial o los archivos no cuadran con la cabeza de la cadena del "
                    "paquete: " + "; ".join(report.problems[:5])
                )
            db.session.commit()
        except BaseException:
            db.session.rollback()
            for created_path in created:
                created_path.unlink(missing_ok=True)
            raise
        if head.length:
            witness.write(witness.witness_path(), head, force=True)
            summary.head = head
        if info.get("Catalog-Base-URI") != urls.base():
            progress(
                f"AVISO: el paquete se publicó en {info.get('Catalog-Base-URI')} y esta "
                f"instalación en {urls.base()}: ejecute «catalog render» para rehacer las "
                "salidas DCAT con la nueva dirección."
            )
    return summary


__all__ = ["ArchiveError", "export_archive", "import_archive"]
