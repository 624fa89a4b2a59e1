"""Revisions and the hash chains that make history tamper-evident.

Each revision's `hash` covers its content and the previous revision of the same resource
(`prev_hash`); `catalog_hash` chains every revision of the catalog in order, and the single
`chain_head` row holds the newest link, which is published so anyone can check that history
was not rewritten.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..extensions import db
from ..models import ChainHead, Resource, Revision, utcnow
from .actors import Actor
from .snapshot import diff, snapshot, summarize


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


HASH_VERSION = 2


def revision_hash(revision: Revision, resource_uuid: str) -> str:
    """SHA-256 of every stored column of the revision and the previous hash of its resource.

    Version 2 (every revision written since migration 0015) covers all columns but the hashes
    themselves and the row id, whose order the catalog-wide chain fixes. Version 1 (older rows)
    left out the changes and the actor's ids; those rows keep their hash."""
    payload: dict[str, Any] = {
        "resource": resource_uuid,
        "seq": revision.seq,
        "created_at": revision.created_at.isoformat(),
        "actor": revision.actor_label,
        "action": revision.action,
        "summary": revision.summary,
        "snapshot": revision.snapshot,
        "prev_hash": revision.prev_hash,
    }
    if (revision.hash_version or HASH_VERSION) >= 2:
        payload.update(
            {
                "hash_version": revision.hash_version or HASH_VERSION,
                "changes": revision.changes,
                "actor_user_id": revision.actor_user_id,
                "actor_token_id": revision.actor_token_id,
            }
        )
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def catalog_link_hash(prev: str | None, revision_hash_value: str, version: int = 1) -> str:
    """The catalog-wide link. From version 2 it also fixes the revision's hash version, so a
    row cannot be passed off as an older, less covered one."""
    suffix = f":v{version}" if version >= 2 else ""
    return hashlib.sha256(f"{prev or ''}:{revision_hash_value}{suffix}".encode()).hexdigest()


def _lock_chain_head() -> ChainHead:
    head = db.session.execute(
        db.select(ChainHead).where(ChainHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = ChainHead(id=1, length=0)
        db.session.add(head)
        db.session.flush()
    return head


def record_revision(
    resource: Resource,
    actor: Actor,
    action: str,
    before: dict[str, Any] | None,
    summary: str | None = None,
) -> Revision | None:
    """Append a revision if anything changed (always for create); returns it or None."""
    db.session.flush()  # ids and defaults are needed in the snapshot
    after = snapshot(resource)
    changes = diff(before, after)
    if before is not None and not changes:
        return None
    last = db.session.execute(
        db.select(Revision)
        .where(Revision.resource_id == resource.id)
        .order_by(Revision.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    head = _lock_chain_head()
    revision = Revision(
        resource_id=resource.id,
        seq=(last.seq + 1) if last else 1,
        created_at=utcnow(),
        actor_user_id=actor.user_id,
        actor_token_id=actor.token_id,
        actor_label=actor.label,
        action=action,
        summary=summary if summary is not None else summarize(changes),
        changes=changes,
        snapshot=after,
        prev_hash=last.hash if last else None,
        catalog_prev_hash=head.hash,
        hash_version=HASH_VERSION,
    )
    revision.hash = revision_hash(revision, resource.uuid)
    revision.catalog_hash = catalog_link_hash(head.hash, revision.hash, HASH_VERSION)
    db.session.add(revision)
    resource.version = revision.seq
    db.session.flush()
    head.revision_id = revision.id
    head.hash = revision.catalog_hash
    head.length = (head.length or 0) + 1
    head.updated_at = revision.created_at
    db.session.info["chain_head"] = (head.hash, head.length)  # the witness, after commit
    return revision


def revisions_of(resource: Resource) -> list[Revision]:
    return list(
        db.session.execute(
            db.select(Revision).where(Revision.resource_id == resource.id).order_by(Revision.seq)
        ).scalars()
    )


def chain_head() -> ChainHead | None:
    return db.session.get(ChainHead, 1)
