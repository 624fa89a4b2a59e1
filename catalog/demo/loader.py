"""Load the demo district (publishers.json, resources.json) through the normal services."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..extensions import db
from ..models import Publisher, Resource
from ..schemas.resources import ResourceSchema, load
from ..services.actors import Actor
from ..services.derived import refresh_derived
from ..services.resources import change_status, create_resource

HERE = Path(__file__).parent
PUBLISHER_FIELDS = (
    "name",
    "acronym",
    "kind",
    "sector",
    "description",
    "homepage",
    "email",
    "phone",
    "address",
    "head_name",
    "orden",
    "publisher_type",
)


def _read(name: str) -> list[dict[str, Any]]:
    return json.loads((HERE / name).read_text(encoding="utf-8"))


def load_publishers() -> int:
    created = 0
    by_slug = {p.slug: p for p in db.session.execute(db.select(Publisher)).scalars()}
    for item in _read("publishers.json"):
        publisher = by_slug.get(item["slug"])
        if publisher is not None:
            continue
        publisher = Publisher(slug=item["slug"])
        for name in PUBLISHER_FIELDS:
            if item.get(name) is not None:
                setattr(publisher, name, item[name])
        if item.get("parent"):
            publisher.parent = by_slug[item["parent"]]
        db.session.add(publisher)
        by_slug[publisher.slug] = publisher
        created += 1
    db.session.commit()
    return created


def _payload(item: dict[str, Any]) -> dict[str, Any]:
    """Validate a demo item exactly as the API would (the demo is also a schema test)."""
    data = {k: v for k, v in item.items() if k not in ("withdrawn_reason",)}
    status = data.pop("status", "published")
    loaded = load(ResourceSchema(), data)
    loaded["status"] = "draft" if status == "draft" else "published"
    return loaded


# One demo resource in UNREVIEWED is left without a review, so stewardship pages show what an
# overdue review looks like; the others were reviewed some days before the demo was loaded.
UNREVIEWED = 6


def demo_review_date(slug: str, today: date) -> date | None:
    """When the demo says a person last reviewed the resource: a stable, slug-derived number of
    days (10–309) before `today`, so a fresh demo looks like a kept catalog whatever the date
    (its dct:modified and dct:issued stay as written: they are facts about the documents)."""
    digest = int(hashlib.sha256(slug.encode()).hexdigest(), 16)
    if digest % UNREVIEWED == 0:
        return None
    return today - timedelta(days=10 + digest // UNREVIEWED % 300)


def _mark_reviewed(resource: Resource, today: date) -> None:
    reviewed = demo_review_date(resource.slug, today)
    if reviewed is not None and resource.review_on is None:
        resource.reviewed_on = reviewed
        refresh_derived(resource)
        db.session.commit()


def load_resources(extra: int = 0, today: date | None = None) -> int:
    actor = Actor.system("demo")
    existing = set(db.session.execute(db.select(Resource.slug)).scalars())
    items = _read("resources.json")
    created = 0
    for item in items:
        if item["slug"] in existing:
            continue
        resource = create_resource(_payload(item), actor)
        _mark_reviewed(resource, today or date.today())
        if item.get("status") == "withdrawn":
            change_status(
                resource, "withdrawn", actor, reason=item.get("withdrawn_reason") or "Retirado."
            )
        created += 1
    published = [i for i in items if i.get("status", "published") == "published"]
    for n in range(extra):
        template = copy.deepcopy(published[n % len(published)])
        template["slug"] = f"{template['slug']}-sintetico-{n + 1}"
        if template["slug"] in existing:
            continue
        template["title"] = f"{template['title']} (copia sintética {n + 1})"
        _mark_reviewed(create_resource(_payload(template), actor), today or date.today())
        created += 1
    return created


def load_demo(extra: int = 0) -> dict[str, int]:
    return {"publishers": load_publishers(), "resources": load_resources(extra)}
