"""The OpenAPI 3.1 description of /api/v1, generated from the marshmallow schemas."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
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


def _components() -> dict[str, Any]:
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


_TEXT = {
    200: "Correcto",
    201: "Creado (con `Idempotent-Replayed: true` si repite una creación ya hecha con la misma "
    "Idempotency-Key)",
    204: "Sin contenido",
    400: "Dirección o parámetros con caracteres no admitidos (controles como %00)",
    401: "El token enviado no es válido, venció o fue revocado (o la operación lo requiere)",
    403: "El token no tiene permiso sobre esta entidad",
    404: "No existe (o es un borrador que su token no puede ver)",
    409: "Choca con datos existentes, o dos solicitudes con la misma Idempotency-Key a la vez",
    410: "Retirado (el cuerpo trae el motivo)",
    412: "El ETag de If-Match no coincide (otro cambio llegó antes)",
    413: "El envío supera el tamaño máximo",
    422: "Datos no válidos: `fields` trae cada campo (ruta con puntos) y sus motivos",
    503: "Base de datos o almacenamiento no disponible por un momento: reintente tras Retry-After",
}
# every operation can answer these: a bad path or query, a bad token, a passing fault
_ALWAYS = (400, 401, 503)


def _responses(*codes: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for code in sorted(set(codes) | set(_ALWAYS)):
        entry: dict[str, Any] = {"description": _TEXT[code]}
        if code >= 400:
            entry["content"] = {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
            }
        elif code != 204:
            entry["content"] = {"application/json": {"schema": {"type": ["object", "array"]}}}
        if code == 503:
            entry["headers"] = {
                "Retry-After": {
                    "description": "Segundos que conviene esperar antes de reintentar",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[0-9]+$"},
                }
            }
        out[str(code)] = entry
    return out


def _body(name: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


_CROSS_FIELD = (
    "Reglas entre campos (se responden con 422 y el campo): `modified` no es anterior a "
    "`issued`; `temporal_end` no es anterior a `temporal_start`; `status` solo «draft» o "
    "«published» (para retirar, POST …/withdraw); `norm` solo en normas y `good_practice` solo "
    "en buenas prácticas; la información clasificada o reservada (`access_rights`) exige "
    "`exception_ground`, `exception_legal_basis` y `exception_until`; `publisher` y `creator` "
    "deben existir y el token debe poder publicar por esa entidad; los textos se recortan antes "
    "de contar su longitud."
)


SLUG_PARAM = {"name": "slug", "in": "path", "required": True, "schema": SLUG_SCHEMA}
DIST_PARAM = {
    "name": "dist_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "maxLength": 36, "pattern": "^[0-9a-f-]{1,36}$"},
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "description": "El ETag leído (o una lista de ETags, o *): sin él, el cambio no se "
    "compara con la versión actual",
    "schema": {"type": "string", "maxLength": 200, "pattern": r"^[\u0020-\u007e]*$"},
}
IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "description": "Una clave única por creación (p. ej. un UUID). Si la respuesta se "
    "pierde, reenvíe la misma solicitud con la misma clave: no se crea dos veces y se "
    "responde lo ya creado. Se guarda 24 horas, por token.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
}
UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "title": {"type": "string", "maxLength": 300, "pattern": SINGLE_LINE},
                },
            },
            "encoding": {"file": {"contentType": "application/octet-stream"}},
        }
    },
}
_SECURED: list[dict[str, list[str]]] = [{"bearer": []}]


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of /api/v1, built from the schemas the API validates with."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API de publicación — " + current_app.config["CATALOG_TITLE"],
            "version": "1",
            "description": (
                "Registre y mantenga recursos del catálogo. Las escrituras requieren un token "
                "de la entidad (Authorization: Bearer …); un token enviado se comprueba en "
                "toda ruta, aun en las públicas. Los errores de validación responden 422 con "
                "cada campo y su motivo. " + _CROSS_FIELD
            ),
        },
        "servers": [{"url": url_for("api.index", _external=True).rstrip("/")}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _components(),
        },
        "paths": {**_publisher_paths(), **_resource_paths(), **_distribution_paths()},
    }


def _listing() -> list[dict[str, Any]]:
    """The query parameters of the resource list."""
    vocab = current_app.extensions["vocab"]
    max_page = int(current_app.config["CATALOG_MAX_PAGE_SIZE"])
    return [
        {
            "name": "cursor",
            "in": "query",
            "description": "El `next` de la página anterior",
            "schema": {"type": "string", "maxLength": 40, "pattern": "^[A-Za-z0-9_-]*$"},
        },
        {
            "name": "limit",
            "in": "query",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": max_page,
                "default": int(current_app.config["CATALOG_PAGE_SIZE"]),
            },
        },
        {"name": "publisher", "in": "query", "schema": SLUG_SCHEMA},
        {
            "name": "type",
            "in": "query",
            "schema": {
                "type": "string",
                "enum": [c.notation for c in vocab["resource-types"].concepts],
            },
        },
        {
            "name": "status",
            "in": "query",
            "description": "draft y withdrawn requieren token (y muestran solo lo de su entidad)",
            "schema": {"type": "string", "enum": ["published", "draft", "withdrawn"]},
        },
    ]


def _publisher_paths() -> dict[str, Any]:
    """Entities and units."""
    return {
        "/publishers": {
            "get": {"summary": "Entidades y dependencias", "responses": _responses(200)}
        },
        "/publishers/{slug}": {
            "get": {
                "summary": "Una entidad",
                "parameters": [SLUG_PARAM],
                "responses": _responses(200, 404),
            }
        },
    }


def _resource_paths() -> dict[str, Any]:
    """Resources and their workflow."""
    secured = _SECURED
    write = _responses(200, 401, 403, 404, 409, 412, 413, 422)
    return {
        "/resources": {
            "get": {
                "summary": "Recursos publicados, paginados (cursor)",
                "parameters": _listing(),
                "responses": _responses(200, 404, 422),
            },
            "post": {
                "summary": "Crear un recurso",
                "description": _CROSS_FIELD,
                "security": secured,
                "parameters": [IDEMPOTENCY],
                "requestBody": _body("Resource"),
                "responses": _responses(201, 401, 403, 409, 413, 422),
            },
        },
        "/resources/{slug}": {
            "parameters": [SLUG_PARAM],
            "get": {"summary": "Un recurso", "responses": _responses(200, 404, 410)},
            "put": {
                "summary": "Reemplazar",
                "description": _CROSS_FIELD,
                "security": secured,
                "parameters": [IF_MATCH],
                "requestBody": _body("Resource"),
                "responses": write,
            },
            "patch": {
                "summary": "Modificar campos",
                "description": _CROSS_FIELD,
                "security": secured,
                "parameters": [IF_MATCH],
                "requestBody": _body("Resource"),
                "responses": write,
            },
            "delete": {
                "summary": "Retirar (con motivo)",
                "security": secured,
                "parameters": [IF_MATCH],
                "requestBody": _body("Withdraw"),
                "responses": write,
            },
        },
        "/resources/{slug}/withdraw": {
            "parameters": [SLUG_PARAM],
            "post": {
                "summary": "Retirar",
                "security": secured,
                "parameters": [IF_MATCH],
                "requestBody": _body("Withdraw"),
                "responses": write,
            },
        },
        "/resources/{slug}/publish": {
            "parameters": [SLUG_PARAM],
            "post": {
                "summary": "Publicar",
                "security": secured,
                "parameters": [IF_MATCH],
                "responses": write,
            },
        },
        "/resources/{slug}/unpublish": {
            "parameters": [SLUG_PARAM],
            "post": {
                "summary": "Volver a borrador",
                "security": secured,
                "parameters": [IF_MATCH],
                "responses": write,
            },
        },
        "/resources/{slug}/history": {
            "parameters": [SLUG_PARAM],
            "get": {
                "summary": "Historial de revisiones encadenadas (actor: rol y entidad)",
                "responses": _responses(200, 404, 410),
            },
        },
    }


def _distribution_paths() -> dict[str, Any]:
    """Distributions: links and hosted files."""
    secured = _SECURED
    write = _responses(200, 401, 403, 404, 409, 412, 413, 422)
    return {
        "/resources/{slug}/distributions": {
            "parameters": [SLUG_PARAM],
            "get": {"summary": "Distribuciones", "responses": _responses(200, 404, 410)},
            "post": {
                "summary": "Agregar distribución (enlace: access_url o download_url)",
                "security": secured,
                "parameters": [IF_MATCH, IDEMPOTENCY],
                "requestBody": _body("Distribution"),
                "responses": _responses(201, 401, 403, 404, 409, 412, 413, 422),
            },
        },
        "/resources/{slug}/files": {
            "parameters": [SLUG_PARAM],
            "post": {
                "summary": "Alojar un archivo como nueva distribución",
                "description": "multipart/form-data con `file` (y `title` opcional). El "
                "contenido debe corresponder a la extensión (PDF, CSV, JSON, XML sin DTD, "
                "XLSX, ODS, DOCX, ZIP…); el tipo de medio lo decide lo que el archivo "
                "contiene.",
                "security": secured,
                "parameters": [IF_MATCH, IDEMPOTENCY],
                "requestBody": UPLOAD,
                "responses": _responses(201, 401, 403, 404, 409, 412, 413, 422),
            },
        },
        "/resources/{slug}/distributions/{dist_id}": {
            "parameters": [SLUG_PARAM, DIST_PARAM],
            "get": {
                "summary": "Una distribución",
                "responses": _responses(200, 404, 410),
            },
            "put": {
                "summary": "Reemplazar",
                "security": secured,
                "parameters": [IF_MATCH],
                "requestBody": _body("Distribution"),
                "responses": write,
            },
            "patch": {
                "summary": "Modificar",
                "security": secured,
                "parameters": [IF_MATCH],
                "requestBody": _body("Distribution"),
                "responses": write,
            },
            "delete": {
                "summary": "Quitar",
                "security": secured,
                "parameters": [IF_MATCH],
                "responses": _responses(204, 401, 403, 404, 409, 412),
            },
        },
    }
