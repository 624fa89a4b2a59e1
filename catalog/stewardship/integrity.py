"""`catalog verify`: recompute every hash chain, compare records with their history, re-hash files.

What it detects: a revision edited, removed, inserted or reordered (per-resource and catalog-wide
chains, and the published chain head); a resource changed behind the application's back (its
current record differs from the snapshot of its latest revision); a hosted file whose bytes no
longer match the SHA-256 recorded when it was uploaded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from ..extensions import db
from ..models import ChainHead, Distribution, FileCheck, Resource, Revision, utcnow
from ..services import witness
from ..services.history import canonical_json, catalog_link_hash, revision_hash
from ..services.snapshot import snapshot

# what `verify` can find, each named so a report says exactly which rule broke
SEQUENCE = "fuera de secuencia"
PREVIOUS = "no enlaza con la revisión anterior del recurso"
CONTENT = "el contenido no corresponde a su hash"
CATALOG_BREAK = "cadena del catálogo rota antes de esta revisión"
CATALOG_LINK = "eslabón de la cadena del catálogo alterado"
VERSION = "versión de hash desconocida"
HEAD = "la cabeza de la cadena guardada en la base no coincide con las revisiones"
KNOWN_MISSING = "faltan revisiones: la cabeza conocida no está en la base"
KNOWN_REWRITTEN = "la historia fue reescrita: la cabeza conocida no coincide"
OUTSIDE = "cambió fuera de la aplicación (difiere de su última revisión)"
NO_HISTORY = "no tiene historial"


@dataclass
class Report:
    revisions: int = 0
    resources: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    head: witness.Head | None = None
    # (seq, hash) of each resource's newest revision, found while walking the chains
    last_by_resource: dict[int, tuple[int, str]] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def _present(snap: dict) -> dict:
    """A snapshot without its empty top-level fields: a field added to the model later (absent
    from older revisions, None in the record) is not a change made behind our back."""
    return {key: value for key, value in snap.items() if value is not None}


def verify(
    known: witness.Head | None = None, *, record: bool = True, commit: bool = True
) -> Report:
    """Check everything. `known` is a chain head recorded outside this database (by default
    the witness file); after a clean run the witness moves to the current head. With
    `commit=False` (an import checking what it wrote before committing) the file checks are
    kept in the caller's transaction, not committed."""
    report = Report()
    hashes_at = _check_chains(report)
    _check_known_head(report, hashes_at, known)
    _check_records(report)
    _check_files(report, commit)
    if report.ok and record and report.head is not None:
        witness.write(witness.witness_path(), report.head)
    return report


def _check_chains(report: Report) -> list[str]:
    """Both chains, revision by revision; returns the catalog hash at each position."""
    uuids = dict(db.session.execute(db.select(Resource.id, Resource.uuid)).all())
    previous_catalog: str | None = None
    last_by_resource = report.last_by_resource
    hashes_at: list[str] = []
    rows = db.session.execute(db.select(Revision).order_by(Revision.id)).scalars()
    for revision in rows:
        report.revisions += 1
        where = f"revisión {revision.id} (recurso {revision.resource_id}, n.º {revision.seq})"
        last_seq, seen_hash = last_by_resource.get(revision.resource_id, (0, ""))
        last_hash = seen_hash or None
        if revision.seq != last_seq + 1:
            report.problems.append(f"{where}: {SEQUENCE} (se esperaba {last_seq + 1})")
        if revision.prev_hash != last_hash:
            report.problems.append(f"{where}: {PREVIOUS}")
        version = revision.hash_version
        if version not in (1, 2):
            report.problems.append(f"{where}: {VERSION} ({version})")
            version = 2
        uuid = uuids.get(revision.resource_id)
        if uuid is None or revision_hash(revision, uuid) != revision.hash:
            report.problems.append(f"{where}: {CONTENT}")
        if revision.catalog_prev_hash != previous_catalog:
            report.problems.append(f"{where}: {CATALOG_BREAK}")
        expected_link = catalog_link_hash(revision.catalog_prev_hash, revision.hash, version)
        if expected_link != revision.catalog_hash:
            report.problems.append(f"{where}: {CATALOG_LINK}")
        previous_catalog = revision.catalog_hash
        hashes_at.append(revision.catalog_hash)
        last_by_resource[revision.resource_id] = (revision.seq, revision.hash)
        db.session.expunge(revision)
    head = db.session.get(ChainHead, 1)
    head_hash = head.hash if head else None
    head_length = head.length if head else 0
    if head_hash != previous_catalog or head_length != report.revisions:
        report.problems.append(
            f"{HEAD} ({head_length} según la cabeza, {report.revisions} encontradas)"
        )
    if previous_catalog:
        report.head = witness.Head(previous_catalog, report.revisions)
    return hashes_at


