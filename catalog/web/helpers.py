"""Jinja filters and globals: vocabulary labels, dates and numbers in the page's language (es_CO
or English), safe Markdown, schema.org."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, format_decimal
from markupsafe import Markup

from .. import urls
from ..i18n import current_language
from ..markdown import markdown_to_text, render_markdown
from ..text import of_name, truncate


def vocab():
    return current_app.extensions["vocab"]


def concept_label(scheme: str, notation: str | None) -> str:
    """The label of a notation in the page's language (the notation itself if unknown)."""
    if not notation:
        return ""
    if scheme in vocab():
        concept = vocab()[scheme].get(notation)
        if concept is not None:
            return concept.label(current_language())
    return notation


def label(concept_or_scheme: Any) -> str:
    """A concept's (or scheme's) label in the page's language."""
    return concept_or_scheme.label(current_language()) if concept_or_scheme else ""


def concept(scheme: str, notation: str | None):
    if not notation or scheme not in vocab():
        return None
    return vocab()[scheme].get(notation)


def uri_label(uri: str | None) -> str:
    found = vocab().concept(uri) if uri else None
    return found.label(current_language()) if found else (uri or "")


# (long date, short date, date and time) per language: "3 de marzo de 2025" / "March 3, 2025"
DATE_PATTERNS = {
    "es": ("d 'de' MMMM 'de' y", "dd/MM/y", "d 'de' MMMM 'de' y, HH:mm"),
    "en": ("MMMM d, y", "MMM d, y", "MMMM d, y, h:mm a"),
}


def fecha(value: date | datetime | None, style: str = "long") -> str:
    """A date (or date and time, in Bogotá) as the page's language writes it."""
    if value is None:
        return ""
    long, short, with_time = DATE_PATTERNS.get(current_language(), DATE_PATTERNS["es"])
    if isinstance(value, datetime):
        return format_datetime(value, with_time)
    return format_date(value, long if style == "long" else short)


def number(value: int | float | None) -> str:
    """A number with the page's separators: 1.234,5 in Spanish (Colombia), 1,234.5 in English."""
    return "" if value is None else format_decimal(value)


def human_size(size: int | None) -> str:
    """A byte size in the page's number format: '1,5 MB' / '1.5 MB'."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            pattern = "#,##0" if unit == "bytes" else "#,##0.0"
            return f"{format_decimal(value, format=pattern)} {unit}"
        value /= 1024
    return str(size)


def json_script(data: Any) -> Markup:
    """JSON safe to embed inside <script>: '<', '>' and '&' escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def de_in_language(name: str) -> str:
    """For a translated sentence: "de la Veeduría" / "del Instituto" in Spanish, the name alone
    in English (the English sentence carries its own preposition)."""
    return of_name(name) if current_language() == "es" else name


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=render_markdown,
        plain=markdown_to_text,
        fecha=fecha,
        size=human_size,
        number=number,
        label=label,
        truncate_words=truncate,
        json_script=json_script,
        de=of_name,  # Spanish-only pages
        uri_label=uri_label,
        de_in_language=de_in_language,
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
