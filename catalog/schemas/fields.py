"""Marshmallow fields that speak Spanish and enforce the catalog's text and vocabulary rules."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from marshmallow import ValidationError, fields, validate

from ..text import forbidden_character

BASE_MESSAGES = {
    "required": "Este campo es obligatorio.",
    "null": "Este campo no puede estar vacío (null).",
    "validator_failed": "Valor no válido.",
}


class Text(fields.String):
    """A trimmed string without control or bidi-override characters, within a length."""

    default_error_messages = {**BASE_MESSAGES, "invalid": "Debe ser un texto."}

    def __init__(
        self,
        *,
        max_length: int = 300,
        min_length: int = 0,
        single_line: bool = True,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.max_length, self.min_length, self.single_line = max_length, min_length, single_line

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        bad = forbidden_character(text, self.single_line)
        if bad:
            where = " (use una sola línea)" if bad in ("U+0009", "U+000A", "U+000D") else ""
            raise ValidationError(f"Contiene un carácter no permitido ({bad}){where}.")
        if len(text) > self.max_length:
            raise ValidationError(f"Máximo {self.max_length} caracteres (tiene {len(text)}).")
        if len(text) < self.min_length:
            if self.min_length == 1 or not text:
                raise ValidationError("No puede estar vacío.")
            raise ValidationError(f"Mínimo {self.min_length} caracteres.")
        return text


class LongText(Text):
    def __init__(self, *, max_length: int = 20000, **kwargs: Any):
        super().__init__(max_length=max_length, single_line=False, **kwargs)


class Url(fields.Url):
    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": "Debe ser una dirección web completa que empiece por http:// o https://.",
    }

    def __init__(self, **kwargs: Any):
        super().__init__(schemes={"http", "https"}, require_tld=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 2000:
                raise ValidationError("La dirección es demasiado larga (máximo 2000 caracteres).")
            if forbidden_character(value, True) or " " in value:
                raise ValidationError(self.error_messages["invalid"])
            bad = sorted(set(value) & URL_UNSAFE)
            if bad:  # RFC 3986 never allows them; RDF serialisers refuse such IRIs
                shown = " ".join(bad)
                raise ValidationError(
                    f"La dirección contiene caracteres no permitidos ({shown}); "
                    "codifíquelos con %, p. ej. %20."
                )
        return super()._deserialize(value, attr, data, **kwargs)


URL_UNSAFE = set('<>"{}|\\^`')
# a conservative address: what mail systems and mailto: IRIs accept everywhere
EMAIL = re.compile(
    r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


class Email(fields.Email):
    default_error_messages = {**BASE_MESSAGES, "invalid": "Debe ser un correo electrónico válido."}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(
            value.strip() if isinstance(value, str) else value, attr, data, **kwargs
        )
        if len(value) > 254:
            raise ValidationError("El correo es demasiado largo.")
        if not EMAIL.match(value):
            raise ValidationError(
                "Debe ser un correo electrónico válido. Antes de la @ use letras sin tildes, "
                "números y . _ % + -."
            )
        return value


MIN_YEAR, MAX_YEAR = 1500, 2200


class Date(fields.Date):
    """A calendar date, AAAA-MM-DD, between the years 1500 and 2200 (later dates break the
    date arithmetic of reviews and terms; earlier ones are typing mistakes)."""

    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": "Debe ser una fecha válida AAAA-MM-DD.",
        "format": "No se pudo dar formato a la fecha.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ValidationError(f"La fecha debe estar entre los años {MIN_YEAR} y {MAX_YEAR}.")
        return day


class Integer(fields.Integer):
    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": "Debe ser un número entero.",
        "too_large": "El número es demasiado grande.",
    }

    def __init__(self, **kwargs: Any):
        kwargs.setdefault(
            "validate", validate.Range(min=0, max=2**53, error="Debe estar entre 0 y 2^53.")
        )
        super().__init__(strict=True, **kwargs)


class Boolean(fields.Boolean):
    default_error_messages = {**BASE_MESSAGES, "invalid": "Debe ser verdadero o falso."}


class List(fields.List):
    default_error_messages = {**BASE_MESSAGES, "invalid": "Debe ser una lista."}

    def __init__(self, inner, *, max_items: int = 50, **kwargs: Any):
        kwargs.setdefault(
            "validate",
            validate.Length(max=max_items, error=f"Máximo {max_items} elementos."),
        )
        super().__init__(inner, **kwargs)


class Nested(fields.Nested):
    default_error_messages = {**BASE_MESSAGES, "type": "Debe ser un objeto."}


class Concept(fields.String):
    """A concept of one or more vocabulary schemes, given by notation, URI or 'scheme/notation'.

    Deserialises to the notation (single scheme) or the concept URI (`as_uri=True`).
    """

    default_error_messages = {**BASE_MESSAGES, "invalid": "Debe ser un texto."}

    def __init__(self, *schemes: str, as_uri: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.schemes, self.as_uri = schemes, as_uri

    def _deserialize(self, value, attr, data, **kwargs):
        ref = super()._deserialize(value, attr, data, **kwargs).strip()
        vocab = current_app.extensions["vocab"]
        concept = vocab.resolve(ref, self.schemes)
        if concept is None and len(self.schemes) == 1 and self.schemes[0] in vocab:
            scheme = vocab[self.schemes[0]]
            concept = scheme.get(ref) or scheme.get(ref.lower())
        if concept is None:
            raise ValidationError(self._unknown_message(vocab))
        return concept.uri if self.as_uri else concept.notation

    def _unknown_message(self, vocab) -> str:
        if len(self.schemes) == 1 and self.schemes[0] in vocab:
            scheme = vocab[self.schemes[0]]
            options = ", ".join(c.notation for c in scheme.concepts[:30])
            return f"Valor desconocido en «{scheme.label('es')}». Opciones: {options}."
        names = ", ".join(vocab[k].label("es") for k in self.schemes if k in vocab)
        return f"Concepto desconocido: use la URI o «esquema/notación» de: {names}."


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Slug(fields.String):
    default_error_messages = {**BASE_MESSAGES, "invalid": "Debe ser un texto."}

    def _deserialize(self, value, attr, data, **kwargs):
        slug = super()._deserialize(value, attr, data, **kwargs)
        if len(slug) > 120 or not SLUG.match(slug):
            raise ValidationError(
                "Use solo minúsculas sin tildes, números y guiones (máximo 120 caracteres)."
            )
        return slug
