"""The OpenAPI 3.1 description of /api/v1, generated from the marshmallow schemas."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from . import examples
from .openapi_schemas import SINGLE_LINE, SLUG_SCHEMA, components

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
    paths = {
        **_publisher_paths(),
        **_resource_paths(),
        **_workflow_paths(),
        **_distribution_paths(),
    }
    _add_examples(paths)
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
            "schemas": components(),
        },
        "paths": paths,
    }


METHODS = ("get", "post", "put", "patch", "delete")


def _add_examples(paths: dict[str, Any]) -> None:
    """Each JSON body carries the example the documentation page shows (and a test runs)."""
    for path, item in paths.items():
        for method in METHODS:
            if method not in item:
                continue
            body = examples.body(path, method)  # KeyError: an operation without an example
            content = item[method].get("requestBody", {}).get("content", {})
            if body is not None and "application/json" in content:
                content["application/json"] = {**content["application/json"], "example": body}


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
    }


def _workflow_paths() -> dict[str, Any]:
    """A resource's workflow and history."""
    secured = _SECURED
    write = _responses(200, 401, 403, 404, 409, 412, 413, 422)
    return {
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
