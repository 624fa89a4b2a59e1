"""Readable field-by-field comparison of two resource snapshots (history diffs, edit conflicts).

Values are shown as people read them: vocabulary labels instead of codes, dates in Spanish,
lists as lists, and long texts with the words that changed marked (<del>/<ins>).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from markupsafe import Markup, escape

from ..web.helpers import fecha
from .form import COMMON, DISTRIBUTIONS, GOOD_PRACTICE, Field, Group

EMPTY = Markup('<span class="empty">(vacío)</span>')
STATUS_LABELS = {"draft": "Borrador", "published": "Publicado", "withdrawn": "Retirado"}


@dataclass(frozen=True)
class Change:
    label: str
    before: Markup
    after: Markup


def _fields() -> dict[str, Field]:
    out: dict[str, Field] = {}
    for section in (*COMMON, *GOOD_PRACTICE):
        for item in section.items:
            if isinstance(item, Field):
                out[item.name] = item
    return out


def _groups() -> dict[str, Group]:
    groups = {DISTRIBUTIONS.name: DISTRIBUTIONS}
    for section in GOOD_PRACTICE:
        for item in section.items:
            if isinstance(item, Group):
                groups[item.name] = item
    return groups


EXTRA_LABELS = {
    "status": "Estado",
    "withdrawn_reason": "Motivo del retiro",
    "publisher": "Entidad o dependencia",
    "slug": "Dirección",
}


def _concept_label(value: str, schemes) -> str:
    vocab = current_app.extensions["vocab"]
    concept = vocab.concept(value)
    if concept is None:
        for key in (schemes,) if isinstance(schemes, str) else schemes or ():
            if key in vocab and vocab[key].get(value) is not None:
                concept = vocab[key].get(value)
                break
    return concept.label("es") if concept else value


def _plain(field: Field | None, value: Any) -> str:
    if field is not None and field.kind == "check":
        return "Sí" if value else "No"
    if field is not None and field.scheme and isinstance(value, str):
        return _concept_label(value, field.scheme)
    if field is not None and field.kind == "date" and isinstance(value, str):
        try:
            return fecha(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _is_empty(value: Any) -> bool:
    return value in (None, "", [], {}, False)


def _show(field: Field | None, value: Any) -> Markup:
    if _is_empty(value) and not (field is not None and field.kind == "check"):
        return EMPTY
    if isinstance(value, list):
        items = "".join(f"<li>{escape(_plain(field, v))}</li>" for v in value)
        return Markup(f"<ul>{items}</ul>")
    return Markup(escape(_plain(field, value)))


_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> tuple[Markup, Markup]:
    """Both texts with removed words in <del> (before) and added words in <ins> (after)."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old, new = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(old)
            right.append(new)
            continue
        if i2 > i1:
            left.append(Markup(f"<del>{old}</del>"))
        if j2 > j1:
            right.append(Markup(f"<ins>{new}</ins>"))
    return Markup("".join(left)), Markup("".join(right))


def _field_change(label: str, field: Field | None, old: Any, new: Any) -> Change:
    long_text = field is not None and field.kind in ("markdown", "textarea")
    if long_text and isinstance(old, str) and isinstance(new, str) and old and new:
        left, right = word_diff(old, new)
        return Change(
            label,
            Markup(f'<div class="text">{left}</div>'),
            Markup(f'<div class="text">{right}</div>'),
        )
    return Change(label, _show(field, old), _show(field, new))


def _row_text(group: Group, row: dict | None) -> Markup:
    if not row:
        return EMPTY
    parts = []
    for item in group.fields:
        value = row.get(item.name)
        if not _is_empty(value):
            parts.append(f"<dt>{escape(item.label)}</dt><dd>{escape(_plain(item, value))}</dd>")
    if row.get("file_name"):
        size = row.get("byte_size")
        note = f"{row['file_name']}" + (f" ({size} bytes)" if size is not None else "")
        parts.append(f"<dt>Archivo</dt><dd>{escape(note)}</dd>")
        if row.get("checksum_sha256"):
            parts.append(f"<dt>SHA-256</dt><dd><code>{escape(row['checksum_sha256'])}</code></dd>")
    return Markup(f'<dl class="row">{"".join(parts)}</dl>') if parts else EMPTY


def _group_changes(group: Group, old: list | None, new: list | None) -> list[Change]:
    old, new = list(old or []), list(new or [])
    if group.name == "distributions":  # rows have identities: compare by id
        before: dict[str, dict] = {d.get("id") or "": d for d in old}
        after: dict[str, dict] = {d.get("id") or "": d for d in new}
        keys = list(dict.fromkeys([*before, *after]))
        out = []
        for key in keys:
            a, b = before.get(key), after.get(key)
            comparable_a = {k: v for k, v in (a or {}).items() if k != "id" and v is not None}
            comparable_b = {k: v for k, v in (b or {}).items() if k != "id" and v is not None}
            if comparable_a == comparable_b:
                continue
            title = (b or a or {}).get("title") or (b or a or {}).get("file_name") or "sin título"
            out.append(
                Change(f"{group.label}: «{title}»", _row_text(group, a), _row_text(group, b))
            )
        return out
    if old == new:
        return []
    label = group.label
    left = Markup("").join(_row_text(group, r) for r in old) if old else EMPTY
    right = Markup("").join(_row_text(group, r) for r in new) if new else EMPTY
    return [Change(label, left, right)]


def compare_snapshots(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    """The differences between two resource snapshots (API data shape), in form order."""
    before = before or {}
    fields, groups = _fields(), _groups()
    changes: list[Change] = []
    seen: set[str] = set()

    def nested(data: dict, path: str) -> Any:
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def normal(value: Any) -> Any:
        return None if _is_empty(value) else value

    for key in ("status", "withdrawn_reason"):
        if key in after or key in before:
            seen.add(key)
            if normal(before.get(key)) != normal(after.get(key)):
                old = STATUS_LABELS.get(before.get(key) or "", before.get(key))
                new = STATUS_LABELS.get(after.get(key) or "", after.get(key))
                changes.append(Change(EXTRA_LABELS[key], _show(None, old), _show(None, new)))
    for path, field in fields.items():
        seen.add(path.split(".")[0])
        old, new = nested(before, path), nested(after, path)
        if normal(old) != normal(new):
            changes.append(_field_change(field.label, field, old, new))
        if path == "good_practice.start_date":
            group = groups["good_practice.collaborators"]
            changes += _group_changes(group, nested(before, group.name), nested(after, group.name))
        if path == "good_practice.results":
            group = groups["good_practice.benefits"]
            changes += _group_changes(group, nested(before, group.name), nested(after, group.name))
    seen.update(("distributions", "uuid", "good_practice", "norm"))
    changes += _group_changes(
        DISTRIBUTIONS, before.get("distributions"), after.get("distributions")
    )
    for key in sorted(set(before) | set(after)):  # fields the form does not show
        if key in seen:
            continue
        if normal(before.get(key)) != normal(after.get(key)):
            label = EXTRA_LABELS.get(key, key.replace("_", " ").capitalize())
            changes.append(_field_change(label, None, before.get(key), after.get(key)))
    return changes
