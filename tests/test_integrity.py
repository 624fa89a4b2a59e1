"""Tamper-evident history: `catalog verify` finds every kind of change made behind our back."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from catalog.extensions import db
from catalog.models import PUBLISHED, ChainHead, Resource, Revision
from catalog.services.actors import Actor
from catalog.services.history import catalog_link_hash, revision_hash
from catalog.services.resources import get_resource, update_resource
from catalog.stewardship import integrity
from catalog.stewardship.integrity import verify


def run_cli(app):
    result = app.test_cli_runner().invoke(args=["verify"])
    return result.exit_code, result.output


def first_published(app) -> str:
    with app.app_context():
        return (
            db.session.execute(
                db.select(Resource.slug).where(Resource.status == PUBLISHED).order_by(Resource.id)
            )
            .scalars()
            .first()
        )


def test_untouched_catalog_verifies(demo_app):
    with demo_app.app_context():
        update_resource(
            get_resource(first_published(demo_app)),
            {"version_label": "2.1"},
            Actor.system(),
            partial=True,
        )
        report = verify()
    assert report.ok, report.problems
    assert report.revisions > report.resources >= 60
    code, output = run_cli(demo_app)
    assert code == 0 and "Historial íntegro" in output


def kinds(report) -> set[str]:
    """Which of verify's named rules the report says broke."""
    names = {
        "sequence": integrity.SEQUENCE,
        "previous": integrity.PREVIOUS,
        "content": integrity.CONTENT,
        "catalog_break": integrity.CATALOG_BREAK,
        "catalog_link": integrity.CATALOG_LINK,
        "version": integrity.VERSION,
        "head": integrity.HEAD,
        "known_missing": integrity.KNOWN_MISSING,
        "known_rewritten": integrity.KNOWN_REWRITTEN,
        "outside": integrity.OUTSIDE,
    }
    found = {name for name, text in names.items() for p in report.problems if text in p}
    assert len(report.problems) >= len(found)
    return found


def reseal(from_id: int = 1) -> None:
    """What a forger who knows the (public) algorithm does after editing: recompute every
    content hash, the catalog chain and the stored head from revision `from_id` on."""
    uuids = dict(db.session.execute(db.select(Resource.id, Resource.uuid)).all())
    previous, last = None, {}
    for revision in db.session.execute(db.select(Revision).order_by(Revision.id)).scalars():
        if revision.id >= from_id:
            revision.prev_hash = last.get(revision.resource_id, revision.prev_hash)
            revision.hash = revision_hash(revision, uuids[revision.resource_id])
            revision.catalog_prev_hash = previous
            revision.catalog_hash = catalog_link_hash(
                previous, revision.hash, revision.hash_version
            )
        last[revision.resource_id] = revision.hash
        previous = revision.catalog_hash
    head = db.session.get(ChainHead, 1)
    head.hash = previous
    db.session.commit()


def _second_revision(app) -> Revision:
    """A resource's second revision (so it has a predecessor), not its last."""
    return (
        db.session.execute(db.select(Revision).where(Revision.seq == 2).order_by(Revision.id))
        .scalars()
        .first()
    )


def _edit_published(app, n: int = 2) -> None:
    slug = first_published(app)
    for i in range(n):
        update_resource(
            get_resource(slug), {"version_label": f"9.{i}"}, Actor.system(), partial=True
        )


