"""Jinja filters and globals: vocabulary labels, dates in Spanish, safe Markdown, schema.org."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from flask_babel import format_date, format_datetime
from markupsafe import Markup

from .. import urls
from ..markdown import markdown_to_text, render_markdown
from ..text import truncate


def vocab():
    return current_app.extensions["vocab"]


def concept_label(scheme: str, notation: str | None) -> str:
    """The Spanish label of a notation in a scheme (the notation itself if unknown)."""
    if not notation:
        return ""
    if scheme in vocab():
        concept = vocab()[scheme].get(notation)
        if concept is not None:
            return concept.label("es")
    return notation


def concept(scheme: str, notation: str | None):
    if not notation or scheme not in vocab():
        return None
    return vocab()[scheme].get(notation)


def uri_label(uri: str | None) -> str:
    found = vocab().concept(uri) if uri else None
    return found.label("es") if found else (uri or "")


def fecha(value: date | datetime | None, style: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "d 'de' MMMM 'de' y, HH:mm")
    return format_date(value, "d 'de' MMMM 'de' y" if style == "long" else "dd/MM/y")


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    return str(size)


def json_script(data: Any) -> Markup:
    """JSON safe to embed inside <script>: '<', '>' and '&' escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=render_markdown,
        plain=markdown_to_text,
        fecha=fecha,
        size=human_size,
        truncate_words=truncate,
        json_script=json_script,
        dict_without=lambda d, *keys: {k: v for k, v in d.items() if k not in keys},
    )
    app.jinja_env.globals.update(
        concept_label=concept_label,
        concept=concept,
        uri_label=uri_label,
        urls=urls,
        vocab=vocab,
        today=lambda: date.today(),
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
