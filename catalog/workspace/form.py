"""The resource form: its sections and fields, read from and written to the API's data shape.

Every input is named by its path in the publisher API's JSON (`title`, `norm.number`,
`good_practice.collaborators.0.email`, `distributions.1.download_url`), so the form is validated
by the same marshmallow schema as the API and its errors land on the right input unchanged.
Repeating groups (collaborators, benefits, distributions) grow with a submit button, so the form
works without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from ..models.good_practice import GOOD_PRACTICE_TYPES
from ..registry import BY_NAME, RESOURCE

NORM_TYPE = "norma"


@dataclass(frozen=True)
class Field:
    name: str  # path inside the group or the resource data
    label: str
    kind: str = (
        "text"  # text int textarea markdown date url email select multi lines check publisher
    )
    scheme: str | tuple[str, ...] | None = None
    help: str = ""
    required: bool = False
    as_uri: bool = False  # select values are concept URIs (else notations)


@dataclass(frozen=True)
class Group:
    """A repeating set of fields (a list of objects in the data)."""

    name: str
    label: str  # of one row, e.g. "Colaborador(a)"
    add_label: str
    fields: tuple[Field, ...]
    help: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[Field | Group, ...]
    intro: str = ""
    types: tuple[str, ...] | None = None  # shown only for these resource types

    def applies_to(self, resource_type: str | None) -> bool:
        return self.types is None or resource_type in self.types


def spec_field(name: str) -> Field:
    """A resource field as the registry declares its form widget."""
    spec = BY_NAME[name]
    shown = spec.form
    assert shown is not None, name
    return Field(
        name, shown.label, shown.widget, shown.scheme, shown.help, shown.required, shown.as_uri
    )


# the order of the resource's own fields in each section; a field the registry adds to a section
# (`Form.section`) without a place here comes at the end of its section
LAYOUT = {
    "general": ("title", "type", "publisher", "description", "keywords"),
    "temas": ("themes",),
    "fechas": (
        "issued",
        "modified",
        "accrual_periodicity",
        "review_on",
        "temporal_start",
        "temporal_end",
    ),
    "uso": (
        "license",
        "access_rights",
        "exception_ground",
        "exception_legal_basis",
        "exception_scope",
        "exception_until",
        "information_category",
        "rights",
        "languages",
        "spatial",
        "support_medium",
        "conforms_to",
        "legal_basis",
    ),
    "contacto": ("contact_name", "contact_email", "creator", "version_label", "version_notes"),
}


def _fields(section: str) -> tuple[Field, ...]:
    placed = {name for names in LAYOUT.values() for name in names}
    added = [
        spec.name
        for spec in RESOURCE
        if spec.form and spec.form.section == section and spec.name not in placed
    ]
    return tuple(spec_field(name) for name in (*LAYOUT[section], *added))


LINES_HELP = "Uno por línea."
MD_HELP = "Admite Markdown: **negrita**, listas con guion, enlaces [texto](https://…)."
GP = "good_practice."

COMMON = (
    Section(
        "general",
        "Información básica",
        _fields("general"),
    ),
    Section(
        "temas",
        "Temas",
        _fields("temas"),
    ),
    Section(
        "fechas",
        "Fechas, frecuencia y revisión",
        _fields("fechas"),
    ),
    Section(
        "uso",
        "Acceso, licencia y cobertura",
        _fields("uso"),
    ),
    Section(
        "contacto",
        "Contacto y responsables",
        _fields("contacto"),
    ),
    Section(
        "norma",
        "Datos de la norma",
        (
            Field("norm.number", label="Número"),
            Field("norm.date", label="Fecha de expedición", kind="date"),
            Field("norm.issuer", label="Quién la expide"),
            Field(
                "norm.legal_status",
                label="Estado de vigencia",
                kind="select",
                scheme="legal-status",
            ),
            Field("norm.legal_status_note", label="Nota sobre la vigencia", kind="textarea"),
            Field("norm.superseded_by", label="Sustituida por (URL)", kind="url"),
        ),
        types=(NORM_TYPE,),
    ),
)

GOOD_PRACTICE = (
    Section(
        "bp-1",
        "1. Información general",
        (
            Field(GP + "form_date", "Fecha de diligenciamiento", "date"),
            Field(GP + "unit_head", "Directivo(a) de la dependencia"),
            Field(GP + "process", "Proceso al que pertenece"),
            Field(
                GP + "mipg_policy", "Política MIPG a la que aporta", "select", "mipg", as_uri=True
            ),
            Field(GP + "team", "Equipo o grupo interno de trabajo"),
            Field(GP + "start_date", "Fecha de inicio de la práctica", "date"),
            Group(
                GP + "collaborators",
                "Colaborador(a) responsable",
                "Agregar otro(a) colaborador(a)",
                (
                    Field("name", "Nombre"),
                    Field(
                        "link_type", "Tipo de vinculación", help="Por ejemplo: planta, contratista."
                    ),
                    Field("phone", "Número de contacto", help="Nunca se publica (Ley 1581)."),
                    Field("email", "Correo institucional", "email"),
                    Field(
                        "show_publicly",
                        "Publicar el nombre y el correo institucional",
                        "check",
                    ),
                ),
                help="Datos personales tratados según la Ley 1581 de 2012: el teléfono nunca es "
                "público; el nombre y el correo solo si marca la casilla.",
            ),
        ),
        intro="El nombre de la práctica es el título y la dependencia responsable es quien "
        "publica (sección «Información básica»).",
        types=GOOD_PRACTICE_TYPES,
    ),
    Section(
        "bp-2",
        "2. Identificación",
        (
            Field(GP + "is_adaptation", "Es una adaptación de otra entidad", "check"),
            Field(GP + "adapted_from", "¿De cuál entidad?"),
            Field(GP + "baseline", "Línea base", "markdown", help=MD_HELP),
            Field(GP + "target_population", "Población objetivo", "lines", help=LINES_HELP),
            Field(GP + "objectives", "Objetivos (alcance)", "lines", help=LINES_HELP),
            Field(GP + "development_time", "Tiempo en que se desarrolló"),
        ),
        intro="La descripción (necesidad, acciones, beneficios, circunstancias) es la "
        "descripción del recurso.",
        types=GOOD_PRACTICE_TYPES,
    ),
    Section(
        "bp-3",
        "3. Contribución",
        (
            Field(GP + "contribution", "Aporte: por qué funciona y se puede replicar", "markdown"),
            Field(GP + "results", "Resultados obtenidos", "lines", help=LINES_HELP),
            Group(
                GP + "benefits",
                "Beneficio",
                "Agregar otro beneficio",
                (Field("benefit", "Beneficio"), Field("for_whom", "Para quién")),
            ),
            Field(GP + "dissemination", "Difusión", "markdown"),
            Field(GP + "dissemination_media", "Medios de difusión", "lines", help=LINES_HELP),
            Field(GP + "other_aspects", "Otros aspectos", "markdown"),
        ),
        types=GOOD_PRACTICE_TYPES,
    ),
    Section(
        "bp-4",
        "4. Sostenibilidad",
        (
            Field(GP + "challenges", "Retos a futuro", "lines", help=LINES_HELP),
            Field(
                GP + "stability_changes", "Estabilidad: cambios duraderos verificables", "markdown"
            ),
            Field(GP + "implementation_period", "Periodo de implementación"),
            Field(GP + "continuity_means", "Medios que garantizan su continuidad", "markdown"),
            Field(GP + "elements_to_keep", "Elementos que deben mantenerse y cómo", "markdown"),
        ),
        types=GOOD_PRACTICE_TYPES,
    ),
    Section(
        "bp-5",
        "5. Conclusiones",
        (Field(GP + "conclusions", "Conclusiones", "lines", help=LINES_HELP),),
        types=GOOD_PRACTICE_TYPES,
    ),
)

DISTRIBUTIONS = Group(
    "distributions",
    "Archivo o enlace",
    "Agregar otro archivo o enlace",
    (
        Field("title", "Título del archivo o enlace"),
        Field("access_url", "Dirección de acceso (página)", "url"),
        Field("download_url", "Dirección de descarga directa", "url"),
        Field("format", "Formato", "select", "file-types"),
        Field("media_type", "Tipo de medio (IANA)", help="Por ejemplo text/csv."),
        Field("license", "Licencia (si difiere)", "select", "licences"),
        Field("language", "Idioma (si difiere)", "select", "languages"),
        Field(
            "byte_size",
            "Tamaño en bytes",
            "int",
            help="Del archivo enlazado; el de un archivo subido se mide solo.",
        ),
        Field("description", "Descripción del archivo o enlace", "textarea"),
    ),
    help="Suba un archivo o indique una dirección. Para archivos subidos el formato, el tamaño "
    "y la suma SHA-256 se calculan solos.",
)


def sections_for(resource_type: str | None) -> list[Section]:
    files = Section(
        "archivos",
        "6. Anexos" if resource_type in GOOD_PRACTICE_TYPES else "Archivos y enlaces",
        (DISTRIBUTIONS,),
    )
    every = [*COMMON[:1], *GOOD_PRACTICE, *COMMON[1:], files]
    return [s for s in every if s.applies_to(resource_type)]


# ---------------------------------------------------------------- reading a submitted form


COUNT = "__count"
REMOVE = "__remove"


def _value(kind: str, form: MultiDict, name: str) -> Any:
    if kind == "check":
        return name in form
    if kind == "multi":
        return [v for v in form.getlist(name) if v]
    raw = form.get(name, "")
    if kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    raw = raw.strip()
    if kind == "int" and raw.isdigit():
        return int(raw)
    return raw or None  # a non-number stays text: the schema refuses it with a reason


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if rest:
        _set(data.setdefault(head, {}), rest, value)
    else:
        data[head] = value


MAX_ROWS = 50  # the most rows any repeating group takes (the API's largest list, too)


def count_value(raw: Any, minimum: int = 0) -> int:
    """A repeating group's row count as the client sent it, clamped to 0..MAX_ROWS: the
    server never trusts `…__count` (a huge one would make it build rows for ever)."""
    text = str(raw if raw is not None else "").strip()
    value = int(text) if text.isdigit() and len(text) <= 6 else 0
    return max(minimum, min(value, MAX_ROWS))


def row_count(form: MultiDict, group: Group) -> int:
    return count_value(form.get(f"{group.name}.{COUNT}", "0"))


def read_group(form: MultiDict, group: Group, files: MultiDict | None = None) -> list[dict]:
    """The group's rows, without removed and empty ones; each row keeps its form index."""
    rows = []
    for index in range(row_count(form, group)):
        prefix = f"{group.name}.{index}."
        if prefix + REMOVE in form:
            continue
        row: dict[str, Any] = {"__index": index}
        for item in group.fields:
            row[item.name] = _value(item.kind, form, prefix + item.name)
        if group.name == "distributions":
            row["id"] = form.get(prefix + "id") or None
            upload = files.get(prefix + "file") if files is not None else None
            row["__file"] = upload if upload is not None and upload.filename else None
        meaningful = [v for k, v in row.items() if k != "__index" and v not in (None, False, [])]
        if meaningful:
            rows.append(row)
    return rows


