"""The stewardship checks beside the quality score: review up to date, updated as the frequency
promises, hosted files intact — per resource, on the pages, per entity on /estado."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from catalog.extensions import db
from catalog.models import FileCheck, Resource
from catalog.services.actors import Actor
from catalog.services.derived import refresh_derived, update_due
from catalog.services.resources import create_resource
from catalog.stewardship.checks import resource_checks


class Stub:
    def __init__(self, frequency, modified=None, issued=None):
        self.accrual_periodicity, self.modified, self.issued = frequency, modified, issued


@pytest.mark.parametrize(
    "frequency, modified, issued, expected",
    [
        ("monthly", date(2025, 1, 31), None, date(2025, 2, 28)),  # month-end clamping
        ("annual", None, date(2024, 2, 29), date(2025, 2, 28)),  # issued when never modified
        ("quarterly", date(2025, 5, 10), date(2020, 1, 1), date(2025, 8, 10)),  # modified wins
        ("weekly", date(2025, 3, 1), None, date(2025, 3, 8)),
        ("biweekly", date(2025, 3, 1), None, date(2025, 3, 15)),
        ("daily", date(2025, 3, 1), None, date(2025, 3, 2)),
        ("hourly", date(2025, 3, 1), None, date(2025, 3, 2)),  # sub-day periods count as a day
        ("irreg", date(2025, 3, 1), None, None),  # nothing promised
        ("never", date(2025, 3, 1), None, None),
        ("monthly", None, None, None),  # no date to count from
        (None, date(2025, 3, 1), None, None),
    ],
)
def test_update_due_follows_the_frequency(app, frequency, modified, issued, expected):
    with app.app_context():
        assert update_due(Stub(frequency, modified, issued)) == expected


def test_twice_a_month_is_fifteen_days(app):
    with app.app_context():
        from catalog.services.derived import accrual_interval

        scheme = app.extensions["vocab"]["frequencies"]
        twice = next(
            c.notation for c in scheme.concepts if c.prop("dcatUsPeriodicity") == "R/P0.5M"
        )
        assert accrual_interval(twice) == "P15D"


def _hosted_resource(app, content: bytes, **extra) -> str:
    files = Path(app.config["CATALOG_FILES_DIR"])
    files.mkdir(parents=True, exist_ok=True)
    (files / "serie.csv").write_bytes(content)
    with app.app_context():
        resource = create_resource(
            {
                "title": "Serie mensual de trámites",
                "type": "conjunto-datos",
                "publisher": "secretaria-general",
                "status": "published",
                "accrual_periodicity": "monthly",
                **extra,
                "distributions": [
                    {
                        "id": "00000000-0000-4000-8000-0000000000aa",
                        "title": "CSV",
                        "format": "csv",
                        "file_key": "serie.csv",
                        "file_name": "serie.csv",
                        "byte_size": len(content),
                        "checksum_sha256": hashlib.sha256(content).hexdigest(),
                    }
                ],
            },
            Actor.system(),
            trusted=True,
        )
        return resource.slug


def _checks(app, slug: str, today: date | None = None) -> dict[str, bool | None]:
    with app.app_context():
        resource = db.session.execute(db.select(Resource).where(Resource.slug == slug)).scalar_one()
        return {c.key: c.ok for c in resource_checks(resource, today)}


def test_checks_follow_dates_and_verified_files(demo_app):
    today = date.today()
    slug = _hosted_resource(
        demo_app,
        b"mes;tramites\n2025-01;12\n",
        modified=(today - timedelta(days=10)).isoformat(),
        review_on=(today + timedelta(days=5)).isoformat(),
    )
    assert _checks(demo_app, slug) == {"review": True, "updated": True, "files": True}
    later = today + timedelta(days=45)  # past the review date and the month's promised update
    assert _checks(demo_app, slug, later) == {"review": False, "updated": False, "files": True}

    client = demo_app.test_client()
    page = client.get(f"/recurso/{slug}")
    assert "Archivos íntegros: sí" in page.text
    etag = page.headers["ETag"]

    # someone alters the file behind the application; `catalog verify` finds it
    (Path(demo_app.config["CATALOG_FILES_DIR"]) / "serie.csv").write_bytes(b"alterado\n")
    result = demo_app.test_cli_runner().invoke(args=["verify"])
    assert result.exit_code == 1
    with demo_app.app_context():
        checks = db.session.execute(db.select(FileCheck)).scalars().all()
        assert [(c.ok, c.problem) for c in checks if not c.ok] == [
            (False, "su SHA-256 no coincide")
        ]
    assert _checks(demo_app, slug)["files"] is False
    page = client.get(f"/recurso/{slug}", headers={"If-None-Match": etag})
    assert page.status_code == 200  # the page changed although the record did not
    assert "Archivos íntegros: <strong>no</strong>" in page.text

    state = client.get("/estado").text
    import html5lib

    doc = html5lib.parse(state, namespaceHTMLElements=False)
    rows = {
        "".join(tr[0].itertext()).strip(): ["".join(td.itertext()).strip() for td in tr[1:]]
        for tr in doc.find(".//section[@id='calidad']").iter("tr")  # the ranking table
        if len(tr) > 1 and tr[0].tag == "th" and tr[0].get("scope") == "row"
    }
    assert rows["Secretaría General de la Alcaldía Mayor de Bogotá D.C."][4] == "1"  # altered
    assert rows["Todo el catálogo"][4] == "1"


def test_resources_without_promises_or_files_do_not_apply(demo_app):
    with demo_app.app_context():
        resource = create_resource(
            {"title": "Guía sin archivos", "type": "guia", "publisher": "secretaria-general"},
            Actor.system(),
        )
        checks = {c.key: c.ok for c in resource_checks(resource)}
    assert checks == {"review": True, "updated": None, "files": None}


def test_migration_backfills_update_due(demo_app):
    """Upgrading an existing catalog fills update_due_on by the same rule as every write."""
    from flask_migrate import downgrade, upgrade

    with demo_app.app_context():
        expected = dict(db.session.execute(db.select(Resource.id, Resource.update_due_on)).all())
        assert any(v is not None for v in expected.values())
        db.session.remove()
        downgrade(revision="0012_workspace_indexes")
        upgrade(revision="heads")
        found = dict(db.session.execute(db.select(Resource.id, Resource.update_due_on)).all())
    assert found == expected


def test_state_charts_name_every_bar_and_match_the_table(shared_demo):
    """/estado's quality chart labels every bar with its entity and its score, in the table's
    order, and its text alternative carries the same figures."""
    import html5lib

    page = shared_demo.test_client().get("/estado").get_data(as_text=True)
    doc = html5lib.parse(page, namespaceHTMLElements=False)
    section = doc.find(".//section[@id='calidad']")
    ns = "{http://www.w3.org/2000/svg}"
    svg = section.find(f".//{ns}svg")
    texts = list(svg.iter(f"{ns}text"))
    labels = [(t.text or "").strip() for t in texts if t.get("class") == "label"]
    values = [t.text for t in texts if t.get("class") == "value"]
    table = [
        ("".join(tr[0].itertext()).strip(), "".join(tr[-1].itertext()).strip())
        for tr in section.find(".//tbody").iter("tr")
    ]
    assert len(labels) == len(table) > 5
    assert [label.rstrip("…") for label in labels] == [
        name[: len(label.rstrip("…"))] for (name, _), label in zip(table, labels, strict=True)
    ]
    assert values == [score for _, score in table]
    desc = svg.find(f"{ns}desc").text
    assert all(f"{name}: {score}" in desc for name, score in table)
    for key in ("niveles", "vencidas", "en-el-tiempo"):
        assert doc.find(f".//section[@id='{key}']") is not None


def test_saving_an_overdue_resource_moves_its_review(demo_app):
    """Saving through the workspace form is a review: the overdue badge goes, the next review
    is a year from today, and no revision is written for it."""
    from datetime import timedelta

    from catalog.models import Revision
    from catalog.services import resources as service
    from catalog.services.actors import Actor

    with demo_app.app_context():
        resource = (
            db.session.execute(
                db.select(Resource).where(
                    Resource.status == "published", Resource.review_on.is_(None)
                )
            )
            .scalars()
            .first()
        )
        resource.reviewed_on = None
        resource.modified = date.today() - timedelta(days=800)
        refresh_derived(resource)
        db.session.commit()
        assert resource.next_review_on < date.today()
        revisions = db.session.execute(db.select(db.func.count(Revision.id))).scalar_one()
        service.update_resource(resource, {}, Actor.system(), partial=True, reviewed=True)
        resource = service.get_resource(resource.slug)
        assert resource.reviewed_on is not None
        assert resource.next_review_on > date.today() + timedelta(days=300)
        assert db.session.execute(db.select(db.func.count(Revision.id))).scalar_one() == revisions
        slug, due = resource.slug, resource.next_review_on
    assert "Revisión vencida" not in demo_app.test_client().get(f"/recurso/{slug}").text
    # the published record says so too: the catalog's dump (stored fragments) carries it
    from rdflib import Graph

    from catalog.rdf.namespaces import CGP

    dump = demo_app.test_client().get("/catalog.nt?page_size=all").text
    graph = Graph().parse(data=dump, format="nt")
    subject = next(s for s in graph.subjects() if str(s).endswith(f"/recurso/{slug}"))
    assert {o.toPython() for o in graph.objects(subject, CGP.nextReviewDate)} == {due}
