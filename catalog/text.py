"""Text rules shared by input validation and every output (HTML, feeds, RDF)."""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab/newline/carriage return, DEL, C1 controls, non-characters, lone
# surrogates, and bidirectional overrides/isolates (they can disguise text: "Trojan source").
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)
_FORBIDDEN_SINGLE_LINE = re.compile("[\t\n\r]")


def forbidden_character(value: str, single_line: bool = False) -> str | None:
    """Describe the first character we refuse in user text, or None if the text is clean."""
    match = _FORBIDDEN.search(value)
    if match is None and single_line:
        match = _FORBIDDEN_SINGLE_LINE.search(value)
    if match is None:
        return None
    return f"U+{ord(match.group()):04X}"


def strip_unsafe(value: str) -> str:
    """Remove every character XML 1.0 cannot carry or that reorders text."""
    return _FORBIDDEN.sub("", value)


def fold(value: str) -> str:
    """Case- and accent-insensitive key: 'Gestión' and 'gestion' fold alike."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def slugify(value: str, max_length: int = 80) -> str:
    """A lowercase ASCII slug made of words and hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "recurso"


def squash_spaces(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def truncate(value: str, length: int) -> str:
    """Cut at a word boundary and add an ellipsis when longer than length."""
    value = squash_spaces(value)
    if len(value) <= length:
        return value
    cut = value[: length - 1].rsplit(" ", 1)[0]
    return cut + "…"


# Head nouns of district names and the contraction "de" takes before them ("de la Secretaría",
# "del Instituto"); a name starting with anything else (an acronym, a proper name) takes "de".
_FEMININE = frozenset(
    "academia administracion agencia alcaldia alta asociacion biblioteca caja camara comision "
    "consejeria contraloria corporacion defensoria direccion empresa escuela fundacion gerencia "
    "jefatura junta localidad loteria mesa oficina orquesta personeria policia red "
    "registraduria secretaria subdireccion subred subgerencia subsecretaria superintendencia "
    "terminal unidad universidad veeduria".split()
)
_MASCULINE = frozenset(
    "archivo area banco canal centro comite concejo consejo departamento despacho equipo fondo "
    "grupo instituto jardin laboratorio ministerio museo observatorio planetario programa "
    "proyecto servicio sistema teatro".split()
)


def of_name(name: str) -> str:
    """Spanish "de" joined to a name as grammar asks: "de la Veeduría Distrital", "del
    Instituto Distrital de Recreación y Deporte", "del Programa Nacional …", "de Bogotá"."""
    words = name.split(maxsplit=1)
    if not words:
        return "de"
    head = fold(words[0])
    rest = words[1] if len(words) > 1 else ""
    if head == "el" and rest:
        return f"del {rest}"
    if head in ("la", "las", "los"):
        return f"de {name}"
    if head in _MASCULINE:
        return f"del {name}"
    if head in _FEMININE:
        return f"de la {name}"
    return f"de {name}"
