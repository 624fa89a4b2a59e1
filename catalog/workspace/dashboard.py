"""Publishers' dashboards: their entities, and each entity's resources and what needs attention."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..errors import Forbidden
from ..extensions import db
from ..models import (
    DRAFT,
    PUBLISHED,
    WITHDRAWN,
    Distribution,
    HarvestSource,
    LinkCheck,
    Publisher,
    Resource,
)
from ..paging import requested_page
from ..schemas.access_exceptions import attention_note, may_need_attention
from ..services import resources as service
from ..stewardship.reviews import due_reviews
from . import bp
from .auth import current_actor


@bp.get("/")
@login_required
def dashboard():
    actor = current_actor()
    if actor.is_admin:
        entities = list(
            db.session.execute(
                db.select(Publisher).where(Publisher.parent_id.is_(None)).order_by(Publisher.name)
            ).scalars()
        )
    else:
        entities = sorted(
            {m.publisher for m in current_user.memberships}, key=lambda p: p.display_name
        )
    if len(entities) == 1 and not actor.is_admin:
        return redirect(url_for("workspace.entity_dashboard", slug=entities[0].slug))
    return render_template("workspace/dashboard.html", entities=entities)


PAGE_SIZE = 50
ATTENTION_LIMIT = 25


@bp.get("/entidad/<slug>")
@login_required
def entity_dashboard(slug: str):
    publisher = service.find_publisher(slug, "entidad")
    actor = current_actor()
    if not actor.can_edit(publisher):
        raise Forbidden(f"No es miembro de «{publisher.display_name}».")
    family = publisher.family_ids
    counts = dict.fromkeys((DRAFT, PUBLISHED, WITHDRAWN), 0)
    counts.update(
        db.session.execute(
            db.select(Resource.status, db.func.count())
            .where(Resource.publisher_id.in_(family))
            .group_by(Resource.status)
        ).all()
    )
    status = request.args.get("estado") or None
    words = " ".join((request.args.get("q") or "").split())[:200]
    conditions: list[Any] = [Resource.publisher_id.in_(family)]
    if status in counts:
        conditions.append(Resource.status == status)
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(Resource.title.ilike(pattern, escape="\\"))
    if status in counts and not words:
        total = counts[status]
    elif words:
        total = db.session.execute(
            db.select(db.func.count(Resource.id)).where(*conditions)
        ).scalar_one()
    else:
        total = sum(counts.values())
    page, pages = requested_page(total, PAGE_SIZE, "la lista")
    resources = list(
        db.session.execute(
            db.select(Resource)
            .where(*conditions)
            .order_by(Resource.updated_at.desc(), Resource.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
            .options(selectinload(Resource.publisher).selectinload(Publisher.parent))
        ).scalars()
    )
    return render_template(
        "workspace/entity.html",
        publisher=publisher,
        resources=resources,
        attention=attention(publisher),
        failing_sources=failing_sources(family),
        counts=counts,
        page=page,
        pages=pages,
        total=total,
        status=status if status in counts else None,
        words=words,
        can_manage=actor.can_manage(publisher),
    )


def failing_sources(family: list[int]) -> list[HarvestSource]:
    """The entity's harvest sources whose last run failed."""
    sources = db.session.execute(
        db.select(HarvestSource)
        .where(HarvestSource.publisher_id.in_(family), HarvestSource.active.is_(True))
        .order_by(HarvestSource.name)
    ).scalars()
    return [s for s in sources if s.runs and s.runs[0].status == "failed"]


def attention(publisher: Publisher) -> list[tuple[Resource, str]]:
    """What the entity's publishers should look at, most urgent first (a few of each kind):
    overdue and soon-due reviews, broken links, drafts, poor metadata."""
    family = publisher.family_ids
    items: list[tuple[Resource, str]] = []
    for entry in due_reviews(publisher, limit=ATTENTION_LIMIT):
        if entry.overdue:
            items.append((entry.resource, f"Revisión vencida hace {entry.days_late} días."))
        else:
            items.append((entry.resource, f"Revisión en {-entry.days_late} días."))
    if db.session.execute(db.select(LinkCheck.id).where(LinkCheck.ok.is_(False)).limit(1)).first():
        broken = db.session.execute(
            db.select(Resource, db.func.count(db.distinct(LinkCheck.id)))
            .join(Distribution, Distribution.resource_id == Resource.id)
            .join(
                LinkCheck,
                (LinkCheck.url == Distribution.access_url)
                | (LinkCheck.url == Distribution.download_url),
            )
            .where(
                Resource.publisher_id.in_(family),
                Resource.status == PUBLISHED,
                LinkCheck.ok.is_(False),
            )
            .group_by(Resource.id)
            .order_by(Resource.id)
            .limit(ATTENTION_LIMIT)
        ).all()
        items += [(r, f"{n} enlace(s) no responden.") for r, n in broken]
    drafts = db.session.execute(
        db.select(Resource)
        .where(Resource.publisher_id.in_(family), Resource.status == DRAFT)
        .order_by(Resource.updated_at.desc())
        .limit(ATTENTION_LIMIT)
    ).scalars()
    items += [(r, "Borrador sin publicar.") for r in drafts]
    poor = db.session.execute(
        db.select(Resource)
        .where(
            Resource.publisher_id.in_(family),
            Resource.status == PUBLISHED,
            Resource.quality_score <= 120,
        )
        .order_by(Resource.quality_score, Resource.id)
        .limit(ATTENTION_LIMIT)
    ).scalars()
    items += [(r, f"Calidad de metadatos deficiente ({r.quality_score} de 405).") for r in poor]
    items += _exceptions_due(family)
    return items


def _exceptions_due(family: list[int]) -> list[tuple[Resource, str]]:
    """Classified/reserved resources whose exception is unsaid or whose reserve ends (the
    access_rights index keeps this to the entity's few restricted resources)."""
    candidates = db.session.execute(
        db.select(Resource)
        .where(
            may_need_attention(),
            Resource.publisher_id.in_(family),
            Resource.status != WITHDRAWN,
        )
        .order_by(Resource.exception_until, Resource.id)
        .limit(ATTENTION_LIMIT)
    ).scalars()
    notes = [(r, attention_note(r)) for r in candidates]
    return [(r, note) for r, note in notes if note]
