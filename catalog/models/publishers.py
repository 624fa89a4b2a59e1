"""District entities (entidades) and their units (dependencias)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .resources import Resource

ENTITY = "entidad"
UNIT = "dependencia"


class Publisher(db.Model):
    __tablename__ = "publisher"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    acronym: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default=ENTITY)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("publisher.id"), index=True)
    sector: Mapped[str | None] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(Text)
    homepage: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(60))
    address: Mapped[str | None] = mapped_column(String(300))
    head_name: Mapped[str | None] = mapped_column(String(200))
    orden: Mapped[str] = mapped_column(String(40), default="Distrital")
    # notation in vocab/publisher-types.ttl (ADMS); None: the type its order of government implies
    publisher_type: Mapped[str | None] = mapped_column(String(60))
    department: Mapped[str] = mapped_column(String(80), default="Bogotá D.C.")
    municipality: Mapped[str] = mapped_column(String(80), default="Bogotá D.C.")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    parent: Mapped[Publisher | None] = relationship(
        remote_side="Publisher.id", back_populates="units"
    )
    units: Mapped[list[Publisher]] = relationship(
        back_populates="parent", order_by="Publisher.name"
    )
    resources: Mapped[list[Resource]] = relationship(
        back_populates="publisher", foreign_keys="Resource.publisher_id"
    )

    @property
    def family_ids(self) -> list[int]:
        """This publisher's id and those of every unit below it (what "an entity's
        resources" means everywhere: pages, feeds, filters, reviews)."""
        ids, frontier = [self.id], [self]
        while frontier:
            for unit in frontier.pop().units:
                ids.append(unit.id)
                frontier.append(unit)
        return ids

    @property
    def entity(self) -> Publisher:
        """The top-level entity this publisher belongs to (itself for an entity)."""
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    @classmethod
    def by_slug(cls, slug: str | None) -> Publisher | None:
        """The entity or unit with this slug (the one lookup every layer uses)."""
        if not slug:
            return None
        return db.session.execute(db.select(cls).where(cls.slug == slug)).scalar_one_or_none()

    @property
    def display_name(self) -> str:
        if self.parent is not None:
            return f"{self.name} — {self.parent.name}"
        return self.name

    def __repr__(self) -> str:
        return f"<Publisher {self.slug}>"
