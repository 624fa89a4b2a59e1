"""The review calendar: what is overdue or due soon, per entity."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import PUBLISHED, Publisher, Resource

SOON_DAYS = 30


@dataclass(frozen=True)
class Due:
    resource: Resource
    due_on: date
    days_late: int  # > 0 overdue, <= 0 due within the window

    @property
    def overdue(self) -> bool:
        return self.days_late > 0


def due_reviews(
    publisher: Publisher | None = None,
    *,
    today: date | None = None,
    within: int = SOON_DAYS,
    limit: int | None = None,
) -> list[Due]:
    """Published resources whose review date has passed or falls within `within` days,
    most overdue first (the first `limit` of them). A publisher includes its units."""
    today = today or date.today()
    stmt = (
        db.select(Resource)
        .where(
            Resource.status == PUBLISHED,
            Resource.next_review_on.is_not(None),
            Resource.next_review_on <= today + timedelta(days=within),
        )
        .order_by(Resource.next_review_on, Resource.id)
        .options(selectinload(Resource.publisher).selectinload(Publisher.parent))
    )
    if publisher is not None:
        ids = publisher.family_ids
        stmt = stmt.where(Resource.publisher_id.in_(ids))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        Due(r, r.next_review_on, (today - r.next_review_on).days)
        for r in db.session.execute(stmt).scalars()
    ]


def overdue_csv(today: date | None = None) -> str:
    """Overdue reviews per entity, as CSV (what `catalog review-report` prints)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["entidad", "dependencia", "recurso", "titulo", "revision_vencida_desde", "dias_de_retraso"]
    )
    rows = [d for d in due_reviews(today=today, within=0) if d.overdue]
    rows.sort(key=lambda d: (d.resource.publisher.entity.name, -d.days_late))
    for item in rows:
        publisher = item.resource.publisher
        writer.writerow(
            [
                publisher.entity.name,
                publisher.name if publisher.parent is not None else "",
                item.resource.slug,
                item.resource.title,
                item.due_on.isoformat(),
                item.days_late,
            ]
        )
    return out.getvalue()