def _check_known_head(report: Report, hashes_at: list[str], known: witness.Head | None) -> None:
    source = "indicada"
    if known is None:
        path = witness.witness_path()
        known = witness.read(path)
        source = f"del testigo {path}"
        if known is None:
            report.notes.append(
                f"No hay cabeza conocida con la cual comparar (falta {path}): compare con la "
                "publicada en /integridad.json usando «catalog verify --head HASH --length N»."
            )
            return
    if known.length > len(hashes_at):
        report.problems.append(
            f"{KNOWN_MISSING} (cabeza {source}: {known.length} revisiones, "
            f"{known.hash[:12]}…; la base tiene {len(hashes_at)})"
        )
    elif known.length < 1 or hashes_at[known.length - 1] != known.hash:
        report.problems.append(
            f"{KNOWN_REWRITTEN} (cabeza {source}: revisión n.º {known.length} del catálogo, "
            f"{known.hash[:12]}…)"
        )


def _check_records(report: Report) -> None:
    last_by_resource = report.last_by_resource
    snapshots = {}
    for resource in db.session.execute(db.select(Resource).order_by(Resource.id)).scalars():
        report.resources += 1
        last = last_by_resource.get(resource.id)
        if last is None:
            report.problems.append(f"recurso {resource.slug}: {NO_HISTORY}")
            continue
        if resource.id not in snapshots:
            snapshots[resource.id] = db.session.execute(
                db.select(Revision.snapshot).where(
                    Revision.resource_id == resource.id, Revision.seq == last[0]
                )
            ).scalar_one()
        if canonical_json(_present(snapshot(resource))) != canonical_json(
            _present(snapshots.pop(resource.id))
        ):
            report.problems.append(f"recurso {resource.slug}: {OUTSIDE}")


def _check_files(report: Report, commit: bool = True) -> None:
    files_dir = Path(current_app.config["CATALOG_FILES_DIR"])
    hosted = db.session.execute(
        db.select(Distribution).where(Distribution.file_key.is_not(None))
    ).scalars()
    results: dict[int, str | None] = {}
    for dist in hosted:
        report.files += 1
        problem = _file_problem(files_dir / dist.file_key, dist.checksum_sha256)
        results[dist.id] = problem
        if problem:
            report.problems.append(f"archivo {dist.file_key}: {problem}")
    _record_file_checks(results, commit)


def _file_problem(path: Path, checksum: str | None) -> str | None:
    if not path.is_file():
        return "no existe"
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return None if digest.hexdigest() == checksum else "su SHA-256 no coincide"


def _record_file_checks(results: dict[int, str | None], commit: bool = True) -> None:
    """Keep each file's result (the stewardship check "archivos íntegros" reads it)."""
    now = utcnow()
    existing = {c.distribution_id: c for c in db.session.execute(db.select(FileCheck)).scalars()}
    for distribution_id, problem in results.items():
        check = existing.get(distribution_id) or FileCheck(distribution_id=distribution_id)
        check.checked_at, check.ok, check.problem = now, problem is None, problem
        db.session.add(check)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
