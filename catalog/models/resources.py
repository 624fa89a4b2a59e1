"""Resources the catalog describes, their distributions, keywords and themes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..registry import RESOURCE as FIELDS
from .types import JSONType, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .good_practice import GoodPractice
    from .harvest import HarvestRecord
    from .publishers import Publisher

DRAFT = "draft"
PUBLISHED = "published"
WITHDRAWN = "withdrawn"
STATUSES = (DRAFT, PUBLISHED, WITHDRAWN)


def _new_uuid() -> str:
    return str(uuid.uuid4())


# the licence a resource gets when its publisher names none (and the catalog's own)
DEFAULT_LICENCE = "cc-by-4.0"


class Resource(db.Model):
    __tablename__ = "resource"
    __table_args__ = (
        Index("ix_resource_status_id", "status", "id"),
        Index("ix_resource_status_updated", "status", "updated_at", "id"),
        Index("ix_resource_publisher_status_updated", "publisher_id", "status", "updated_at"),
        Index("ix_resource_publisher_status_review", "publisher_id", "status", "next_review_on"),
        Index("ix_resource_publisher_status_quality", "publisher_id", "status", "quality_score"),
        Index("ix_resource_access_rights", "access_rights"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=_new_uuid)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    publisher_id: Mapped[int] = mapped_column(ForeignKey("publisher.id"), index=True)
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("publisher.id"))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    issued: Mapped[date | None] = mapped_column()
    modified: Mapped[date | None] = mapped_column()
    accrual_periodicity: Mapped[str | None] = mapped_column(String(40))
    review_on: Mapped[date | None] = mapped_column()  # set by the publisher; overrides the rule
    next_review_on: Mapped[date | None] = mapped_column(index=True)  # effective, derived
    reviewed_on: Mapped[date | None] = mapped_column()  # last save by a person (a review)
    # derived: when the next update is due by the accrual periodicity (None: not promised)
    update_due_on: Mapped[date | None] = mapped_column()
    temporal_start: Mapped[date | None] = mapped_column()
    temporal_end: Mapped[date | None] = mapped_column()
    spatial: Mapped[str | None] = mapped_column(String(500))
    languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    license: Mapped[str | None] = mapped_column(String(40))
    access_rights: Mapped[str | None] = mapped_column(String(40))
    rights: Mapped[str | None] = mapped_column(Text)
    conforms_to: Mapped[str | None] = mapped_column(String(2000))
    legal_basis: Mapped[str | None] = mapped_column(Text)
    version_label: Mapped[str | None] = mapped_column(String(60))
    version_notes: Mapped[str | None] = mapped_column(Text)
    support_medium: Mapped[str | None] = mapped_column(String(40))
    # Ley 1712 "categoría de información" (vocab/information-categories.ttl)
    information_category: Mapped[str | None] = mapped_column(String(40))
    # Ley 1712 exception, for classified or reserved information (Índice de Información
    # Clasificada y Reservada): ground (vocab/exception-grounds.ttl: objetivo legítimo and its
    # article), the specific norm (fundamento jurídico), total or partial, and until when
    exception_ground: Mapped[str | None] = mapped_column(String(40))
    exception_legal_basis: Mapped[str | None] = mapped_column(Text)
    exception_scope: Mapped[str | None] = mapped_column(String(20))
    exception_until: Mapped[date | None] = mapped_column()
    # norms
    norm_number: Mapped[str | None] = mapped_column(String(60))
    norm_date: Mapped[date | None] = mapped_column()
    norm_issuer: Mapped[str | None] = mapped_column(String(300))
    legal_status: Mapped[str | None] = mapped_column(String(40))
    legal_status_note: Mapped[str | None] = mapped_column(String(500))
    superseded_by: Mapped[str | None] = mapped_column(String(2000))
    # life cycle
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # derived, cached by services.derived
    quality_score: Mapped[int | None] = mapped_column(Integer)
    quality: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    # what people call the version (form, API, history): the seq of the latest revision;
    # lock_version counts row writes and only guards against lost updates
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # optimistic locking: a concurrent write fails with StaleDataError (→ 412) instead of
    # silently overwriting; the ETag carries the version
    __mapper_args__ = {"version_id_col": lock_version}

    publisher: Mapped[Publisher] = relationship(
        back_populates="resources", foreign_keys=[publisher_id]
    )
    creator: Mapped[Publisher | None] = relationship(foreign_keys=[creator_id])
    keywords: Mapped[list[ResourceKeyword]] = relationship(
        back_populates="resource",
        cascade="all, delete-orphan",
        order_by="ResourceKeyword.position",
    )
    themes: Mapped[list[ResourceTheme]] = relationship(
        back_populates="resource",
        cascade="all, delete-orphan",
        order_by="ResourceTheme.position",
    )
    distributions: Mapped[list[Distribution]] = relationship(
        back_populates="resource",
        cascade="all, delete-orphan",
        order_by="Distribution.position",
    )
    good_practice: Mapped[GoodPractice | None] = relationship(
        back_populates="resource", cascade="all, delete-orphan", uselist=False
    )
    # where it was harvested from (None: published here)
    harvest: Mapped[HarvestRecord | None] = relationship(back_populates="resource", uselist=False)

    @property
    def keyword_list(self) -> list[str]:
        return [k.keyword for k in self.keywords]

    @property
    def theme_uris(self) -> list[str]:
        return [t.concept_uri for t in self.themes]

    @property
    def etag(self) -> str:
        return f'"r{self.id}-v{self.lock_version}"'

    def __repr__(self) -> str:
        return f"<Resource {self.slug}>"


def _registry_columns() -> None:
    """Columns of fields the registry declares with `sql` (a field added there and in a
    migration, without a line here)."""
    kinds = {"text": Text, "date": Date}
    for spec in FIELDS:
        if spec.sql and spec.name not in Resource.__table__.columns:
            kind, _, size = spec.sql.partition(":")
            column_type = String(int(size)) if kind == "string" else kinds[kind]
            setattr(Resource, spec.name, mapped_column(spec.name, column_type, nullable=True))


_registry_columns()


class ResourceKeyword(db.Model):
    __tablename__ = "resource_keyword"
    __table_args__ = (
        UniqueConstraint("resource_id", "keyword_key"),
        Index("ix_resource_keyword_key_resource", "keyword_key", "resource_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    keyword: Mapped[str] = mapped_column(String(100))
    keyword_key: Mapped[str] = mapped_column(String(100), index=True)  # folded, for lookups

    resource: Mapped[Resource] = relationship(back_populates="keywords")


class ResourceTheme(db.Model):
    __tablename__ = "resource_theme"
    __table_args__ = (
        UniqueConstraint("resource_id", "concept_uri"),
        Index("ix_resource_theme_concept", "concept_uri", "resource_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    scheme: Mapped[str] = mapped_column(String(40))
    concept_uri: Mapped[str] = mapped_column(String(300))

    resource: Mapped[Resource] = relationship(back_populates="themes")


class Distribution(db.Model):
    __tablename__ = "distribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=_new_uuid)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    access_url: Mapped[str | None] = mapped_column(String(2000))
    download_url: Mapped[str | None] = mapped_column(String(2000))
    media_type: Mapped[str | None] = mapped_column(String(120))
    format: Mapped[str | None] = mapped_column(String(40))
    byte_size: Mapped[int | None] = mapped_column(BigInteger)
    checksum_sha256: Mapped[str | None] = mapped_column(String(64))
    license: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(40))
    file_key: Mapped[str | None] = mapped_column(String(200))  # hosted file, relative path
    file_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resource: Mapped[Resource] = relationship(back_populates="distributions")

    @property
    def is_hosted(self) -> bool:
        return self.file_key is not None

    def __repr__(self) -> str:
        return f"<Distribution {self.id} of {self.resource_id}>"
