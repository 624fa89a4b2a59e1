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
from ..models import ChainHead, Distribution, Resource, Revision
from ..services.history import canonical_json, catalog_link_hash, revision_hash
from ..services.snapshot import snapshot


@dataclass
class Report:
    revisions: int = 0
    resources: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _present(snap: dict) -> dict:
    """A snapshot without its empty top-level fields: a field added to the model later (absent
    from older revisions, None in the record) is not a change made behind our back."""
    return {key: value for key, value in snap.items() if value is not None}


def verify() -> Report:
    report = Report()
    uuids = dict(db.session.execute(db.select(Resource.id, Resource.uuid)).all())
    previous_catalog: str | None = None
    last_by_resource: dict[int, Revision] = {}
    rows = db.session.execute(db.select(Revision).order_by(Revision.id)).scalars()
    for revision in rows:
        report.revisions += 1
        where = f"revisión {revision.id} (recurso {revision.resource_id}, n.º {revision.seq})"
        last = last_by_resource.get(revision.resource_id)
        expected_seq = last.seq + 1 if last else 1
        if revision.seq != expected_seq:
            report.problems.append(f"{where}: fuera de secuencia (se esperaba {expected_seq})")
        expected_prev = last.hash if last else None
        if revision.prev_hash != expected_prev:
            report.problems.append(f"{where}: no enlaza con la revisión anterior del recurso")
        uuid = uuids.get(revision.resource_id)
        if uuid is None or revision_hash(revision, uuid) != revision.hash:
            report.problems.append(f"{where}: el contenido no corresponde a su hash")
        if revision.catalog_prev_hash != previous_catalog:
            report.problems.append(f"{where}: cadena del catálogo rota antes de esta revisión")
        if catalog_link_hash(revision.catalog_prev_hash, revision.hash) != revision.catalog_hash:
            report.problems.append(f"{where}: eslabón de la cadena del catálogo alterado")
        previous_catalog = revision.catalog_hash
        last_by_resource[revision.resource_id] = revision
    head = db.session.get(ChainHead, 1)
    head_hash = head.hash if head else None
    head_length = head.length if head else 0
    if head_hash != previous_catalog or head_length != report.revisions:
        report.problems.append(
            "la cabeza publicada de la cadena no coincide con las revisiones guardadas "
            f"({head_length} publicadas, {report.revisions} encontradas)"
        )
    for resource in db.session.execute(db.select(Resource).order_by(Resource.id)).scalars():
        report.resources += 1
        last = last_by_resource.get(resource.id)
        if last is None:
            report.problems.append(f"recurso {resource.slug}: no tiene historial")
        elif canonical_json(_present(snapshot(resource))) != canonical_json(
            _present(last.snapshot)
        ):
            report.problems.append(
                f"recurso {resource.slug}: cambió fuera de la aplicación (difiere de su última "
                "revisión)"
            )
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
    _record_file_checks(results)
    return report


def _file_problem(path: Path, checksum: str | None) -> str | None:
    if not path.is_file():
        return "no existe"
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return None if digest.hexdigest() == checksum else "su SHA-256 no coincide"


def _record_file_checks(results: dict[int, str | None]) -> None:
    """Keep each file's result (the stewardship check "archivos íntegros" reads it)."""
    from ..models import FileCheck, utcnow

    now = utcnow()
    existing = {c.distribution_id: c for c in db.session.execute(db.select(FileCheck)).scalars()}
    for distribution_id, problem in results.items():
        check = existing.get(distribution_id) or FileCheck(distribution_id=distribution_id)
        check.checked_at, check.ok, check.problem = now, problem is None, problem
        db.session.add(check)
    db.session.commit()
