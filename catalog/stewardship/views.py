"""The published chain head: anyone can record it and later check history was not rewritten."""

from __future__ import annotations

from flask import jsonify, render_template

from .. import urls
from ..extensions import db
from ..models import ChainHead
from . import bp


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


@bp.get("/feeds/revisiones/<slug>.<fmt>")
def reviews_feed(slug: str, fmt: str):
    """What an entity must review: overdue and due within 30 days (for its publishers)."""
    from datetime import UTC, datetime

    from feedgen.feed import FeedGenerator
    from flask import Response, abort

    from ..errors import NotFound
    from ..feeds.build import MEDIA, clean
    from ..models import Publisher
    from .reviews import SOON_DAYS, due_reviews

    if fmt not in MEDIA:
        abort(404)
    publisher = db.session.execute(
        db.select(Publisher).where(Publisher.slug == slug)
    ).scalar_one_or_none()
    if publisher is None:
        raise NotFound("No existe una entidad con ese identificador.")
    items = due_reviews(publisher)
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
    fg.updated(datetime.now(UTC).replace(microsecond=0))
    for item in reversed(items):
        resource = item.resource
        entry = fg.add_entry()
        entry.id(f"{urls.resource_uri(resource.slug)}#revision-{item.due_on.isoformat()}")
        entry.guid(f"{urls.resource_uri(resource.slug)}#revision-{item.due_on.isoformat()}",
                   permalink=False)
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
    response = Response(body, content_type=f"{MEDIA[fmt]}; charset=utf-8")
    response.headers["Cache-Control"] = "private, max-age=600"
    return response