@dataclass
class Submission:
    data: dict[str, Any]
    rows: dict[str, list[dict]] = field(default_factory=dict)  # group name → rows (with indexes)


def read_form(form: MultiDict, files: MultiDict | None, resource_type: str | None) -> Submission:
    """The API-shaped data of a submitted resource form (sections of `resource_type`)."""
    data: dict[str, Any] = {}
    rows: dict[str, list[dict]] = {}
    for section in sections_for(resource_type):
        for item in section.items:
            if isinstance(item, Group):
                rows[item.name] = read_group(form, item, files)
                _set(data, item.name, [_clean(r) for r in rows[item.name]])
            else:
                _set(data, item.name, _value(item.kind, form, item.name))
    if resource_type != NORM_TYPE:
        data["norm"] = None
    elif not any(v is not None for v in data.get("norm", {}).values()):
        data["norm"] = None
    if resource_type not in GOOD_PRACTICE_TYPES:
        data["good_practice"] = None
    return Submission(data, rows)


def _clean(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("__") and v is not None}


# ---------------------------------------------------------------- filling a form from data


def values_from_data(data: dict[str, Any]) -> dict[str, Any]:
    """Flatten API-shaped data into {input name: value} for rendering the form."""
    out: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else key, inner)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out[f"{prefix}.{COUNT}"] = len(value)
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}", inner)
        else:
            out[prefix] = value

    walk("", data)
    return out


def values_from_form(form: MultiDict) -> dict[str, Any]:
    """What was submitted, as {input name: value} (lists for checkbox groups)."""
    out: dict[str, Any] = {}
    for key in form:
        values = form.getlist(key)
        out[key] = values if len(values) > 1 else values[0]
    return out


def error_target(path: str, names: set[str]) -> str:
    """The input an error path belongs to: `good_practice.results.2` → `good_practice.results`."""
    parts = path.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in names:
            return candidate
        parts.pop()
    return "_form"


def input_names(resource_type: str | None, counts: dict[str, int]) -> set[str]:
    names: set[str] = set()
    for section in sections_for(resource_type):
        for item in section.items:
            if isinstance(item, Group):
                for index in range(counts.get(item.name, 0)):
                    names.update(f"{item.name}.{index}.{f.name}" for f in item.fields)
                    names.add(f"{item.name}.{index}.file")
            else:
                names.add(item.name)
    return names
