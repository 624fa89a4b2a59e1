"""Every field of a resource, declared once: its Spanish label in histories and diffs, its
kind and vocabulary, whether a revision stores it, its bulk-import column, its form widget.

The snapshot (revisions, diffs, restores), the bulk-import template and reader, and the
workspace form read their field lists from here, so adding a field is one entry (and its
model column, migration and API schema field; the DCAT properties are declared in
`catalog/rdf/profile.py`, which `tests/test_registry.py` keeps in step with this list).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Form:
    """How the workspace form shows the field."""

    label: str
    widget: str = "text"  # text textarea markdown date url email select multi lines publisher
    scheme: str | tuple[str, ...] | None = None
    help: str = ""
    required: bool = False
    as_uri: bool = False  # select values are concept URIs (else notations)


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


RESOURCE: tuple[Spec, ...] = (
    Spec(
        "title",
        "título",
        stored=True,
        column="titulo",
        column_help="Título del recurso (3 a 300 caracteres).",
        required=True,
        form=Form("Título", "text", help="Entre 3 y 300 caracteres.", required=True),
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
    ),
    Spec(
        "slug",
        "dirección",
        column="slug",
        column_help="Dirección del recurso (opcional: si falta, sale del título).",
    ),
    Spec(
        "status", "estado", column="estado", column_help="«borrador» (por defecto) o «publicado»."
    ),
    Spec(
        "publisher",
        "entidad",
        column="dependencia",
        column_help="Slug de la dependencia que publica (por defecto, la entidad).",
        form=Form("Entidad o dependencia que publica", "publisher", required=True),
    ),
    Spec(
        "creator",
        "responsable de la producción",
        column="responsable_produccion",
        column_help="Slug de la entidad o dependencia que la produjo.",
        form=Form("Responsable de la producción (si es otra)", "publisher"),
    ),
    Spec(
        "keywords",
        "palabras clave",
        kind="list",
        column="palabras_clave",
        column_help="Palabras clave separadas por «|».",
        form=Form("Palabras clave", "lines", help="Uno por línea."),
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
    ),
    Spec(
        "issued",
        "fecha de publicación",
        kind="date",
        stored=True,
        column="fecha_publicacion",
        column_help="Fecha de publicación o generación.",
        form=Form("Fecha de publicación", "date"),
    ),
    Spec(
        "modified",
        "fecha de actualización",
        kind="date",
        stored=True,
        column="fecha_actualizacion",
        column_help="Fecha de la última actualización.",
        form=Form("Fecha de la última actualización", "date"),
    ),
    Spec(
        "accrual_periodicity",
        "frecuencia de actualización",
        vocab="frequencies",
        stored=True,
        column="frecuencia",
        column_help="Frecuencia de actualización.",
        form=Form("Frecuencia de actualización", "select", "frequencies"),
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
    ),
    Spec(
        "temporal_end",
        "cobertura temporal",
        kind="date",
        stored=True,
        column="cobertura_fin",
        column_help="Fin del periodo que cubre.",
        form=Form("Cobertura temporal: hasta", "date"),
    ),
    Spec(
        "spatial",
        "cobertura geográfica",
        stored=True,
        column="cobertura_geografica",
        column_help="URI del lugar (por defecto, Bogotá).",
        form=Form("Cobertura geográfica (URI)", "url", help="Vacío significa Bogotá D.C."),
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
    ),
    Spec(
        "license",
        "licencia",
        vocab="licences",
        stored=True,
        column="licencia",
        column_help="Licencia.",
        form=Form("Licencia", "select", "licences"),
    ),
    Spec(
        "access_rights",
        "derechos de acceso",
        vocab="access-rights",
        stored=True,
        column="derechos_acceso",
        column_help="Pública, clasificada o reservada (Ley 1712).",
        form=Form("Derechos de acceso (Ley 1712)", "select", "access-rights"),
    ),
    Spec(
        "rights",
        "derechos",
        stored=True,
        column="derechos",
        column_help="Otras condiciones de uso.",
        form=Form("Otras condiciones de uso", "textarea"),
    ),
    Spec(
        "conforms_to",
        "conforme a",
        stored=True,
        column="conforme_a",
        column_help="URL del estándar o especificación que sigue.",
        form=Form("Conforme a (URL de la norma o estándar)", "url"),
    ),
    Spec(
        "legal_basis",
        "fundamento legal",
        stored=True,
        column="fundamento_legal",
        column_help="Norma que obliga a producir o publicar la información.",
        form=Form("Fundamento legal", "textarea"),
    ),
    Spec(
        "version_label",
        "versión",
        stored=True,
        column="version",
        column_help="Versión (p. ej. 2.0).",
        form=Form("Versión", "text"),
    ),
    Spec(
        "version_notes",
        "notas de versión",
        stored=True,
        column="notas_version",
        column_help="Qué cambió en esta versión.",
        form=Form("Notas de la versión", "textarea"),
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
    ),
    Spec(
        "contact_email",
        "correo de contacto",
        stored=True,
        column="contacto_correo",
        column_help="Correo institucional de contacto.",
        form=Form("Correo institucional de contacto", "email"),
    ),
)

BY_NAME = {spec.name: spec for spec in RESOURCE}
