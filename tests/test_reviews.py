"""The review calendar: overdue computation, the CSV report and the per-entity feed."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import feedparser
import pytest

from catalog.extensions import db
from catalog.models import PUBLISHED, Resource
from catalog.services.actors import Actor
from catalog.services.derived import add_duration, next_review
from catalog.services.resources import create_resource
from catalog.stewardship.reviews import due_reviews, overdue_csv


@pytest.mark.parametrize(
    ("frequency", "modified", "expected"),
    [
        ("annual", "2024-03-01", "2025-03-01"),
        ("monthly", "2024-01-31", "2024-02-29"),  # clamped to the month's end (leap year)
        ("quarterly", "2024-11-30", "2025-02-28"),
        ("daily", "2024-05-10", "2024-06-10"),  # reviews at least monthly
        ("irregular", "2024-05-10", "2025-05-10"),
        ("never", "2024-05-10", "2025-05-10"),
        (None, "2023-12-31", "2024-12-31"),
    ],
)
def test_next_review_follows_the_frequency(app, frequency, modified, expected):
    with app.app_context():
        resource = Resource(accrual_periodicity=frequency, modified=date.fromisoformat(modified))
        assert next_review(resource) == date.fromisoformat(expected)


def test_publisher_date_wins_and_durations_add(app):
    with app.app_context():
        resource = Resource(
            accrual_periodicity="monthly", modified=date(2024, 1, 1), review_on=date(2030, 1, 1)
        )
        assert next_review(resource) == date(2030, 1, 1)
    assert add_duration(date(2024, 2, 29), "P1Y") == date(2025, 2, 28)
    assert add_duration(date(2024, 1, 1), "P2W") == date(2024, 1, 15)


def test_due_lists_and_report(demo_app):
    today = date.today()
    with demo_app.app_context():
        for title, review_on in (
            ("Vencido hace diez días", today - timedelta(days=10)),
            ("Vence en una semana", today + timedelta(days=7)),
            ("Vence en un año", today + timedelta(days=365)),
        ):
            create_resource(
                {
                    "title": title,
                    "type": "guia",
                    "publisher": "direccion-distrital-archivo",
                    "status": "published",
                    "review_on": review_on.isoformat(),
                },
                Actor.system(),
            )
        entity = (
            db.session.execute(db.select(Resource).where(Resource.slug == "vencido-hace-diez-dias"))
            .scalar_one()
            .publisher.entity
        )
        due = {d.resource.title: d for d in due_reviews(entity)}
        assert (
            due["Vencido hace diez días"].overdue and due["Vencido hace diez días"].days_late == 10
        )
        assert not due["Vence en una semana"].overdue
        assert "Vence en un año" not in due
        all_overdue = {
            r.slug
            for r in db.session.execute(
                db.select(Resource).where(
                    Resource.status == PUBLISHED, Resource.next_review_on < today
                )
            ).scalars()
        }
        rows = list(csv.DictReader(io.StringIO(overdue_csv())))
    assert {r["recurso"] for r in rows} == all_overdue
    mine = next(r for r in rows if r["recurso"] == "vencido-hace-diez-dias")
    assert mine["entidad"].startswith("Secretaría General")
    assert mine["dependencia"] and mine["dias_de_retraso"] == "10"
    result = demo_app.test_cli_runner().invoke(args=["review-report"])
    assert result.exit_code == 0 and "vencido-hace-diez-dias" in result.output


def test_review_feed_and_public_badge(demo_app):
    with demo_app.app_context():
        create_resource(
            {
                "title": "Guía con revisión vencida",
                "type": "guia",
                "publisher": "secretaria-general",
                "status": "published",
                "review_on": (date.today() - timedelta(days=3)).isoformat(),
            },
            Actor.system(),
        )
    client = demo_app.test_client()
    feed = feedparser.parse(client.get("/feeds/revisiones/secretaria-general.atom").data)
    assert not feed.bozo
    titles = {e.title: e for e in feed.entries}
    assert "Guía con revisión vencida" in titles
    assert titles["Guía con revisión vencida"].summary.startswith("Revisión vencida desde")
    page = client.get("/recurso/guia-con-revision-vencida").get_data(as_text=True)
    assert "Revisión vencida" in page
    assert client.get("/feeds/revisiones/nadie.rss").status_code == 404
