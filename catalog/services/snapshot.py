"""A resource as plain data: what revisions store, diffs compare and restores re-apply.

The same shape is the JSON API's input (see schemas/resources.py), so one `apply` serves both.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..errors import Invalid
from ..models import Collaborator, Distribution, GoodPractice, Publisher, Resource
from ..models import ResourceKeyword as Keyword
from ..models import ResourceTheme as Theme
from ..registry import COLLABORATOR, RESOURCE
from ..text import fold

# field name → is it a date (the plain columns a revision copies; see catalog/registry.py)
RESOURCE_FIELDS: dict[str, bool] = {s.name: s.kind == "date" for s in RESOURCE if s.stored}
# API name inside "norm" → column
NORM_FIELDS: dict[str, tuple[str, bool]] = {
    "number": ("norm_number", False),
    "date": ("norm_date", True),
    "issuer": ("norm_issuer", False),
    "legal_status": ("legal_status", False),
    "legal_status_note": ("legal_status_note", False),
    "superseded_by": ("superseded_by", False),
}
GOOD_PRACTICE_FIELDS: dict[str, bool] = {
    "form_date": True,
    "unit_head": False,
    "process": False,
    "mipg_policy": False,
    "team": False,
    "start_date": True,
    "is_adaptation": False,
    "adapted_from": False,
    "baseline": False,
    "target_population": False,
    "objectives": False,
    "development_time": False,
    "contribution": False,
    "results": False,
    "benefits": False,
    "dissemination": False,
    "dissemination_media": False,
    "other_aspects": False,
    "challenges": False,
    "stability_changes": False,
    "implementation_period": False,
    "continuity_means": False,
    "elements_to_keep": False,
    "conclusions": False,
}
COLLABORATOR_FIELDS = (*(part.name for part in COLLABORATOR), "show_publicly")
DISTRIBUTION_FIELDS = (
    "title",
    "description",
    "access_url",
    "download_url",
    "media_type",
    "format",
    "byte_size",
    "license",
    "language",
)
FILE_FIELDS = ("file_key", "file_name", "checksum_sha256", "byte_size")

RESOURCE_LISTS = {"languages"}
NOT_NULL_TEXT = {"description"}
GOOD_PRACTICE_LISTS = {
    "target_population",
    "objectives",
    "results",
    "benefits",
    "dissemination_media",
    "challenges",
    "conclusions",
}


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def snapshot(resource: Resource) -> dict[str, Any]:
    """Everything a publisher controls about a resource, as JSON-ready data."""
    data: dict[str, Any] = {
        "uuid": resource.uuid,
        "slug": resource.slug,
        "status": resource.status,
        "publisher": resource.publisher.slug,
        "creator": resource.creator.slug if resource.creator else None,
        "withdrawn_reason": resource.withdrawn_reason,
    }
    for name in RESOURCE_FIELDS:
        data[name] = _iso(getattr(resource, name))
    data["languages"] = list(resource.languages or [])
    data["keywords"] = resource.keyword_list
    data["themes"] = resource.theme_uris
    norm = {api: _iso(getattr(resource, col)) for api, (col, _) in NORM_FIELDS.items()}
    data["norm"] = norm if any(v is not None for v in norm.values()) else None
    data["good_practice"] = _good_practice_snapshot(resource.good_practice)
    data["distributions"] = [_distribution_snapshot(d) for d in resource.distributions]
    return data


def _good_practice_snapshot(practice: GoodPractice | None) -> dict[str, Any] | None:
    if practice is None:
        return None
    data = {name: _iso(getattr(practice, name)) for name in GOOD_PRACTICE_FIELDS}
    data["collaborators"] = [
        {name: getattr(c, name) for name in COLLABORATOR_FIELDS} for c in practice.collaborators
    ]
    return data


def _distribution_snapshot(dist: Distribution) -> dict[str, Any]:
    data = {"id": dist.uuid}
    data.update({name: getattr(dist, name) for name in DISTRIBUTION_FIELDS})
    data.update({name: getattr(dist, name) for name in FILE_FIELDS})
    return data


def apply(resource: Resource, data: dict[str, Any], *, partial: bool, trusted: bool = False):
    """Set the resource from input data. Full updates reset what the data leaves out.

    `trusted` (restores, imports of our own exports) may also set hosted-file fields.
    """
    old_policy = resource.good_practice.mipg_policy if resource.good_practice else None
    for name, is_date in RESOURCE_FIELDS.items():
        if name in data:
            value = data[name]
            if name in NOT_NULL_TEXT:
                value = value or ""
            setattr(resource, name, _as_date(value) if is_date else value)
        elif not partial and name not in ("type", "title"):
            empty: Any = [] if name in RESOURCE_LISTS else None
            setattr(resource, name, "" if name in NOT_NULL_TEXT else empty)
    if "publisher" in data:
        resource.publisher = _publisher(data["publisher"])
    if "creator" in data or not partial:
        slug = data.get("creator")
        resource.creator = _publisher(slug) if slug else None
    if "keywords" in data or not partial:
        _set_keywords(resource, data.get("keywords") or [])
    if "themes" in data or not partial:
        _set_themes(resource, data.get("themes") or [])
    if "norm" in data or not partial:
        norm = data.get("norm") or {}
        for api, (col, is_date) in NORM_FIELDS.items():
            if api in norm or not partial or data.get("norm") is None:
                value = norm.get(api)
                setattr(resource, col, _as_date(value) if is_date else value)
    if "good_practice" in data or not partial:
        _set_good_practice(resource, data.get("good_practice"), partial=partial)
        _policy_as_theme(resource, old_policy, kept=data.get("themes") or [])
    if "distributions" in data or not partial:
        set_distributions(resource, data.get("distributions") or [], trusted=trusted)


def _publisher(slug: str) -> Publisher:
    publisher = Publisher.by_slug(slug)
    if publisher is None:  # schemas check first; this guards internal callers
        raise ValueError(f"unknown publisher {slug!r}")
    return publisher


def _set_keywords(resource: Resource, keywords: list[str]) -> None:
    existing = {k.keyword_key: k for k in resource.keywords}
    rows, seen = [], set()
    for position, word in enumerate(keywords):
        key = fold(word)
        if key in seen:
            continue
        seen.add(key)
        row = existing.get(key) or Keyword(keyword_key=key)
        row.keyword, row.position = word, position
        rows.append(row)
    resource.keywords = rows


def _policy_as_theme(resource: Resource, old: str | None, kept: list[str]) -> None:
    """The good-practice form's "Política MIPG a la que aporta" is the resource's MIPG theme:
    it is found by that policy (theme pages, feeds, search) and says so in DCAT. A policy the
    form no longer names leaves the themes, unless the publisher chose it as a theme too."""
    practice = resource.good_practice
    new = practice.mipg_policy if practice is not None else None
    uris = list(resource.theme_uris)
    if old and old != new and old in uris and old not in kept:
        uris.remove(old)
    if new and new not in uris:
        uris.append(new)
    if uris != list(resource.theme_uris):
        _set_themes(resource, uris)


def _set_themes(resource: Resource, uris: list[str]) -> None:
    from flask import current_app

    vocab = current_app.extensions["vocab"]
    existing = {t.concept_uri: t for t in resource.themes}
    rows, seen = [], set()
    for position, uri in enumerate(uris):
        if uri in seen:
            continue
        seen.add(uri)
        concept = vocab.concept(uri)
        row = existing.get(uri) or Theme(concept_uri=uri)
        row.scheme = concept.scheme if concept else "other"
        row.position = position
        rows.append(row)
    resource.themes = rows


def _set_good_practice(resource: Resource, data: dict | None, *, partial: bool) -> None:
    if data is None:
        if not partial or resource.good_practice is not None:
            resource.good_practice = None
        return
    practice = resource.good_practice or GoodPractice()
    for name, is_date in GOOD_PRACTICE_FIELDS.items():
        if name in data:
            value = data[name]
            setattr(practice, name, _as_date(value) if is_date else value)
        elif not partial:
            default: Any = [] if name in GOOD_PRACTICE_LISTS else None
            setattr(practice, name, False if name == "is_adaptation" else default)
    if "collaborators" in data or not partial:
        practice.collaborators = [
            Collaborator(position=i, **{k: c.get(k) for k in COLLABORATOR_FIELDS if k in c})
            for i, c in enumerate(data.get("collaborators") or [])
        ]
    resource.good_practice = practice


def set_distributions(resource: Resource, items: list[dict], *, trusted: bool = False) -> None:
    """Replace the distribution list: items with a known "id" update that one, others are new."""
    existing = {d.uuid: d for d in resource.distributions}
    rows = []
    empty: dict[str, list[str]] = {}
    for position, item in enumerate(items):
        dist = existing.get(item.get("id") or "")
        if dist is None:
            dist = Distribution()
            if trusted and item.get("id"):
                dist.uuid = item["id"]
        apply_distribution(dist, item, partial=False, trusted=trusted)
        dist.position = position
        rows.append(dist)
        if not (dist.access_url or dist.download_url or dist.file_key):
            empty[f"distributions.{position}.access_url"] = [
                "Una distribución necesita access_url o download_url, o un archivo subido "
                "(POST /api/v1/resources/<slug>/files)."
            ]
    if empty:
        raise Invalid(empty)
    resource.distributions = rows


def apply_distribution(
    dist: Distribution, item: dict, *, partial: bool, trusted: bool = False
) -> None:
    for name in DISTRIBUTION_FIELDS:
        if name == "byte_size" and dist.file_key and not trusted:
            continue  # a hosted file's size is measured, not declared
        if name in item:
            setattr(dist, name, item[name])
        elif not partial:
            setattr(dist, name, None)
    if trusted:
        for name in FILE_FIELDS:
            if name in item:
                setattr(dist, name, item[name])


# ---------------------------------------------------------------- differences


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """Field-by-field changes between two snapshots: {field: [before, after]}."""
    before = before or {}
    changes: dict[str, Any] = {}
    for key in after:
        if key == "distributions":
            continue
        if before.get(key) != after.get(key):
            changes[key] = [before.get(key), after.get(key)]
    dists = _diff_distributions(before.get("distributions") or [], after["distributions"])
    if dists:
        changes["distributions"] = dists
    return changes


def _diff_distributions(before: list[dict], after: list[dict]) -> dict[str, Any]:
    old = {d["id"]: d for d in before}
    new = {d["id"]: d for d in after}
    out: dict[str, Any] = {}
    added = [d for key, d in new.items() if key not in old]
    removed = [d for key, d in old.items() if key not in new]
    changed = {}
    for key in old.keys() & new.keys():
        fields = {
            f: [old[key].get(f), new[key].get(f)]
            for f in set(old[key]) | set(new[key])
            if old[key].get(f) != new[key].get(f)
        }
        if fields:
            changed[key] = {"title": new[key].get("title"), "fields": fields}
    if added:
        out["added"] = added
    if removed:
        out["removed"] = removed
    if changed:
        out["changed"] = changed
    return out


FIELD_LABELS = {
    **{spec.name: spec.label for spec in RESOURCE},
    "norm": "datos de la norma",
    "good_practice": "secciones de la buena práctica",
    "withdrawn_reason": "motivo de retiro",
}


def summarize(changes: dict[str, Any]) -> str:
    """A short Spanish sentence saying what changed (revisions, feeds)."""
    parts: list[str] = []
    dists = changes.get("distributions") or {}
    for dist in dists.get("changed", {}).values():
        fields = dist["fields"]
        name = dist.get("title") or "archivo"
        if {"checksum_sha256", "file_key"} & set(fields) or "download_url" in fields:
            parts.append(f"nueva versión de «{name}»")
        else:
            parts.append(f"cambios en «{name}»")
    for dist in dists.get("added", []):
        parts.append(f"nuevo archivo «{dist.get('title') or 'sin título'}»")
    for dist in dists.get("removed", []):
        parts.append(f"se quitó «{dist.get('title') or 'sin título'}»")
    labels: list[str] = []
    for key in changes:
        label = FIELD_LABELS.get(key)
        if key != "distributions" and label and label not in labels:
            labels.append(label)
    if labels:
        parts.append("cambios en " + ", ".join(labels))
    return "; ".join(parts)[:480]
