"""JSON Schemas of the API's bodies, generated from the marshmallow schemas (whose resource
fields come from catalog/registry.py)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import Schema, fields

from ..registry import BY_NAME
from ..schemas import fields as f
from ..schemas.resources import (
    BenefitSchema,
    CollaboratorSchema,
    DistributionSchema,
    GoodPracticeSchema,
    NormSchema,
    ResourceSchema,
    WithdrawSchema,
)

# what the text fields refuse (catalog.text): control characters, and in one-line fields
# also tab and line breaks; text is trimmed before its length is counted. Lone surrogates
# (\ud800-\udfff escapes in JSON) are refused too; JSON Schema patterns cannot say so.
_REFUSED = r"\u007f-\u009f\ufffe\uffff\u202a-\u202e\u2066-\u2069"
SINGLE_LINE = rf"^[^\u0000-\u001f{_REFUSED}]*$"
MULTI_LINE = rf"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f{_REFUSED}]*$"
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\u0000-\u0020\u007f<>\"{}|\\^`]+$"
DATE_PATTERN = r"^(1[5-9][0-9]{2}|2[01][0-9]{2}|2200)-[0-9]{2}-[0-9]{2}$"
SLUG_SCHEMA = {"type": "string", "pattern": f.SLUG.pattern, "maxLength": 120}


def _field(field: fields.Field) -> dict[str, Any]:
    out: dict[str, Any]
    if isinstance(field, fields.Nested):
        nested = field.nested
        name = nested.__name__ if isinstance(nested, type) else type(nested).__name__
        out = {"$ref": f"#/components/schemas/{name.removesuffix('Schema')}"}
    elif isinstance(field, fields.List):
        out = {"type": "array", "items": _field(field.inner)}
    elif isinstance(field, f.Concept):
        vocab = current_app.extensions["vocab"]
        out = {"type": "string"}
        if len(field.schemes) == 1 and not field.as_uri and field.schemes[0] in vocab:
            out["enum"] = [c.notation for c in vocab[field.schemes[0]].concepts]
        else:
            out["format"] = "uri"
            out["description"] = "URI del concepto (o «esquema/notación») de: " + ", ".join(
                field.schemes
            )
    elif isinstance(field, fields.Url):
        out = {
            "type": "string",
            "format": "uri",
            "maxLength": 2000,
            "pattern": URL_PATTERN,
            "description": 'http:// o https://; sin espacios ni < > " { } | \\ ^ `',
        }
    elif isinstance(field, fields.Email):
        out = {"type": "string", "format": "email", "maxLength": 254, "pattern": f.EMAIL.pattern}
    elif isinstance(field, fields.Date):
        out = {
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            "description": f"AAAA-MM-DD, entre los años {f.MIN_YEAR} y {f.MAX_YEAR}",
        }
    elif isinstance(field, fields.Boolean):
        out = {"type": "boolean"}
    elif isinstance(field, fields.Integer):
        out = {"type": "integer", "minimum": 0, "maximum": 2**53}
    elif isinstance(field, f.Slug):
        out = dict(SLUG_SCHEMA)
    elif isinstance(field, f.Text):
        out = {
            "type": "string",
            "maxLength": field.max_length,
            "pattern": SINGLE_LINE if field.single_line else MULTI_LINE,
        }
        if field.min_length:
            out["minLength"] = field.min_length
            out["description"] = (
                f"Al menos {field.min_length} caracteres sin contar espacios de los extremos"
            )
    else:
        out = {"type": "string"}
    if field.allow_none and "$ref" not in out:
        out["type"] = [out.get("type", "string"), "null"]
    return out


def _property(schema: type[Schema], name: str, field: fields.Field) -> dict[str, Any]:
    """A property; a resource's own fields carry their name from the registry."""
    out = _field(field)
    spec = BY_NAME.get(name) if schema is ResourceSchema else None
    if spec is not None:
        label = spec.form.label if spec.form else spec.label.capitalize()
        out = {"title": label, **out}
    return out


def _schema(schema: type[Schema]) -> dict[str, Any]:
    instance = schema()
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            name: _property(schema, name, field) for name, field in instance.fields.items()
        },
        "required": sorted(n for n, fl in instance.fields.items() if fl.required),
    }


def components() -> dict[str, Any]:
    schemas = {
        cls.__name__.removesuffix("Schema"): _schema(cls)
        for cls in (
            ResourceSchema,
            DistributionSchema,
            NormSchema,
            GoodPracticeSchema,
            BenefitSchema,
            CollaboratorSchema,
            WithdrawSchema,
        )
    }
    schemas["Error"] = {
        "type": "object",
        "properties": {
            "error": {"type": "string"},
            "message": {"type": "string"},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    }
    return schemas
