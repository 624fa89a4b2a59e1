"""Entities and units: created and edited by the catalog's administrators."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema

from ..errors import Forbidden, Invalid
from ..extensions import db
from ..models import ENTITY, UNIT, Publisher, Resource
from ..schemas import fields as f
from ..schemas.resources import load
from ..text import slugify
from .actors import Actor
from .derived import refresh_derived


class PublisherSchema(Schema):
    class Meta:
        unknown = RAISE

    slug = f.Slug(required=True)
    name = f.Text(max_length=300, min_length=3, required=True)
    acronym = f.Text(max_length=40, allow_none=True)
    parent = f.Slug(allow_none=True)
    sector = f.Concept("sectors", allow_none=True)
    description = f.LongText(max_length=5000, allow_none=True)
    homepage = f.Url(allow_none=True)
    email = f.Email(allow_none=True)
    phone = f.Text(max_length=60, allow_none=True)
    address = f.Text(max_length=300, allow_none=True)
    head_name = f.Text(max_length=200, allow_none=True)
    publisher_type = f.Concept("publisher-types", allow_none=True)


FIELDS = ("name", "acronym", "sector", "description", "homepage", "email", "phone", "address",
          "head_name", "publisher_type")  # fmt: skip


def save_publisher(payload: dict[str, Any], actor: Actor, publisher: Publisher | None = None):
    """Create a publisher, or update one (its slug is part of URIs and never changes)."""
    if not actor.is_admin:
        raise Forbidden("Solo un administrador del catálogo puede crear o editar entidades.")
    if publisher is not None:
        payload = {**payload, "slug": publisher.slug}
    data = load(PublisherSchema(), payload)
    parent = None
    if data.get("parent"):
        parent = Publisher.by_slug(data["parent"])
        if parent is None:
            raise Invalid({"parent": ["No existe esa entidad."]})
        if publisher is not None and publisher.id in parent_chain_ids(parent):
            raise Invalid({"parent": ["Una entidad no puede depender de sí misma."]})
    if publisher is None:
        taken = db.session.execute(db.select(Publisher.id).where(Publisher.slug == data["slug"]))
        if taken.first():
            raise Invalid({"slug": ["Ya existe una entidad con ese identificador."]})
        publisher = Publisher(slug=data["slug"])
        db.session.add(publisher)
    try:
        for name in FIELDS:
            setattr(publisher, name, data.get(name))
        publisher.parent = parent
        publisher.kind = UNIT if parent is not None else ENTITY
        db.session.flush()
        _refresh_resources(publisher)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return publisher


def parent_chain_ids(publisher: Publisher | None) -> set[int]:
    ids = set()
    while publisher is not None:
        ids.add(publisher.id)
        publisher = publisher.parent
    return ids


def _refresh_resources(publisher: Publisher) -> None:
    """The publisher's name and contact are inside its resources' stored DCAT: re-render."""
    if publisher.id is None:
        return
    resources = db.session.execute(
        db.select(Resource).where(Resource.publisher_id.in_(publisher.family_ids))
    ).scalars()
    for resource in resources:
        refresh_derived(resource)


# ------------------------------------------------------------------ an entity's own units


class UnitSchema(Schema):
    class Meta:
        unknown = RAISE

    name = f.Text(max_length=300, min_length=3, required=True)
    acronym = f.Text(max_length=40, allow_none=True)
    description = f.LongText(max_length=5000, allow_none=True)
    homepage = f.Url(allow_none=True)
    email = f.Email(allow_none=True)
    phone = f.Text(max_length=60, allow_none=True)
    head_name = f.Text(max_length=200, allow_none=True)


UNIT_FIELDS = ("name", "acronym", "description", "homepage", "email", "phone", "head_name")


def units_of(entity: Publisher) -> list[Publisher]:
    return sorted(entity.units, key=lambda u: u.name.casefold())


def save_unit(
    entity: Publisher, payload: dict[str, Any], actor: Actor, unit: Publisher | None = None
) -> Publisher:
    """An entity's administrator creates or edits its units (dependencias), so its editors
    can publish under the right one. The slug is made from the name once and never changes."""
    actor.require_manage(entity)  # before anything else
    if entity.parent is not None:
        raise Invalid(
            {"entidad": ["Las dependencias se crean en la entidad, no en otra dependencia."]}
        )
    if unit is not None and unit.parent_id != entity.id:
        raise Forbidden(f"Esa dependencia no pertenece a «{entity.name}».")
    data = load(UnitSchema(), payload)
    clash = next(
        (u for u in entity.units if u.name.casefold() == data["name"].casefold() and u is not unit),
        None,
    )
    if clash is not None:
        raise Invalid({"name": [f"«{entity.name}» ya tiene una dependencia con ese nombre."]})
    try:
        if unit is None:
            unit = Publisher(
                slug=_unit_slug(entity, data["name"]),
                kind=UNIT,
                parent=entity,
                sector=entity.sector,
            )
            db.session.add(unit)
        for name in UNIT_FIELDS:
            setattr(unit, name, data.get(name))
        db.session.flush()
        _refresh_resources(unit)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return unit


def _unit_slug(entity: Publisher, name: str) -> str:
    base = f"{entity.slug}-{slugify(name, max_length=60)}"[:110].strip("-")
    slug, n = base, 1
    while db.session.execute(db.select(Publisher.id).where(Publisher.slug == slug)).first():
        n += 1
        slug = f"{base}-{n}"
    return slug
