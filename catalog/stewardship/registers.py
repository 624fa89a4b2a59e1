"""Ley 1712 registers of an entity, generated from its published resources.

- Registro de Activos de Información (Decreto 1081 de 2015, art. 2.1.1.5.1.1): every published
  resource of the entity and its units, whatever its access rights.
- Esquema de Publicación de Información (art. 2.1.1.5.3.1): the published resources whose
  information is public (access rights "publica" or not stated).
- Índice de Información Clasificada y Reservada (art. 2.1.1.5.2.1): the published resources
  whose information is classified or reserved, with their exception (ground, norm, scope, term;
  see catalog.schemas.access_exceptions).

Columns are exactly those of ../shared/colombia.md. Cells are plain values (text, dates) so the
HTML page, the CSV and the XLSX show the same thing. Labels are Spanish: these are legal
instruments the entity publishes in Spanish.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy.orm import selectinload

from .. import urls
from ..errors import NotFound
from ..extensions import db
from ..markdown import markdown_to_text
from ..models import PUBLISHED, Publisher, Resource
from ..rdf.mapping import DEFAULT_LANGUAGE
from ..schemas.access_exceptions import RESTRICTED
from ..text import fold, truncate

PUBLIC_ACCESS = (None, "publica")
NO_TERM = "Sin plazo (información clasificada)"
DESCRIPTION_LENGTH = 300

ASSETS_COLUMNS = (
    "Categoría de información",
    "Descripción del contenido",
    "Idioma",
    "Medio de conservación o soporte",
    "Formato",
    "Información publicada o disponible",
    "Enlace",
)
SCHEME_COLUMNS = (
    "Nombre o título de la información",
    "Idioma",
    "Medio de conservación o soporte",
    "Formato",
    "Fecha de generación",
    "Frecuencia de actualización",
    "Lugar de consulta",
    "Responsable de la producción",
    "Responsable de la información",
)
INDEX_COLUMNS = (
    "Categoría de información",
    "Nombre o título de la información",
    "Idioma",
    "Medio de conservación o soporte",
    "Fecha de generación",
    "Responsable de la producción",
    "Responsable de la información",
    "Objetivo legítimo de la excepción",
    "Fundamento constitucional o legal",
    "Fundamento jurídico de la excepción",
    "Excepción total o parcial",
    "Plazo de la clasificación o reserva",
)


@dataclass(frozen=True)
class RegisterKind:
    key: str  # URL segment
    title: str
    columns: tuple[str, ...]
    row_header: int  # the column that names the row (th scope="row" in HTML)
    intro: str


ASSETS = RegisterKind(
    key="registro-activos",
    title="Registro de Activos de Información",
    columns=ASSETS_COLUMNS,
    row_header=1,
    intro=(
        "Inventario de la información pública que la entidad genera, obtiene, adquiere o "
        "controla (Ley 1712 de 2014, art. 13; Decreto 1081 de 2015), construido a partir de "
        "los recursos publicados en este catálogo por la entidad y sus dependencias."
    ),
)
SCHEME = RegisterKind(
    key="esquema-publicacion",
    title="Esquema de Publicación de Información",
    columns=SCHEME_COLUMNS,
    row_header=0,
    intro=(
        "Información pública que la entidad publica, con su formato, frecuencia de "
        "actualización, lugar de consulta y responsables (Ley 1712 de 2014, art. 12; Decreto "
        "1081 de 2015), construido a partir de los recursos publicados en este catálogo por la "
        "entidad y sus dependencias."
    ),
)
INDEX = RegisterKind(
    key="indice-clasificada-reservada",
    title="Índice de Información Clasificada y Reservada",
    columns=INDEX_COLUMNS,
    row_header=1,
    intro=(
        "Información que la entidad ha calificado como clasificada (Ley 1712 de 2014, art. 18) "
        "o reservada (art. 19), con el objetivo legítimo y el fundamento de cada excepción, su "
        "alcance y su plazo (Ley 1712 de 2014, arts. 20 a 22; Decreto 1081 de 2015), construido a "
        "partir de los recursos publicados en este catálogo por la entidad y sus dependencias. "
        "El índice es público; la información que describe no lo es."
    ),
)
KINDS = {kind.key: kind for kind in (ASSETS, SCHEME, INDEX)}

Value = str | date | None


@dataclass(frozen=True)
class Register:
    kind: RegisterKind
    publisher: Publisher
    rows: list[tuple[Value, ...]]
    links: list[str]  # each row's resource page (the HTML links the row header to it)
    titles: list[str]  # each row's resource title (the linked part of the row header)

    @property
    def filename(self) -> str:
        return f"{self.kind.key}-{self.publisher.slug}"


def find_entity(slug: str) -> Publisher:
    publisher = Publisher.by_slug(slug)
    if publisher is None:
        raise NotFound("No existe una entidad con esa dirección.")
    return publisher


def build_register(kind: RegisterKind, publisher: Publisher) -> Register:
    """The register of a publisher (an entity with its units, or a unit with its own)."""
    query = (
        db.select(Resource)
        .where(Resource.status == PUBLISHED, Resource.publisher_id.in_(publisher.family_ids))
        .options(
            selectinload(Resource.distributions),
            selectinload(Resource.publisher).selectinload(Publisher.parent),
            selectinload(Resource.creator).selectinload(Publisher.parent),
        )
    )
    if kind is SCHEME:
        query = query.where(
            (Resource.access_rights.is_(None)) | (Resource.access_rights == "publica")
        )
    elif kind is INDEX:
        query = query.where(Resource.access_rights.in_(RESTRICTED))
    resources = list(db.session.execute(query).scalars())
    labels = _Labels()
    if kind is SCHEME:  # by title; the other two group rows by category first
        resources.sort(key=lambda r: (fold(r.title), r.id))
    else:
        resources.sort(key=lambda r: (labels.category_order(r), fold(r.title), r.id))
    row = {ASSETS.key: _asset_row, SCHEME.key: _scheme_row, INDEX.key: _index_row}[kind.key]
    rows = [row(r, labels) for r in resources]
    return Register(
        kind,
        publisher,
        rows,
        [urls.resource_page(r.slug) for r in resources],
        [r.title for r in resources],
    )


class _Labels:
    """Spanish labels from the vocabularies, and the category a resource falls under."""

    def __init__(self) -> None:
        self.vocab = current_app.extensions["vocab"]
        self.by_type = {
            str(type_): concept
            for concept in self.vocab["information-categories"]
            for type_ in concept.prop_list("defaultForType")
        }

    def label(self, scheme: str, notation: str | None) -> str:
        concept = self.vocab[scheme].get(notation) if notation else None
        return concept.label("es") if concept else (notation or "")

    def category(self, resource: Resource):
        chosen = self.vocab["information-categories"].get(resource.information_category)
        return chosen or self.by_type.get(resource.type)

    def category_name(self, resource: Resource) -> str:
        concept = self.category(resource)
        return concept.label("es") if concept else "Sin categoría asignada"

    def category_order(self, resource: Resource) -> int:
        concept = self.category(resource)
        order = concept.prop("order") if concept else None
        return order if isinstance(order, int) else 100

    def languages(self, resource: Resource) -> str:
        codes = resource.languages or [DEFAULT_LANGUAGE]
        return ", ".join(self.label("languages", code) for code in codes)

    def formats(self, resource: Resource) -> str:
        seen: list[str] = []
        for dist in resource.distributions:
            name = self.label("file-types", dist.format) if dist.format else dist.media_type
            if name and name not in seen:
                seen.append(name)
        return ", ".join(seen)


def _asset_row(resource: Resource, labels: _Labels) -> tuple[Value, ...]:
    summary = truncate(markdown_to_text(resource.description), DESCRIPTION_LENGTH)
    return (
        labels.category_name(resource),
        f"{resource.title}: {summary}" if summary else resource.title,
        labels.languages(resource),
        labels.label("support-media", resource.support_medium),
        labels.formats(resource),
        _published_or_available(resource, labels),
        urls.resource_page(resource.slug),
    )


def _published_or_available(resource: Resource, labels: _Labels) -> str:
    """ "Publicada" when anyone can get it here; "Disponible" when it is public but must be
    asked for; classified or reserved information is neither."""
    if resource.access_rights not in PUBLIC_ACCESS:
        concept = labels.vocab["access-rights"].get(resource.access_rights)
        kind = str(concept.prop("ley1712Label")) if concept else resource.access_rights
        return f"No publicada ({kind.lower()})"
    if any(d.access_url or d.download_url or d.file_key for d in resource.distributions):
        return "Publicada"
    return "Disponible (a solicitud)"


def _scheme_row(resource: Resource, labels: _Labels) -> tuple[Value, ...]:
    producer, responsible = _responsibles(resource)
    return (
        resource.title,
        labels.languages(resource),
        labels.label("support-media", resource.support_medium),
        labels.formats(resource),
        resource.issued,
        labels.label("frequencies", resource.accrual_periodicity),
        urls.resource_page(resource.slug),
        producer,
        responsible,
    )


def _responsibles(resource: Resource) -> tuple[str, str]:
    """(responsable de la producción, responsable de la información)."""
    responsible = resource.publisher.display_name
    producer = resource.creator.display_name if resource.creator else responsible
    return producer, responsible


def _index_row(resource: Resource, labels: _Labels) -> tuple[Value, ...]:
    ground = labels.vocab["exception-grounds"].get(resource.exception_ground)
    producer, responsible = _responsibles(resource)
    return (
        labels.category_name(resource),
        resource.title,
        labels.languages(resource),
        labels.label("support-media", resource.support_medium),
        resource.issued,
        producer,
        responsible,
        ground.label("es") if ground else "",
        str(ground.prop("legalProvision")) if ground else "",
        resource.exception_legal_basis or "",
        labels.label("exception-scopes", resource.exception_scope),
        resource.exception_until or (NO_TERM if resource.access_rights == "clasificada" else ""),
    )


def as_text(value: Value) -> str:
    """A cell as the HTML page shows it (dates AAAA-MM-DD, like the downloads)."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else value


def widths(kind: RegisterKind) -> Sequence[int]:
    """Column widths (characters) of the XLSX: long texts wide, codes narrow."""
    wide = {
        "Descripción del contenido": 70,
        "Nombre o título de la información": 50,
        "Objetivo legítimo de la excepción": 40,
        "Fundamento jurídico de la excepción": 50,
    }
    return [wide.get(c, 45 if c in ("Enlace", "Lugar de consulta") else 22) for c in kind.columns]
