"""Load the demo district (publishers.json, resources.json) through the normal services."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from ..extensions import db
from ..models import Publisher, Resource
from ..schemas.resources import ResourceSchema, load
from ..services.actors import Actor
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


def load_resources(extra: int = 0) -> int:
    actor = Actor.system("demo")
    existing = set(db.session.execute(db.select(Resource.slug)).scalars())
    items = _read("resources.json")
    created = 0
    for item in items:
        if item["slug"] in existing:
            continue
        resource = create_resource(_payload(item), actor)
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
        create_resource(_payload(template), actor)
        created += 1
    return created


def load_demo(extra: int = 0) -> dict[str, int]:
    return {"publishers": load_publishers(), "resources": load_resources(extra)}
