"""Every field of a resource, declared once.

Each `Spec` says what the field is (kind, vocabulary, limits), how people give it (API key,
form widget, bulk-import column) and where it goes (revisions, the DCAT property path, the
data.json key, the CKAN extra; whether it is personal data and whether it is public). Read by:

- `schemas/resources.py`: the API's marshmallow schema (and so the OpenAPI document);
- `services/snapshot.py`: what a revision stores and how histories name a change;
- `services/bulk_import.py`: the spreadsheet columns; `workspace/form.py`: the form;
- `rdf/profile.py`: the DCAT-AP properties, written and read back (harvest-in, import);
- `harvest/datajson.py` and `harvest/ckan_package.py`: data.json keys and CKAN extras;
- `models/resources.py`: a field declaring `sql` gets its column from here.

Adding a plain field is one entry here plus its migration (`tests/test_add_field.py` does it).
This module imports nothing, so every layer may read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Form:
    """How the workspace form shows the field."""

    label: str
    widget: str = "text"  # text textarea markdown date url email select multi lines publisher
    scheme: str | tuple[str, ...] | None = None
    help: str = ""
    required: bool = False
    as_uri: bool = False  # select values are concept URIs (else notations)
    # the form's section (workspace/form.py LAYOUT: general, temas, fechas, uso, contacto)
    section: str = "general"


@dataclass(frozen=True)
class Spec:
    name: str  # API key and model attribute
    label: str  # Spanish, lower case: "cambios en …" in histories and feeds
    kind: str = "text"  # text, date, list
    vocab: str | None = None  # concept scheme whose notations it takes
    stored: bool = False  # a plain column a revision's snapshot copies
    column: str | None = None  # bulk-import header
    column_help: str = ""
    required: bool = False
    form: Form | None = None
    personal: bool = False  # personal data (Ley 1581): shown only where allowed
    public: bool = True  # in public outputs
    # API input: text (one line), long (Markdown or paragraphs), slug, url, email; dates,
    # concepts and lists follow from `kind` and `vocab`
    input: str = "text"
    max_length: int | None = None  # characters (of each item, for a list)
    min_length: int = 0
    max_items: int = 50
    schemes: tuple[str, ...] = ()  # a list of concepts of several schemes (given as URIs)
    nullable: bool = True  # the API accepts null (an optional field cleared)
    api_required: bool | None = None  # required in the API (default: `required`)
    # storage when the model declares no column itself: "string:N", "text", "date"
    sql: str | None = None
    # DCAT-AP: property path (CURIEs, "/" between steps) and term kind (text, plain, texts,
    # date, iri, concept, concepts; see rdf/profile.py)
    dcat: tuple[str, str] | None = None
    datajson: str | None = None  # DCAT-US key ("a.b": key b of object a)
    ckan_extra: str | None = None  # the CKAN extra's key (CKAN's core keys are fixed)

    @property
    def api(self) -> str:
        """The API input kind: date, concept, concepts, texts, or `input`."""
        if self.kind == "date":
            return "date"
        if self.kind == "list":
            return "concepts" if self.vocab or self.schemes else "texts"
        return "concept" if self.vocab else self.input

    @property
    def needed(self) -> bool:
        """Required in the API."""
        return self.required if self.api_required is None else self.api_required


RESOURCE: tuple[Spec, ...] = (
    Spec(
        "title",
        "título",
        stored=True,
        column="titulo",
        column_help="Título del recurso (3 a 300 caracteres).",
        required=True,
        form=Form("Título", "text", help="Entre 3 y 300 caracteres.", required=True),
        input="text",
        max_length=300,
        min_length=3,
        dcat=("dct:title", "text"),
        datajson="title",
    ),
    Spec(
        "type",
        "tipo",
        vocab="resource-types",
        stored=True,
        column="tipo",
        column_help="Tipo de recurso.",
        required=True,
        form=Form("Tipo de recurso", "select", "resource-types", required=True),
        dcat=("dct:type", "concept"),
        ckan_extra="dcat_type",
    ),
    Spec(
        "description",
        "descripción",
        stored=True,
        column="descripcion",
        column_help="Descripción; admite Markdown.",
        form=Form(
            "Descripción",
            "markdown",
            help="Admite Markdown: **negrita**, listas con guion, enlaces [texto](https://…).",
        ),
        input="long",
        dcat=("dct:description", "text"),
        datajson="description",
    ),
    Spec(
        "slug",
        "dirección",
        column="slug",
        column_help="Dirección del recurso (opcional: si falta, sale del título).",
        input="slug",
        nullable=False,
    ),
    Spec(
        "status",
        "estado",
        column="estado",
        column_help="«borrador» (por defecto) o «publicado».",
        max_length=16,
        nullable=False,
    ),
    Spec(
        "publisher",
        "entidad",
        column="dependencia",
        column_help="Slug de la dependencia que publica (por defecto, la entidad).",
        form=Form("Entidad o dependencia que publica", "publisher", required=True),
        input="slug",
        api_required=True,
    ),
    Spec(
        "creator",
        "responsable de la producción",
        column="responsable_produccion",
        column_help="Slug de la entidad o dependencia que la produjo.",
        form=Form("Responsable de la producción (si es otra)", "publisher"),
        input="slug",
    ),
    Spec(
        "keywords",
        "palabras clave",
        kind="list",
        column="palabras_clave",
        column_help="Palabras clave separadas por «|».",
        form=Form("Palabras clave", "lines", help="Uno por línea."),
        max_length=100,
        max_items=50,
        dcat=("dcat:keyword", "texts"),
        datajson="keyword",
    ),
    Spec(
        "themes",
        "temas",
        kind="list",
        column="temas",
        column_help=(
            "Temas separados por «|»: URI o esquema/notación (datos-gov-co/…, mipg/…, eu-themes/…)."
        ),
        form=Form(
            "Temas",
            "multi",
            ("datos-gov-co", "mipg", "eu-themes"),
            help="Marque la categoría de datos.gov.co y la política de MIPG a las que aporta.",
            as_uri=True,
        ),
        schemes=("datos-gov-co", "mipg", "eu-themes"),
        max_items=30,
        datajson="theme",
    ),
    Spec(
        "issued",
        "fecha de publicación",
        kind="date",
        stored=True,
        column="fecha_publicacion",
        column_help="Fecha de publicación o generación.",
        form=Form("Fecha de publicación", "date"),
        dcat=("dct:issued", "date"),
        datajson="issued",
        ckan_extra="issued",
    ),
    Spec(
        "modified",
        "fecha de actualización",
        kind="date",
        stored=True,
        column="fecha_actualizacion",
        column_help="Fecha de la última actualización.",
        form=Form("Fecha de la última actualización", "date"),
        datajson="modified",
        ckan_extra="modified",
    ),
    Spec(
        "accrual_periodicity",
        "frecuencia de actualización",
        vocab="frequencies",
        stored=True,
        column="frecuencia",
        column_help="Frecuencia de actualización.",
        form=Form("Frecuencia de actualización", "select", "frequencies"),
        dcat=("dct:accrualPeriodicity", "concept"),
        datajson="accrualPeriodicity",
        ckan_extra="frequency",
    ),
    Spec(
        "review_on",
        "fecha de revisión",
        kind="date",
        stored=True,
        column="fecha_revision",
        column_help="Próxima revisión, si no sigue la frecuencia.",
        form=Form(
            "Próxima revisión",
            "date",
            help="Si la deja vacía se calcula con la frecuencia de actualización.",
        ),
    ),
    Spec(
        "temporal_start",
        "cobertura temporal",
        kind="date",
        stored=True,
        column="cobertura_inicio",
        column_help="Inicio del periodo que cubre.",
        form=Form("Cobertura temporal: desde", "date"),
        dcat=("dct:temporal/dcat:startDate", "date"),
        datajson="temporal",
    ),
    Spec(
        "temporal_end",
        "cobertura temporal",
        kind="date",
        stored=True,
        column="cobertura_fin",
        column_help="Fin del periodo que cubre.",
        form=Form("Cobertura temporal: hasta", "date"),
        dcat=("dct:temporal/dcat:endDate", "date"),
        datajson="temporal",
    ),
    Spec(
        "spatial",
        "cobertura geográfica",
        stored=True,
        column="cobertura_geografica",
        column_help="URI del lugar (por defecto, Bogotá).",
        form=Form("Cobertura geográfica (URI)", "url", help="Vacío significa Bogotá D.C."),
        input="url",
        dcat=("dct:spatial", "iri"),
        datajson="spatial",
    ),
    Spec(
        "languages",
        "idiomas",
        kind="list",
        vocab="languages",
        stored=True,
        column="idiomas",
        column_help="Idiomas separados por «|».",
        form=Form("Idiomas", "multi", "languages"),
        max_items=20,
        dcat=("dct:language", "concepts"),
        datajson="language",
    ),
    Spec(
        "license",
        "licencia",
        vocab="licences",
        stored=True,
        column="licencia",
        column_help="Licencia.",
        form=Form("Licencia", "select", "licences"),
        datajson="license",
    ),
    Spec(
        "access_rights",
        "derechos de acceso",
        vocab="access-rights",
        stored=True,
        column="derechos_acceso",
        column_help="Pública, clasificada o reservada (Ley 1712).",
        form=Form("Derechos de acceso (Ley 1712)", "select", "access-rights"),
        dcat=("dct:accessRights", "concept"),
        datajson="accessLevel",
        ckan_extra="access_rights",
    ),
    Spec(
        "rights",
        "derechos",
        stored=True,
        column="derechos",
        column_help="Otras condiciones de uso.",
        form=Form("Otras condiciones de uso", "textarea"),
        input="long",
        max_length=5000,
        dcat=("dct:rights/rdfs:label", "text"),
        datajson="rights",
    ),
    Spec(
        "conforms_to",
        "conforme a",
        stored=True,
        column="conforme_a",
        column_help="URL del estándar o especificación que sigue.",
        form=Form("Conforme a (URL de la norma o estándar)", "url"),
        input="url",
        dcat=("dct:conformsTo", "iri"),
        datajson="conformsTo",
    ),
    Spec(
        "legal_basis",
        "fundamento legal",
        stored=True,
        column="fundamento_legal",
        column_help="Norma que obliga a producir o publicar la información.",
        form=Form("Fundamento legal", "textarea"),
        input="long",
        max_length=5000,
        dcat=("cgp:legalBasis", "text"),
    ),
    Spec(
        "version_label",
        "versión",
        stored=True,
        column="version",
        column_help="Versión (p. ej. 2.0).",
        form=Form("Versión", "text"),
        max_length=60,
        dcat=("dcat:version", "plain"),
    ),
    Spec(
        "version_notes",
        "notas de versión",
        stored=True,
        column="notas_version",
        column_help="Qué cambió en esta versión.",
        form=Form("Notas de la versión", "textarea"),
        input="long",
        max_length=5000,
        dcat=("adms:versionNotes", "text"),
    ),
    Spec(
        "support_medium",
        "medio de soporte",
        vocab="support-media",
        stored=True,
        column="medio_soporte",
        column_help="Medio de conservación o soporte (Ley 1712).",
        form=Form("Medio de conservación o soporte", "select", "support-media"),
    ),
    Spec(
        "information_category",
        "categoría de información",
        vocab="information-categories",
        stored=True,
        column="categoria_informacion",
        column_help="Categoría de información (Ley 1712).",
        form=Form(
            "Categoría de información (Ley 1712)",
            "select",
            "information-categories",
            help="Columna «categoría» del Registro de Activos de Información.",
        ),
    ),
    Spec(
        "exception_ground",
        "causal de la excepción",
        vocab="exception-grounds",
        stored=True,
        column="excepcion_causal",
        column_help="Clasificada o reservada: causal de la excepción (Ley 1712, arts. 18 y 19).",
        form=Form(
            "Causal de la excepción (solo clasificada o reservada)",
            "select",
            "exception-grounds",
            help=(
                "Artículo 18 de la Ley 1712 para información clasificada; artículo 19 para "
                "reservada. Sale en el Índice de Información Clasificada y Reservada."
            ),
        ),
    ),
    Spec(
        "exception_legal_basis",
        "fundamento jurídico de la excepción",
        stored=True,
        column="excepcion_fundamento",
        column_help="Clasificada o reservada: norma que establece la excepción.",
        form=Form(
            "Fundamento jurídico de la excepción",
            "textarea",
            help="La norma o disposición que establece la excepción.",
        ),
        input="long",
        max_length=2000,
    ),
    Spec(
        "exception_scope",
        "alcance de la excepción",
        vocab="exception-scopes",
        stored=True,
        column="excepcion_alcance",
        column_help="Clasificada o reservada: total o parcial.",
        form=Form("Excepción total o parcial", "select", "exception-scopes"),
    ),
    Spec(
        "exception_until",
        "plazo de la excepción",
        kind="date",
        stored=True,
        column="excepcion_plazo",
        column_help="Reservada: hasta cuándo (a lo sumo 15 años desde su generación).",
        form=Form(
            "Plazo de la clasificación o reserva",
            "date",
            help=(
                "Obligatorio para información reservada: a lo sumo 15 años desde su generación "
                "(artículo 22). Vacío en información clasificada: sin plazo."
            ),
        ),
    ),
    Spec(
        "contact_name",
        "contacto",
        stored=True,
        column="contacto_nombre",
        column_help="Nombre del punto de contacto (institucional).",
        form=Form(
            "Nombre del punto de contacto",
            "text",
            help="Institucional (una dependencia o un buzón), no una persona.",
        ),
        max_length=200,
        datajson="contactPoint.fn",
    ),
    Spec(
        "contact_email",
        "correo de contacto",
        stored=True,
        column="contacto_correo",
        column_help="Correo institucional de contacto.",
        form=Form("Correo institucional de contacto", "email"),
        input="email",
        datajson="contactPoint.hasEmail",
    ),
)

BY_NAME = {spec.name: spec for spec in RESOURCE}


def published(key: str) -> tuple[Spec, ...]:
    """The public, non-personal fields that declare `key` (dcat, datajson, ckan_extra)."""
    return tuple(s for s in RESOURCE if getattr(s, key) and s.public and not s.personal)


@dataclass(frozen=True)
class Part:
    """A field of a nested part (a good practice's collaborator)."""

    name: str
    label: str
    personal: bool = False
    public: bool = True  # False: never published, whatever the publisher chose


# a collaborator of a good practice: the person is published only when the publisher marked
# them public (`show_publicly`), and then only their public parts; a phone never
COLLABORATOR: tuple[Part, ...] = (
    Part("name", "nombre", personal=True),
    Part("link_type", "tipo de vinculación"),
    Part("phone", "teléfono", personal=True, public=False),
    Part("email", "correo", personal=True),
)


def public_parts(parts: tuple[Part, ...], item: Any, allowed: bool) -> dict[str, Any]:
    """What of a nested item (an object or a dict) may be published: its public parts, the
    personal ones only when the publisher allowed it (`allowed`); empty ones as None."""
    get = item.get if isinstance(item, dict) else lambda name: getattr(item, name, None)
    return {
        part.name: get(part.name)
        for part in parts
        if part.public and (allowed or not part.personal)
    }
