"""A harvest run: read the whole source, then bring the catalog in step with it.

Every record goes through the same validation and write services as any edit (the actor is
the source), so revisions, fragments, search and quality follow. A record whose content did not
change writes nothing. Records that carry one of our own URIs are skipped (two portals that
harvest each other never loop); a record another source already brought is reported as a
duplicate. Only after a complete, successful run does a resource the source no longer lists —
for longer than the grace period, under the same filters — get withdrawn ("retirado en la
fuente"); it comes back when the source lists it again. A source that fails changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update

from .. import urls
from ..errors import CatalogError, Invalid
from ..extensions import db
from ..models import (
    PUBLISHED,
    WITHDRAWN,
    HarvestRecord,
    HarvestRun,
    HarvestSource,
    Publisher,
    Resource,
)
from ..models.harvest import KINDS, WITHDRAWN_AT_SOURCE
from ..models.types import utcnow
from ..rdf.reader import Record
from ..schemas.resources import ResourceSchema, load
from ..services.actors import Actor
from ..services.resources import batch, change_status, create_resource, update_resource
from . import readers

LOCK_SECONDS = 3600
_DURATION = re.compile(r"^(\d+)\s*([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(text: str, field_name: str) -> int:
    """Seconds from '1d', '12h', '30m', '0s'."""
    match = _DURATION.match((text or "").strip().lower())
    if not match:
        raise Invalid({field_name: ["Use un número y una unidad: 30m, 12h, 1d, 7d (o 0s)."]})
    return int(match.group(1)) * _UNITS[match.group(2)]


def add_source(
    name: str,
    publisher_slug: str,
    kind: str,
    url: str,
    every: str = "1d",
    grace: str = "7d",
    filters: dict[str, str] | None = None,
    actor: Actor | None = None,
) -> HarvestSource:
    """A new source, checked; `actor` (when given) must manage the publisher."""
    problems: dict[str, list[str]] = {}
    publisher = db.session.execute(
        db.select(Publisher).where(Publisher.slug == publisher_slug)
    ).scalar_one_or_none()
    if publisher is None:
        problems["publisher"] = [f"No existe la entidad «{publisher_slug}»."]
    elif actor is not None:
        actor.require_manage(publisher)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,99}", name or ""):
        problems["name"] = ["Use de 2 a 100 minúsculas sin tildes, números y guiones."]
    elif db.session.execute(db.select(HarvestSource.id).where(HarvestSource.name == name)).first():
        problems["name"] = ["Ya existe una fuente con ese nombre."]
    if kind not in KINDS:
        problems["kind"] = [f"Use uno de: {', '.join(KINDS)}."]
    if not re.fullmatch(r"https?://[^\s<>\"]+", url or "") or len(url) > 2000:
        problems["url"] = ["Debe ser una dirección completa que empiece por http:// o https://."]
    seconds = {}
    for key, text in (("every", every), ("grace", grace)):
        try:
            seconds[key] = duration(text, key)
        except Invalid as error:
            problems.update(error.details["fields"])
    if problems:
        raise Invalid(problems)
    assert publisher is not None
    source = HarvestSource(
        name=name,
        publisher=publisher,
        kind=kind,
        url=url,
        every_seconds=max(seconds["every"], 60),
        grace_seconds=seconds["grace"],
        filters={k: v for k, v in (filters or {}).items() if v},
    )
    db.session.add(source)
    db.session.commit()
    return source


def due_sources(now: datetime | None = None) -> list[HarvestSource]:
    now = now or utcnow()
    sources = db.session.execute(
        db.select(HarvestSource).where(HarvestSource.active.is_(True)).order_by(HarvestSource.id)
    ).scalars()
    return [
        s
        for s in sources
        if s.last_run_at is None or s.last_run_at + timedelta(seconds=s.every_seconds) <= now
    ]


def _acquire(source: HarvestSource) -> bool:
    """The run lock, in the database: at most one run of a source at a time on any host."""
    now = utcnow()
    done = db.session.execute(
        update(HarvestSource)
        .where(HarvestSource.id == source.id)
        .where(or_(HarvestSource.lock_until.is_(None), HarvestSource.lock_until < now))
        .values(lock_until=now + timedelta(seconds=LOCK_SECONDS))
    )
    db.session.commit()
    return bool(done.rowcount)  # type: ignore[attr-defined]


def _release(source: HarvestSource) -> None:
    db.session.rollback()
    db.session.execute(
        update(HarvestSource).where(HarvestSource.id == source.id).values(lock_until=None)
    )
    db.session.commit()


@dataclass
class Report:
    source: str
    dry_run: bool = False
    status: str = "ok"  # ok, failed, locked
    complete: bool = False
    pages: int = 0
    counts: Counter = field(default_factory=Counter)
    refused: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)
    approximated: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    since: datetime | None = None  # an incremental run: what changed since then

    @property
    def exit_code(self) -> int:
        return {"ok": 0, "failed": 2, "locked": 3}[self.status]

    def lines(self) -> list[str]:
        head = "Simulación (no se cambió nada) de" if self.dry_run else "Cosecha de"
        if self.status == "failed":
            return [
                f"{head} «{self.source}»: la fuente falló; no se cambió nada.",
                self.error or "",
            ]
        if self.status == "locked":
            return [f"«{self.source}»: otra cosecha de esta fuente está en curso; no se inició."]
        c = self.counts
        out = [
            f"{head} «{self.source}»: {self.pages} páginas, {c['seen']} registros.",
            *(
                [
                    f"  incremental: solo lo modificado desde {self.since:%Y-%m-%d %H:%M} UTC "
                    "(los retiros se detectan en la cosecha completa, al menos una vez al día)"
                ]
                if self.since is not None
                else []
            ),
            f"  nuevos {c['created']}, actualizados {c['updated']}, sin cambios {c['unchanged']}, "
            f"retirados {c['withdrawn']}, de vuelta {c['restored']}, rechazados {c['refused']}, "
            f"duplicados {c['duplicates']}, propios omitidos {c['own']}, "
            f"valores aproximados {len(self.approximated)}",
        ]
        out += [f"  rechazado {r['record']}: {r['reason']}" for r in self.refused[:50]]
        out += [f"  duplicado {d['record']}: {d['reason']}" for d in self.duplicates[:50]]
        grouped = Counter((a["field"], a["value"]) for a in self.approximated)
        out += [
            f"  sin equivalente en los vocabularios, {name}: «{value}» ({n})"
            for (name, value), n in grouped.most_common(20)
        ]
        return out


def _signature(filters: dict[str, Any] | None) -> str:
    return hashlib.sha256(json.dumps(filters or {}, sort_keys=True).encode()).hexdigest()[:16]


def _payload(record: Record, publisher: str) -> dict[str, Any]:
    data = {k: v for k, v in record.data.items() if v is not None and not k.startswith("_")}
    if data.get("keywords"):
        data["keywords"] = list(dict.fromkeys(w[:100] for w in data["keywords"] if w))[:50]
    if data.get("themes"):
        data["themes"] = list(dict.fromkeys(data["themes"]))[:30]
    if data.get("distributions"):
        data["distributions"] = [
            {k: v for k, v in d.items() if v is not None} for d in data["distributions"][:50]
        ]
    if data.get("description") and len(data["description"]) > 20000:
        data["description"] = data["description"][:19990].rsplit(" ", 1)[0] + " …"
    if data.get("title") and len(data["title"]) > 300:
        data["title"] = data["title"][:297].rsplit(" ", 1)[0] + " …"
    data["publisher"] = publisher
    data["status"] = PUBLISHED
    return data


def _digest(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _reason(error: CatalogError) -> str:
    fields = error.details.get("fields") or {}
    if fields:
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in sorted(fields.items()))[:1000]
    return error.message[:1000]


BATCH = 50  # records written per transaction (each in its own savepoint)


@dataclass
class _Known:
    """A harvest record as the run needs it: plain values, not an ORM object, so a run over
    tens of thousands of records keeps only these in memory (rows are changed by UPDATE)."""

    id: int
    resource_id: int
    remote_id: str
    original_uri: str | None
    original_page: str | None
    content_hash: str
    filters_seen: str
    missing_since: datetime | None


_KNOWN_COLUMNS = [getattr(HarvestRecord, f.name) for f in fields(_Known)]


class _Run:
    def __init__(self, source: HarvestSource, report: Report):
        self.report = report
        self.source_id, self.source_name = source.id, source.name
        self.publisher_slug = source.publisher.slug
        self.grace = timedelta(seconds=source.grace_seconds)
        self.actor = Actor(label=f"cosecha «{source.name}»", is_admin=True, source_id=source.id)
        self.own = urls.base().rstrip("/") + "/"
        self.signature = _signature(source.filters)
        self.now = utcnow()
        self.known = {
            row.remote_id: row
            for row in (
                _Known(*values)
                for values in db.session.execute(
                    db.select(*_KNOWN_COLUMNS).where(HarvestRecord.source_id == source.id)
                )
            )
        }
        self.by_uri = {r.original_uri: r for r in self.known.values() if r.original_uri}
        self.status = dict(
            db.session.execute(
                db.select(Resource.id, Resource.status)
                .join(HarvestRecord, HarvestRecord.resource_id == Resource.id)
                .where(HarvestRecord.source_id == source.id)
            ).all()
        )
        # what the other sources brought, by original URI: a duplicate is reported, not created
        self.elsewhere = dict(
            db.session.execute(
                db.select(HarvestRecord.original_uri, HarvestSource.name)
                .join(HarvestSource, HarvestSource.id == HarvestRecord.source_id)
                .where(HarvestRecord.source_id != source.id)
                .where(HarvestRecord.original_uri.is_not(None))
            ).all()
        )
        self.seen: set[int] = set()  # ids of the harvest records seen in this run
        self.touched: list[int] = []  # rows seen unchanged: their dates move in bulk

    def is_own(self, record: Record) -> bool:
        names = [record.original_uri or "", record.original_page or "", *record.also_known_as]
        return any(n.startswith(self.own) for n in names if n)

    def apply(self, record: Record) -> None:
        counts = self.report.counts
        counts["seen"] += 1
        if self.is_own(record):
            counts["own"] += 1
            return
        self.report.approximated += [{"record": record.remote_id, **a} for a in record.approximated]
        refusal = record.data.get("_refuse")
        if refusal:
            self._refuse(record, refusal)
            return
        payload = _payload(record, self.publisher_slug)
        digest = _digest(payload)
        known = self.known.get(record.remote_id) or self.by_uri.get(record.original_uri or "")
        if known is not None and known.id in self.seen:
            self._duplicate(record, "la fuente lo lista dos veces")
            return
        if known is not None and known.content_hash == digest:
            self._seen(known, record)
            if self.status.get(known.resource_id) == WITHDRAWN:
                self._restore(known)
            else:
                counts["unchanged"] += 1
            return
        try:
            data = load(ResourceSchema(), payload)
        except Invalid as error:
            self._refuse(record, _reason(error))
            return
        if known is None:
            self._create(record, data, digest)
        else:
            self._update(known, record, data, digest)

    def _refuse(self, record: Record, reason: str) -> None:
        self.report.counts["refused"] += 1
        self.report.refused.append({"record": record.remote_id, "reason": reason})
        known = self.known.get(record.remote_id)
        if known is not None:  # still listed: not to be withdrawn as missing
            self._seen(known, record)

    def _duplicate(self, record: Record, reason: str) -> None:
        self.report.counts["duplicates"] += 1
        self.report.duplicates.append({"record": record.remote_id, "reason": reason})

    def _change(self, known: _Known, **values: Any) -> None:
        db.session.execute(
            update(HarvestRecord).where(HarvestRecord.id == known.id).values(**values)
        )
        for name, value in values.items():
            setattr(known, name, value)

    def _seen(self, known: _Known, record: Record) -> None:
        self.seen.add(known.id)
        if self.report.dry_run:
            return
        if known.remote_id != record.remote_id or known.original_page != record.original_page:
            self._change(known, remote_id=record.remote_id, original_page=record.original_page)
        self.touched.append(known.id)

    def _create(self, record: Record, data: dict[str, Any], digest: str) -> None:
        other = self.elsewhere.get(record.original_uri or "")
        if other is not None:
            self._duplicate(record, f"ya lo trajo la fuente «{other}»")
            return
        self.report.counts["created"] += 1
        if self.report.dry_run:
            return
        holder: list[HarvestRecord] = []

        def provenance(resource) -> None:
            row = HarvestRecord(
                source_id=self.source_id,
                resource=resource,
                remote_id=record.remote_id,
                original_uri=record.original_uri,
                original_page=record.original_page,
                content_hash=digest,
                filters_seen=self.signature,
                last_seen_at=self.now,
            )
            db.session.add(row)
            holder.append(row)

        try:
            resource = create_resource(
                data, self.actor, summary=f"Cosechado de «{self.source_name}».", along=provenance
            )
        except CatalogError as error:
            self.report.counts["created"] -= 1
            self._refuse(record, _reason(error))
            return
        row = holder[0]
        known = _Known(*(getattr(row, f.name) for f in fields(_Known)))
        self.seen.add(known.id)
        self.known[record.remote_id] = known
        self.status[resource.id] = resource.status

    def _update(self, known: _Known, record: Record, data: dict[str, Any], digest: str) -> None:
        restore = self.status.get(known.resource_id) == WITHDRAWN
        self._seen(known, record)
        self.report.counts["restored" if restore else "updated"] += 1
        if self.report.dry_run:
            return
        try:
            resource = update_resource(
                db.session.get_one(Resource, known.resource_id),
                data,
                self.actor,
                partial=False,
                summary=f"Actualizado desde «{self.source_name}».",
            )
        except CatalogError as error:
            self.report.counts["restored" if restore else "updated"] -= 1
            self._refuse(record, _reason(error))
            return
        self._change(known, content_hash=digest)
        self.status[resource.id] = resource.status

    def _restore(self, known: _Known) -> None:
        self.report.counts["restored"] += 1
        if not self.report.dry_run:
            change_status(db.session.get_one(Resource, known.resource_id), PUBLISHED, self.actor)
            self.status[known.resource_id] = PUBLISHED

    def mark_seen(self) -> None:
        """Every record seen unchanged: seen now, not missing, under these filters."""
        for start in range(0, len(self.touched), 500):
            db.session.execute(
                update(HarvestRecord)
                .where(HarvestRecord.id.in_(self.touched[start : start + 500]))
                .values(last_seen_at=self.now, missing_since=None, filters_seen=self.signature)
                .execution_options(synchronize_session=False)
            )
        self.touched.clear()

    def withdraw_missing(self) -> None:
        """After a complete run: what the source stopped listing, past the grace period."""
        for known in list(self.known.values()):
            if known.id in self.seen or self.status.get(known.resource_id) == WITHDRAWN:
                continue
            if known.filters_seen != self.signature:  # seen under other filters: not ours to say
                continue
            missing_since = known.missing_since or self.now
            if self.now - missing_since >= self.grace:
                self.report.counts["withdrawn"] += 1
                if not self.report.dry_run:
                    if known.missing_since is None:
                        self._change(known, missing_since=missing_since)
                    change_status(
                        db.session.get_one(Resource, known.resource_id),
                        WITHDRAWN,
                        self.actor,
                        reason=WITHDRAWN_AT_SOURCE,
                    )
                    self.status[known.resource_id] = WITHDRAWN
            elif not self.report.dry_run and known.missing_since is None:
                self._change(known, missing_since=missing_since)


def _forget(keep: tuple[Any, ...]) -> None:
    """Drop from the session everything a batch loaded, except `keep` (the source, the run)."""
    for obj in list(db.session):
        if not any(obj is k for k in keep) and obj in db.session:  # (cascades expunge too)
            db.session.expunge(obj)


def _apply_all(
    state: _Run, collected: list[Record], dry_run: bool, keep: tuple[Any, ...] = ()
) -> None:
    """Every record, written BATCH at a time (nothing is written in a dry run); the session
    is emptied after each batch so memory stays flat however long the source."""
    if dry_run:
        for record in collected:
            state.apply(record)
        if state.report.complete:
            state.withdraw_missing()
        return
    for start in range(0, len(collected), BATCH):
        with batch():
            for record in collected[start : start + BATCH]:
                state.apply(record)
        _forget(keep)
    with batch():
        state.mark_seen()
        if state.report.complete:  # only a complete listing says what the source removed
            state.withdraw_missing()
    _forget(keep)


FULL_EVERY = timedelta(days=1)  # an incremental run is no substitute for this long
CLOCK_MARGIN = timedelta(minutes=5)  # source and catalog clocks may disagree this much


def since(source: HarvestSource, now: datetime | None = None) -> datetime | None:
    """Where an incremental run may start: the start of the source's last successful run,
    less a clock margin — or None when a complete run is due (never done, or older than
    FULL_EVERY: only a complete run can tell what the source removed)."""
    now = now or utcnow()
    if source.last_complete_at is None or now - source.last_complete_at > FULL_EVERY:
        return None
    started = db.session.execute(
        db.select(db.func.max(HarvestRun.started_at))
        .where(HarvestRun.source_id == source.id)
        .where(HarvestRun.status == "ok")
        .where(HarvestRun.dry_run.is_(False))
    ).scalar()
    if started is None:
        return None
    if started.tzinfo is None:
        started = started.replace(tzinfo=now.tzinfo)
    return started - CLOCK_MARGIN


def run(source: HarvestSource, *, dry_run: bool = False, incremental: bool = False) -> Report:
    """One run of a source; its report (stored unless `dry_run`). `incremental` asks the
    source only for what changed since the last run, when a complete run is recent enough
    (see `since`); such a run is not complete, so it withdraws nothing."""
    report = Report(source.name, dry_run=dry_run)
    report.since = since(source) if incremental else None
    if not dry_run and not _acquire(source):
        report.status = "locked"
        return report
    row = None
    session = db.session()
    expire = session.expire_on_commit
    try:
        if not dry_run:
            row = HarvestRun(source_id=source.id, dry_run=False, status="running")
            db.session.add(row)
            db.session.commit()
        collected: list[Record] = []
        try:
            for page in readers.pages(source, report.since):
                report.pages += 1
                collected.extend(page)
        except readers.SourceFailed as error:
            report.status, report.error = "failed", str(error)
        if report.status == "ok":
            report.complete = report.since is None
            # the run holds the source's lock and its records are read-only to everyone else:
            # its objects stay current across its own commits (no reload after each batch)
            session.expire_on_commit = False
            _apply_all(_Run(source, report), collected, dry_run, keep=(source, row))
        if not dry_run:
            _finish(source, row, report)
    finally:
        session.expire_on_commit = expire
        if not dry_run:
            _release(source)
    return report


def _finish(source: HarvestSource, row: HarvestRun | None, report: Report) -> None:
    db.session.rollback()
    now = utcnow()
    source.last_run_at = now
    if report.complete:
        source.last_complete_at = now
    if row is not None:
        row.finished_at = now
        row.status = report.status
        row.complete = report.complete
        row.pages = report.pages
        row.counts = dict(report.counts)
        row.refused = report.refused + [
            {**d, "reason": f"duplicado: {d['reason']}"} for d in report.duplicates
        ]
        row.approximated = report.approximated[:1000]
        row.error = report.error
    db.session.commit()
