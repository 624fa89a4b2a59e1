"""Tamper-evident history: `catalog verify` finds every kind of change made behind our back."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import text

from catalog.extensions import db
from catalog.models import PUBLISHED, Resource, Revision
from catalog.services.actors import Actor
from catalog.services.resources import get_resource, update_resource
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


TAMPERING = {
    "edited revision": "UPDATE revision SET summary = 'otra cosa' WHERE id = 5",
    "edited snapshot": "UPDATE revision SET snapshot = '{}' WHERE id = 7",
    "removed revision": "DELETE FROM revision WHERE id = 10",
    "record changed outside": "UPDATE resource SET title = 'Título cambiado a escondidas' "
    "WHERE id = 3",
    "rewritten head": "UPDATE chain_head SET hash = 'f00d'",
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_tampering_is_detected(demo_app, how):
    with demo_app.app_context():
        db.session.execute(text(TAMPERING[how]))
        db.session.commit()
        report = verify()
    assert not report.ok, how
    code, output = run_cli(demo_app)
    assert code != 0 and "PROBLEMA" in output


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
