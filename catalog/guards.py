"""Checks at the edge, before any view: what no route may receive, refused with a clear 4xx.

- NUL and other control characters in the path or the query string (PostgreSQL refuses NUL in
  text; no URL of ours has a control character);
- integers in URL paths beyond what the database stores (a bounded `int` converter);
- JSON nested too deep to parse (answered as malformed JSON, not as a crash).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from .errors import BadRequest

MAX_ID = 2**31 - 1  # every id and sequence number fits a 32-bit signed integer
MAX_JSON_DEPTH = 64


class BoundedInt(IntegerConverter):
    """`<int:…>` that only matches 0..2^31-1: a larger number is simply not a route (404)."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _depth_ok(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Nesting depth of a JSON text, counted without parsing (strings skipped)."""
    data = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    depth, in_string, escaped = 0, False, False
    for char in data:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return False
        elif char in "]}":
            depth -= 1
    return True


class GuardedJSON(DefaultJSONProvider):
    """Refuses JSON deeper than MAX_JSON_DEPTH as malformed (ValueError), before parsing."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if not _depth_ok(s):
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        try:
            return json.loads(s, **kwargs)
        except RecursionError:  # pragma: no cover - the depth check comes first
            raise ValueError("JSON nested too deep") from None


def _has_control(raw: bytes) -> bool:
    return any(b < 0x20 or b == 0x7F for b in raw)


def init_guards(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInt
    app.json_provider_class = GuardedJSON
    app.json = GuardedJSON(app)

    @app.before_request
    def _refuse_control_characters():
        path = request.environ.get("PATH_INFO", "")
        query = request.environ.get("QUERY_STRING", "")
        raw_path = path.encode("latin-1", "replace")
        if _has_control(raw_path) or _has_control(unquote_to_bytes(query.replace("+", " "))):
            raise BadRequest(
                "La dirección contiene caracteres de control (por ejemplo %00), que ninguna "
                "dirección del catálogo admite."
            )
