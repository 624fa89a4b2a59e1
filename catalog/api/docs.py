"""/api/v1/docs: the OpenAPI document rendered on the server as a readable page (no script, no
assets from elsewhere: it works offline), with a working curl example for every operation."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import render_template, url_for

from .. import urls
from . import bp, examples
from .openapi import METHODS, document

GROUPS = (
    ("entidades", "Entidades y dependencias"),
    ("recursos", "Recursos"),
    ("flujo", "Publicar, retirar e historial"),
    ("distribuciones", "Distribuciones y archivos"),
)


def _group_of(path: str) -> str:
    if path.startswith("/publishers"):
        return "entidades"
    if "/distributions" in path or path.endswith("/files"):
        return "distribuciones"
    if path in ("/resources", "/resources/{slug}"):
        return "recursos"
    return "flujo"


@dataclass
class Row:
    name: str
    where: str
    required: bool
    kind: str
    description: str = ""
    link: str | None = None


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    secured: bool
    parameters: list[Row]
    body: str | None  # component name, or "multipart"
    body_rows: list[Row]
    responses: list[tuple[str, str]]
    example: str


@dataclass
class Group:
    anchor: str
    title: str
    operations: list[Operation] = field(default_factory=list)


def describe(schema: dict[str, Any]) -> tuple[str, str | None]:
    """A schema in words ("texto, hasta 300 caracteres"), and the component it links to."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"objeto {name}", f"#esquema-{name}"
    types = schema.get("type", "string")
    types = [types] if isinstance(types, str) else list(types)
    nullable = "null" in types
    kind = next((t for t in types if t != "null"), "string")
    link = None
    if kind == "array":
        inner, link = describe(schema.get("items", {}))
        words = f"lista de: {inner}"
    elif "enum" in schema:
        values = schema["enum"]
        words = "uno de: " + ", ".join(str(v) for v in values)
    elif kind == "boolean":
        words = "true o false"
    elif kind == "integer":
        words = "número entero"
        if "minimum" in schema and "maximum" in schema and schema["maximum"] < 2**53:
            words += f" de {schema['minimum']} a {schema['maximum']}"
    elif schema.get("format") == "date":
        words = "fecha AAAA-MM-DD"
    elif schema.get("format") == "uri":
        words = "URL (http:// o https://)" if "pattern" in schema else "URI"
    elif schema.get("format") == "email":
        words = "correo electrónico"
    elif schema.get("format") == "binary":
        words = "archivo"
    elif kind == "object":
        words = "objeto"
    else:
        words = "texto"
        if "maxLength" in schema:
            words += f", hasta {schema['maxLength']} caracteres"
    if nullable:
        words += ", o null"
    return words, link


def _rows(schema: dict[str, Any], where: str = "cuerpo") -> list[Row]:
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        kind, link = describe(prop)
        rows.append(
            Row(
                name,
                where,
                name in required,
                kind,
                prop.get("title", prop.get("description", "")),
                link,
            )
        )
    return rows


def _quote(value: str) -> str:
    """Shell quoting: single quotes, or double quotes around a $PLACEHOLDER the reader fills."""
    if "$" in value:
        return '"' + value.replace('"', '\\"') + '"'
    return "'" + value.replace("'", "'\\''") + "'"


def curl(server: str, path: str, method: str, operation: dict[str, Any]) -> str:
    """The example request as a curl command (what the page shows and the test runs)."""
    example = examples.EXAMPLES[(path, method)]
    url = server + path.format(**examples.path_values(path, method))
    if example.get("query"):
        url += "?" + urlencode(example["query"])
    parts = ["curl" if method == "get" else f"curl -X {method.upper()}", _quote(url)]
    names = {p["name"] for p in operation.get("parameters", [])}
    if operation.get("security"):
        parts.append("-H " + _quote(f"Authorization: Bearer {examples.TOKEN}"))
    if "If-Match" in names:
        parts.append("-H " + _quote(f"If-Match: {examples.ETAG}"))
    if "Idempotency-Key" in names:
        parts.append("-H " + _quote(f"Idempotency-Key: {examples.idempotency_key(path, method)}"))
    if "body" in example:
        parts.append("-H 'Content-Type: application/json'")
        text = json.dumps(example["body"], ensure_ascii=False, indent=2)
        parts.append("--data " + _quote(text))
    for name, value in example.get("form", {}).items():
        parts.append("-F " + _quote(f"{name}={value}"))
    return " ".join(parts) if len(parts) <= 2 else " \\\n  ".join(parts)


def _parameters(item: dict[str, Any], operation: dict[str, Any]) -> list[Row]:
    where = {"path": "ruta", "query": "consulta", "header": "encabezado"}
    rows = []
    for p in item.get("parameters", []) + operation.get("parameters", []):
        kind, link = describe(p.get("schema", {}))
        rows.append(
            Row(
                p["name"],
                where[p["in"]],
                bool(p.get("required")),
                kind,
                p.get("description", ""),
                link,
            )
        )
    return rows


def _body(operation: dict[str, Any], schemas: dict[str, Any]) -> tuple[str | None, list[Row]]:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        name = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        return name, _rows(schemas[name])
    if "multipart/form-data" in content:
        return "multipart", _rows(content["multipart/form-data"]["schema"], "formulario")
    return None, []


def build() -> tuple[dict[str, Any], list[Group]]:
    spec = document()
    server = spec["servers"][0]["url"]
    schemas = spec["components"]["schemas"]
    groups = {anchor: Group(anchor, title) for anchor, title in GROUPS}
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            body, body_rows = _body(operation, schemas)
            anchor = method + path.replace("/{", "-").replace("}", "").replace("/", "-")
            groups[_group_of(path)].operations.append(
                Operation(
                    anchor=anchor,
                    method=method.upper(),
                    path=path,
                    summary=operation["summary"],
                    description=operation.get("description", ""),
                    secured=bool(operation.get("security")),
                    parameters=_parameters(item, operation),
                    body=body,
                    body_rows=body_rows,
                    responses=[
                        (code, r["description"]) for code, r in operation["responses"].items()
                    ],
                    example=curl(server, path, method, operation),
                )
            )
    return spec, list(groups.values())


@bp.get("/docs")
def docs():
    spec, groups = build()
    components = {
        name: _rows(schema)
        for name, schema in spec["components"]["schemas"].items()
        if name != "Error"
    }
    return render_template(
        "api/docs.html",
        spec=spec,
        groups=groups,
        components=components,
        server=spec["servers"][0]["url"],
        openapi_url=url_for("api.openapi", _external=True),
        file_example=f"curl -O '{urls.base()}/archivos/UUID/turnos-2026.csv'",
    )
