"""The published chain head: anyone can record it and later check history was not rewritten."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from feedgen.feed import FeedGenerator
from flask import Response, abort, jsonify, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import case, func

from .. import urls
from ..errors import NotFound
from ..extensions import db
from ..feeds.build import MEDIA, clean
from ..i18n import N_
from ..models import PUBLISHED, ChainHead, Distribution, FileCheck, Publisher, Resource
from . import bp, charts
from .quality import BANDS, MAXIMUM, band
from .reviews import SOON_DAYS, due_reviews


def _head() -> dict:
    head = db.session.get(ChainHead, 1)
    return {
        "catalog": urls.catalog_uri(),
        "hash": head.hash if head else None,
        "length": head.length if head else 0,
        "updated_at": head.updated_at.isoformat() if head and head.updated_at else None,
        "algorithm": "SHA-256; catalog_hash = sha256(prev_catalog_hash + ':' + revision_hash)",
    }


@bp.get("/integridad.json")
def head_json():
    response = jsonify(_head())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/integridad")
def head_page():
    return render_template("stewardship/integrity.html", head=_head())


def _aware(stamp):
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


@bp.get("/feeds/revisiones/<slug>.<fmt>")
def reviews_feed(slug: str, fmt: str):
    """What an entity must review: overdue and due within 30 days (for its publishers)."""
    if fmt not in MEDIA:
        abort(404)
    publisher = Publisher.by_slug(slug)
    if publisher is None:
        raise NotFound(N_("No existe una entidad con ese identificador."))
    today = date.today()
    items = due_reviews(publisher, today=today)
    # the list changes with the day (days late) and with the resources: both are in the tag
    midnight = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    updated = max(
        [midnight, *(_aware(item.resource.updated_at) for item in items)],
    )
    signature = "|".join(
        [fmt, slug, publisher.name, today.isoformat()]
        + [f"{i.resource.id}:{i.resource.lock_version}:{i.due_on.isoformat()}" for i in items]
    )
    response = Response(content_type=f"{MEDIA[fmt]}; charset=utf-8")
    response.set_etag(hashlib.sha256(signature.encode()).hexdigest()[:32])
    response.last_modified = updated
    response.headers["Cache-Control"] = "private, max-age=600"
    response = response.make_conditional(request)  # type: ignore
    if response.status_code == 304:
        return response
    self_url = urls.absolute(f"/feeds/revisiones/{slug}.{fmt}")
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(f"Revisiones pendientes — {publisher.name}")
    fg.subtitle(
        f"Recursos de {publisher.name} con la revisión vencida o por vencer en {SOON_DAYS} días."
    )
    fg.language("es-CO")
    fg.link(href=self_url, rel="self", type=MEDIA[fmt])
    fg.link(href=urls.publisher_page(slug), rel="alternate", type="text/html")
    fg.updated(updated.replace(microsecond=0))
    for item in reversed(items):
        resource = item.resource
        entry = fg.add_entry()
        entry.id(f"{urls.resource_uri(resource.slug)}#revision-{item.due_on.isoformat()}")
        entry.guid(
            f"{urls.resource_uri(resource.slug)}#revision-{item.due_on.isoformat()}",
            permalink=False,
        )
        entry.title(clean(resource.title))
        entry.link(href=urls.resource_page(resource.slug), rel="alternate", type="text/html")
        if item.overdue:
            text = f"Revisión vencida desde el {item.due_on.isoformat()} ({item.days_late} días)."
        else:
            text = f"Revisión prevista para el {item.due_on.isoformat()}."
        entry.summary(text)
        stamp = datetime.combine(item.due_on, datetime.min.time(), tzinfo=UTC)
        entry.published(stamp)
        entry.updated(stamp)
        entry.author({"name": publisher.name})
    body = fg.rss_str(pretty=False) if fmt == "rss" else fg.atom_str(pretty=False)
    response.set_data(body)
    return response


@bp.get("/estado")
def catalog_state():
    """Public ranking of entities: resources, published this year, overdue reviews, quality."""
    today = date.today()
    entities = {p.id: p for p in db.session.execute(db.select(Publisher)).scalars()}
    rows = db.session.execute(
        db.select(
            Resource.publisher_id,
            func.count(Resource.id),
            func.sum(case((Resource.issued >= date(today.year, 1, 1), 1), else_=0)),
            func.sum(case((Resource.next_review_on < today, 1), else_=0)),
            func.avg(Resource.quality_score),
            func.sum(case((Resource.update_due_on < today, 1), else_=0)),
        )
        .where(Resource.status == PUBLISHED)
        .group_by(Resource.publisher_id)
    ).all()
    damaged = dict(
        db.session.execute(
            db.select(Resource.publisher_id, func.count(FileCheck.distribution_id))
            .join(Distribution, Distribution.resource_id == Resource.id)
            .join(FileCheck, FileCheck.distribution_id == Distribution.id)
            .where(Resource.status == PUBLISHED, FileCheck.ok.is_(False))
            .group_by(Resource.publisher_id)
        ).all()
    )
    totals: dict[int, dict] = {}
    for publisher_id, count, this_year, overdue, average, late in rows:
        entity = entities[publisher_id].entity
        item = totals.setdefault(
            entity.id,
            {
                "entity": entity,
                "resources": 0,
                "this_year": 0,
                "overdue": 0,
                "late_updates": 0,
                "damaged_files": 0,
                "score_sum": 0.0,
            },
        )
        item["resources"] += count
        item["this_year"] += int(this_year or 0)
        item["overdue"] += int(overdue or 0)
        item["late_updates"] += int(late or 0)
        item["damaged_files"] += int(damaged.get(publisher_id, 0))
        item["score_sum"] += float(average or 0) * count
    ranking = sorted(
        (
            {
                **item,
                "score": round(item["score_sum"] / item["resources"]) if item["resources"] else 0,
            }
            for item in totals.values()
        ),
        key=lambda i: (-i["score"], i["entity"].name),
    )
    catalog_score = (
        round(sum(i["score_sum"] for i in ranking) / sum(i["resources"] for i in ranking))
        if ranking
        else 0
    )
    return render_template(
        "stewardship/state.html",
        ranking=ranking,
        catalog_score=catalog_score,
        today=today,
        **_state_charts(ranking, entities, today),
    )


YEARS_SHOWN = 6


def _state_charts(ranking: list[dict], entities: dict[int, Publisher], today: date) -> dict:
    """The pictures of /estado, each drawn from the same figures as a table on the page."""

    def bar(label: str, value: float, **extra) -> charts.Bar:
        return charts.Bar(label=label, value=value, shown=format_decimal(value), **extra)

    quality = charts.rows(
        _("Puntaje promedio de calidad por entidad (de %(max)s)", max=MAXIMUM),
        [bar(item["entity"].name, item["score"]) for item in ranking],
        maximum=MAXIMUM,
    )
    late = [item for item in ranking if item["overdue"]]
    overdue = charts.rows(
        _("Revisiones vencidas por entidad"),
        [
            bar(item["entity"].name, item["overdue"])
            for item in sorted(late, key=lambda i: -i["overdue"])
        ],
    )
    rows = db.session.execute(
        db.select(
            Resource.publisher_id, Resource.issued, Resource.published_at, Resource.quality_score
        ).where(Resource.status == PUBLISHED)
    ).all()
    per_band: dict[str, int] = dict.fromkeys([str(name) for _floor, name in BANDS], 0)
    for *_dates, points in rows:
        per_band[str(band(points or 0))] += 1
    bands = [(str(_(name)), floor, per_band[str(name)]) for floor, name in reversed(BANDS)]
    distribution = charts.columns(
        _("Recursos por nivel de calidad"), [bar(label, count) for label, _f, count in bands]
    )
    first_year = today.year - YEARS_SHOWN + 1
    years = list(range(first_year, today.year + 1))
    per_entity: dict[int, dict[int, int]] = {}
    for publisher_id, issued, published_at, _points in rows:
        when = issued or (published_at.date() if published_at else None)
        if when is None:
            continue
        counts = per_entity.setdefault(entities[publisher_id].entity.id, {})
        year = max(when.year, first_year - 1)  # everything older counts as "before"
        counts[year] = counts.get(year, 0) + 1
    before = _("Antes de %(year)s", year=first_year)
    labels = [str(before)] + [str(y) for y in years]
    keys = [first_year - 1, *years]
    totals = [sum(c.get(k, 0) for c in per_entity.values()) for k in keys]
    over_time = charts.columns(
        _("Recursos publicados por año (fecha de emisión)"),
        [
            bar(label, total)
            for label, total in zip([f"≤{first_year - 1}", *labels[1:]], totals, strict=True)
        ],
    )
    timeline = []
    for item in sorted(ranking, key=lambda i: i["entity"].name):
        counts = per_entity.get(item["entity"].id, {})
        values = [counts.get(k, 0) for k in keys]
        timeline.append(
            {
                "entity": item["entity"],
                "values": values,
                "spark": charts.sparkline(
                    _("%(entity)s, recursos por año", entity=item["entity"].name),
                    [bar(label, v) for label, v in zip(labels, values, strict=True)],
                ),
            }
        )
    return {
        "charts": {
            "quality": quality,
            "overdue": overdue,
            "distribution": distribution,
            "over_time": over_time,
        },
        "bands": bands,
        "year_labels": labels,
        "year_totals": totals,
        "timeline": timeline,
    }