# each tampering, on its own, and the one rule that must name it
TAMPERING = {
    "summary edited": ("UPDATE revision SET summary = 'otra cosa' WHERE id = 5", {"content"}),
    "changes edited": ("UPDATE revision SET changes = '{}' WHERE id = 5", {"content"}),
    "actor id edited": (
        "UPDATE revision SET actor_user_id = NULL, actor_token_id = NULL, "
        "actor_label = 'otra persona' WHERE id = 5",
        {"content"},
    ),
    "record changed outside": (
        "UPDATE resource SET title = 'Título cambiado a escondidas' WHERE id = 3",
        {"outside"},
    ),
    "stored head rewritten": ("UPDATE chain_head SET hash = 'f00d'", {"head"}),
    "catalog link edited": (
        "UPDATE revision SET catalog_hash = 'f00d' WHERE id = 5",
        {"catalog_link", "catalog_break"},
    ),
    "unknown hash version": (
        "UPDATE revision SET hash_version = 7 WHERE id = 5",
        {"version", "content"},
    ),
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_tampering_is_detected_by_its_rule(demo_app, how):
    sql, expected = TAMPERING[how]
    with demo_app.app_context():
        assert verify(record=False).ok
        db.session.execute(text(sql))
        db.session.commit()
        report = verify()
    assert kinds(report) == expected, report.problems
    code, output = run_cli(demo_app)
    assert code != 0 and "PROBLEMA" in output


def test_resealed_sequence_gap_is_named(demo_app):
    with demo_app.app_context():
        _edit_published(demo_app)
        revision = _second_revision(demo_app)
        revision.seq = 3 if revision.seq == 2 else revision.seq  # a gap: 1, 3
        last = (
            db.session.execute(
                db.select(Revision)
                .where(Revision.resource_id == revision.resource_id)
                .order_by(Revision.seq.desc())
            )
            .scalars()
            .first()
        )
        db.session.flush()
        if last.id != revision.id:
            last.seq = 10
        reseal(revision.id)
        Path(demo_app.config["CATALOG_WITNESS_FILE"]).unlink()  # the forger's copy has none
        assert kinds(verify(record=False)) == {"sequence"}


def test_resealed_broken_link_to_previous_is_named(demo_app):
    with demo_app.app_context():
        revision = _second_revision(demo_app)
        revision.prev_hash = "0" * 64
        db.session.flush()
        uuids = dict(db.session.execute(db.select(Resource.id, Resource.uuid)).all())
        revision.hash = revision_hash(revision, uuids[revision.resource_id])
        db.session.flush()
        # reseal everything after it, but keep its forged prev_hash
        previous = revision.catalog_prev_hash
        revision.catalog_hash = catalog_link_hash(previous, revision.hash, revision.hash_version)
        db.session.flush()
        later = (
            db.session.execute(
                db.select(Revision).where(Revision.id > revision.id).order_by(Revision.id)
            )
            .scalars()
            .all()
        )
        previous = revision.catalog_hash
        for row in later:
            row.catalog_prev_hash = previous
            row.catalog_hash = catalog_link_hash(previous, row.hash, row.hash_version)
            previous = row.catalog_hash
        db.session.get(ChainHead, 1).hash = previous
        db.session.commit()
        assert kinds(verify(record=False)) == {"previous"}


def test_downgraded_hash_version_is_caught_by_the_catalog_link(demo_app):
    with demo_app.app_context():
        revision = db.session.get(Revision, 5)
        revision.changes = {"title": ["a", "b"]}
        revision.hash_version = 1  # v1 hashes left `changes` out
        db.session.flush()
        uuids = dict(db.session.execute(db.select(Resource.id, Resource.uuid)).all())
        revision.hash = revision_hash(revision, uuids[revision.resource_id])
        db.session.commit()
        found = kinds(verify(record=False))
    assert "catalog_link" in found and "content" not in found


def test_rows_written_before_hash_version_2_still_verify(demo_app):
    """Rows from before migration 0015 carry hash version 1 (no changes or actor ids in the
    hash, no version in the catalog link). A database upgraded with them verifies clean, and
    the later version-2 rows chain on from them."""
    with demo_app.app_context():
        old = db.session.execute(
            db.select(Revision).where(Revision.id <= 10).order_by(Revision.id)
        ).scalars()
        for revision in old:
            revision.hash_version = 1
        db.session.flush()
        reseal()  # what the catalog wrote back then, v1 rows then v2 rows
        versions = set(db.session.execute(db.select(Revision.hash_version)).scalars())
        assert versions == {1, 2}
        Path(demo_app.config["CATALOG_WITNESS_FILE"]).unlink(missing_ok=True)
        report = verify()
        assert report.ok, report.problems
        # and a v1 row is still held to what v1 covered
        db.session.execute(text("UPDATE revision SET summary = 'otra' WHERE id = 3"))
        db.session.commit()
        assert kinds(verify(record=False)) == {"content"}


def test_perfect_forgery_is_caught_by_the_known_head(demo_app):
    with demo_app.app_context():
        assert verify().ok  # records the witness
        db.session.execute(text("UPDATE revision SET summary = 'reescrita' WHERE id = 5"))
        db.session.commit()
        reseal(5)
        report = verify()
        assert kinds(report) == {"known_rewritten"}
        # without the witness nothing outside the database remembers: verify says so
        Path(demo_app.config["CATALOG_WITNESS_FILE"]).unlink()
        blind = verify(record=False)
        assert blind.ok and "No hay cabeza conocida" in blind.notes[0]
        # the published head, given by hand, still tells
        from catalog.services.witness import Head

        assert kinds(verify(Head(report.head.hash, report.head.length), record=False)) == set()


def test_old_copy_of_the_database_is_caught_by_the_witness(demo_app, tmp_path):
    """A database put back from a copy taken before the last writes (as a plain file copy of
    a running SQLite can be) is consistent in itself; only the witness shows what is missing."""
    from .conftest import make_app
    from .databases import copy_database

    with demo_app.app_context():
        assert verify().ok
        db.session.remove()
        db.engine.dispose()
    old_url, drop = copy_database(demo_app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with demo_app.app_context():
            _edit_published(demo_app, 3)
            assert verify().ok  # the witness moves forward with the writes
        restored = make_app(
            old_url, tmp_path, CATALOG_WITNESS_FILE=demo_app.config["CATALOG_WITNESS_FILE"]
        )
        with restored.app_context():
            report = verify()
            assert kinds(report) == {"known_missing"}, report.problems
            db.session.remove()
            db.engine.dispose()
        code, output = run_cli(restored)
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()
        assert code == 1 and integrity.KNOWN_MISSING in output
    finally:
        drop()


def test_witness_follows_every_write(demo_app):
    from catalog.services.witness import read

    with demo_app.app_context():
        _edit_published(demo_app, 1)
        head = db.session.get(ChainHead, 1)
        known = read(Path(demo_app.config["CATALOG_WITNESS_FILE"]))
        assert known is not None and (known.hash, known.length) == (head.hash, head.length)


def test_reordered_history_is_detected(demo_app):
    with demo_app.app_context():
        a, b = db.session.execute(db.select(Revision).order_by(Revision.id).limit(2)).scalars()
        a.created_at, b.created_at = b.created_at, a.created_at
        db.session.commit()
        assert not verify().ok


def test_hosted_file_changed_is_detected(demo_app):
    from catalog.services.resources import create_resource

    files = Path(demo_app.config["CATALOG_FILES_DIR"])
    files.mkdir(parents=True, exist_ok=True)
    (files / "informe.csv").write_bytes(b"a,b\n1,2\n")
    with demo_app.app_context():
        create_resource(
            {
                "title": "Informe con archivo",
                "type": "informe-resultados",
                "publisher": "secretaria-general",
                "distributions": [
                    {
                        "id": "00000000-0000-4000-8000-0000000000aa",
                        "file_key": "informe.csv",
                        "file_name": "informe.csv",
                        "checksum_sha256": hashlib.sha256(b"a,b\n1,2\n").hexdigest(),
                    }
                ],
            },
            Actor.system(),
            trusted=True,
        )
        assert verify().ok
    (files / "informe.csv").write_bytes(b"a,b\n1,3\n")
    with demo_app.app_context():
        report = verify()
        from catalog.models import Distribution, FileCheck

        dist = db.session.execute(
            db.select(Distribution).where(Distribution.file_key == "informe.csv")
        ).scalar_one()
        check = db.session.get(FileCheck, dist.id)
        # the stewardship check "archivos íntegros" reads this stored result
        assert check is not None and check.ok is False
        assert check.problem == "su SHA-256 no coincide"
    assert any("informe.csv" in p for p in report.problems)


def test_chain_head_is_published(demo_app):
    client = demo_app.test_client()
    head = client.get("/integridad.json").get_json()
    with demo_app.app_context():
        count = db.session.execute(db.select(db.func.count(Revision.id))).scalar_one()
        newest = (
            db.session.execute(db.select(Revision.catalog_hash).order_by(Revision.id.desc()))
            .scalars()
            .first()
        )
    assert head["length"] == count and head["hash"] == newest
    page = client.get("/integridad").get_data(as_text=True)
    assert newest in page


def test_a_head_given_by_hand_wins_over_the_witness(demo_app):
    """The gaps the mutation run named: --head is compared even when a witness exists, a
    one-revision head is checked, and a missing chain-head row is reported."""
    from catalog.services.witness import Head

    with demo_app.app_context():
        clean = verify()
        assert clean.ok  # the witness now agrees with the database
        wrong = Head("0" * 64, clean.head.length)
        assert kinds(verify(wrong, record=False)) == {"known_rewritten"}
        first = db.session.execute(
            db.select(Revision.catalog_hash).order_by(Revision.id).limit(1)
        ).scalar_one()
        assert kinds(verify(Head(first, 1), record=False)) == set()
        assert kinds(verify(Head("0" * 64, 1), record=False)) == {"known_rewritten"}
        db.session.execute(db.delete(ChainHead))
        db.session.commit()
        assert "head" in kinds(verify(record=False))


def test_a_batch_keeps_the_good_writes_and_undoes_a_refused_one_whole(demo_app):
    """A harvest writes many resources in one transaction, each in a savepoint: a write
    refused after its revision was recorded leaves no row, no revision and no witness of it."""
    from catalog.errors import Conflict
    from catalog.services.resources import batch, create_resource

    def refuse(_resource):
        raise Conflict("rechazado a propósito")

    with demo_app.app_context():
        revisions = db.session.query(Revision).count()
        head_before = db.session.get(ChainHead, 1).length
        existing = db.session.execute(db.select(Resource).order_by(Resource.id)).scalars().first()
        data = {"type": existing.type, "publisher": existing.publisher.slug, "status": PUBLISHED}
        with batch():
            create_resource({**data, "title": "Primero del lote"}, Actor.system())
            with pytest.raises(Conflict):
                create_resource({**data, "title": "Rechazado"}, Actor.system(), along=refuse)
            create_resource({**data, "title": "Tercero del lote"}, Actor.system())
            # the batch's last write is refused too: the witness must stay at the third
            with pytest.raises(Conflict):
                create_resource({**data, "title": "Rechazado"}, Actor.system(), along=refuse)
        titles = set(db.session.execute(db.select(Resource.title)).scalars())
        assert {"Primero del lote", "Tercero del lote"} <= titles
        assert "Rechazado" not in titles
        assert db.session.query(Revision).count() == revisions + 2
        assert db.session.get(ChainHead, 1).length == head_before + 2
        head = db.session.get(ChainHead, 1)
        # the witness moved with the commit to the batch's last good write, no further
        witnessed = json.loads(Path(demo_app.config["CATALOG_WITNESS_FILE"]).read_text())
        assert witnessed == {"hash": head.hash, "length": head.length}

        # a batch that fails outside any write is undone whole: the witness never moved
        with pytest.raises(RuntimeError), batch():
            create_resource({**data, "title": "Perdido con su lote"}, Actor.system())
            raise RuntimeError("el proceso falla a mitad del lote")
        assert "Perdido con su lote" not in set(
            db.session.execute(db.select(Resource.title)).scalars()
        )
        after = json.loads(Path(demo_app.config["CATALOG_WITNESS_FILE"]).read_text())
        assert after == witnessed
    code, output = run_cli(demo_app)
    assert code == 0, output
