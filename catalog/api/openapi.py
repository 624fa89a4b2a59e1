"""The OpenAPI 3.1 description of /api/v1, generated from the marshmallow schemas."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from marshmallow import Schema, fields

from . import fields as f
from .schemas import DistributionSchema, ResourceSchema, WithdrawSchema


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
        out = {"type": "string", "format": "uri", "maxLength": 2000}
    elif isinstance(field, fields.Email):
        out = {"type": "string", "format": "email", "maxLength": 254}
    elif isinstance(field, fields.Date):
        out = {"type": "string", "format": "date"}
    elif isinstance(field, fields.Boolean):
        out = {"type": "boolean"}
    elif isinstance(field, fields.Integer):
        out = {"type": "integer", "minimum": 0}
    elif isinstance(field, f.Slug):
        out = {"type": "string", "pattern": f.SLUG.pattern, "maxLength": 120}
    elif isinstance(field, f.Text):
        out = {"type": "string", "maxLength": field.max_length}
        if field.min_length:
            out["minLength"] = field.min_length
    else:
        out = {"type": "string"}
    if field.allow_none and "$ref" not in out:
        out["type"] = [out.get("type", "string"), "null"]
    return out


def _schema(schema: type[Schema]) -> dict[str, Any]:
    instance = schema()
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: _field(field) for name, field in instance.fields.items()},
        "required": sorted(n for n, fl in instance.fields.items() if fl.required),
    }


def _components() -> dict[str, Any]:
    from .schemas import BenefitSchema, CollaboratorSchema, GoodPracticeSchema, NormSchema

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


def _responses(*codes: int) -> dict[str, Any]:
    text = {
        200: "Correcto",
        201: "Creado",
        204: "Sin contenido",
        401: "Falta el token o no es válido",
        403: "El token no tiene permiso sobre esta entidad",
        404: "No existe",
        410: "Retirado",
        412: "El ETag de If-Match no coincide (otro cambio llegó antes)",
        422: "Datos no válidos: cada campo con su motivo",
    }
    out: dict[str, Any] = {}
    for code in codes:
        entry: dict[str, Any] = {"description": text[code]}
        if code >= 400:
            entry["content"] = {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
            }
        out[str(code)] = entry
    return out


def _body(name: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def document() -> dict[str, Any]:
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    dist = {"name": "dist_id", "in": "path", "required": True, "schema": {"type": "string"}}
    if_match = {"name": "If-Match", "in": "header", "schema": {"type": "string"}}
    secured: list[dict[str, list[str]]] = [{"bearer": []}]
    write = _responses(200, 401, 403, 404, 412, 422)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API de publicación — " + current_app.config["CATALOG_TITLE"],
            "version": "1",
            "description": (
                "Registre y mantenga recursos del catálogo. Las escrituras requieren un token "
                "de la entidad (Authorization: Bearer …). Los errores de validación responden "
                "422 con cada campo y su motivo."
            ),
        },
        "servers": [{"url": url_for("api.index", _external=True).rstrip("/")}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _components(),
        },
        "paths": {
            "/publishers": {
                "get": {"summary": "Entidades y dependencias", "responses": _responses(200)}
            },
            "/publishers/{slug}": {
                "get": {
                    "summary": "Una entidad",
                    "parameters": [slug],
                    "responses": _responses(200, 404),
                }
            },
            "/resources": {
                "get": {
                    "summary": "Recursos publicados, paginados (cursor)",
                    "parameters": [
                        {"name": n, "in": "query", "schema": {"type": "string"}}
                        for n in ("cursor", "limit", "publisher", "type", "status")
                    ],
                    "responses": _responses(200, 422),
                },
                "post": {
                    "summary": "Crear un recurso",
                    "security": secured,
                    "requestBody": _body("Resource"),
                    "responses": _responses(201, 401, 403, 422),
                },
            },
            "/resources/{slug}": {
                "parameters": [slug],
                "get": {"summary": "Un recurso", "responses": _responses(200, 404, 410)},
                "put": {
                    "summary": "Reemplazar",
                    "security": secured,
                    "parameters": [if_match],
                    "requestBody": _body("Resource"),
                    "responses": write,
                },
                "patch": {
                    "summary": "Modificar campos",
                    "security": secured,
                    "parameters": [if_match],
                    "requestBody": _body("Resource"),
                    "responses": write,
                },
                "delete": {
                    "summary": "Retirar (con motivo)",
                    "security": secured,
                    "requestBody": _body("Withdraw"),
                    "responses": write,
                },
            },
            "/resources/{slug}/withdraw": {
                "parameters": [slug],
                "post": {
                    "summary": "Retirar",
                    "security": secured,
                    "requestBody": _body("Withdraw"),
                    "responses": write,
                },
            },
            "/resources/{slug}/publish": {
                "parameters": [slug],
                "post": {"summary": "Publicar", "security": secured, "responses": write},
            },
            "/resources/{slug}/unpublish": {
                "parameters": [slug],
                "post": {"summary": "Volver a borrador", "security": secured, "responses": write},
            },
            "/resources/{slug}/history": {
                "parameters": [slug],
                "get": {
                    "summary": "Historial de revisiones encadenadas",
                    "responses": _responses(200),
                },
            },
            "/resources/{slug}/distributions": {
                "parameters": [slug],
                "get": {"summary": "Distribuciones", "responses": _responses(200, 404)},
                "post": {
                    "summary": "Agregar distribución",
                    "security": secured,
                    "requestBody": _body("Distribution"),
                    "responses": _responses(201, 401, 403, 404, 412, 422),
                },
            },
            "/resources/{slug}/distributions/{dist_id}": {
                "parameters": [slug, dist],
                "get": {"summary": "Una distribución", "responses": _responses(200, 404)},
                "put": {
                    "summary": "Reemplazar",
                    "security": secured,
                    "requestBody": _body("Distribution"),
                    "responses": write,
                },
                "patch": {
                    "summary": "Modificar",
                    "security": secured,
                    "requestBody": _body("Distribution"),
                    "responses": write,
                },
                "delete": {
                    "summary": "Quitar",
                    "security": secured,
                    "responses": _responses(204, 401, 403, 404, 412),
                },
            },
        },
    }
