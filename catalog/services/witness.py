"""The chain-head witness: the newest head of the revision chain, kept outside the database.

`catalog verify` compares the database with it, so a database put back from an old or torn
copy (e.g. a plain file copy of SQLite taken while the app was writing) cannot pass as intact.
The app rewrites the file after every commit that appended revisions; several workers (or app
servers sharing the file) only ever move it forward.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Head:
    hash: str
    length: int


def witness_path(app: Flask | None = None) -> Path:
    app = app or current_app
    return Path(app.config["CATALOG_WITNESS_FILE"])


def read(path: Path) -> Head | None:
    try:
        data = json.loads(path.read_text())
        return Head(str(data["hash"]), int(data["length"]))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def write(path: Path, head: Head, *, force: bool = False) -> None:
    """Record `head` unless the file already holds a longer chain (unless forced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = os.open(f"{path}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = read(path)
        if not force and current is not None and current.length >= head.length:
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"hash": head.hash, "length": head.length}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        os.close(lock)


_registered = False


def init_witness(app: Flask) -> None:
    """After each commit that appended revisions, move the witness forward (registered once
    per process: the listener works for whichever app is current)."""
    global _registered
    if _registered:
        return
    _registered = True

    @event.listens_for(Session, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.in_nested_transaction():  # a savepoint released: nothing committed yet
            return
        pending = session.info.pop("chain_head", None)
        if pending is None or not pending[0]:
            return
        from flask import has_app_context

        if not has_app_context():
            return
        try:
            write(witness_path(), Head(pending[0], pending[1]))
        except OSError:
            current_app.logger.warning("could not update the chain-head witness")

    @event.listens_for(Session, "after_rollback")
    def _after_rollback(session: Session) -> None:
        if session.in_nested_transaction():  # a savepoint undone: `_writing` restores it
            return
        session.info.pop("chain_head", None)
