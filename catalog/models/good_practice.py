"""The structured sections of a documented good practice or lesson learned.

Mirrors the district's form 4202000-FT-1311 (../shared/good-practice-form.md), section by section.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JSONType

if TYPE_CHECKING:
    from .resources import Resource


# the resource types that carry the good-practice form
GOOD_PRACTICE_TYPES = ("buena-practica", "leccion-aprendida")


class GoodPractice(db.Model):
    __tablename__ = "good_practice"

    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True
    )
    form_date: Mapped[date | None] = mapped_column()
    # 1. Información general (name → Resource.title, dependencia → Resource.publisher)
    unit_head: Mapped[str | None] = mapped_column(String(200))
    process: Mapped[str | None] = mapped_column(String(300))
    mipg_policy: Mapped[str | None] = mapped_column(String(300))  # concept URI
    team: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[date | None] = mapped_column()
    # 2. Identificación (descripción → Resource.description)
    is_adaptation: Mapped[bool] = mapped_column(Boolean, default=False)
    adapted_from: Mapped[str | None] = mapped_column(String(300))
    baseline: Mapped[str | None] = mapped_column(Text)
    target_population: Mapped[list[str]] = mapped_column(JSONType, default=list)
    objectives: Mapped[list[str]] = mapped_column(JSONType, default=list)
    development_time: Mapped[str | None] = mapped_column(String(300))
    # 3. Contribución
    contribution: Mapped[str | None] = mapped_column(Text)
    results: Mapped[list[str]] = mapped_column(JSONType, default=list)
    benefits: Mapped[list[dict]] = mapped_column(JSONType, default=list)  # {benefit, for_whom}
    dissemination: Mapped[str | None] = mapped_column(Text)
    dissemination_media: Mapped[list[str]] = mapped_column(JSONType, default=list)
    other_aspects: Mapped[str | None] = mapped_column(Text)
    # 4. Sostenibilidad
    challenges: Mapped[list[str]] = mapped_column(JSONType, default=list)
    stability_changes: Mapped[str | None] = mapped_column(Text)
    implementation_period: Mapped[str | None] = mapped_column(String(300))
    continuity_means: Mapped[str | None] = mapped_column(Text)
    elements_to_keep: Mapped[str | None] = mapped_column(Text)
    # 5. Conclusiones
    conclusions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # 6. Anexos → Resource.distributions

    resource: Mapped[Resource] = relationship(back_populates="good_practice")
    collaborators: Mapped[list[Collaborator]] = relationship(
        back_populates="good_practice",
        cascade="all, delete-orphan",
        order_by="Collaborator.position",
    )


class Collaborator(db.Model):
    """A person responsible for the practice. Phone is never public (Ley 1581)."""

    __tablename__ = "collaborator"

    id: Mapped[int] = mapped_column(primary_key=True)
    good_practice_id: Mapped[int] = mapped_column(
        ForeignKey("good_practice.resource_id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    link_type: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(254))
    show_publicly: Mapped[bool] = mapped_column(Boolean, default=False)

    good_practice: Mapped[GoodPractice] = relationship(back_populates="collaborators")
