"""State derived from a resource, refreshed by every write before it commits:
the effective review date and the stored DCAT fragments."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import current_app

from ..models import Resource

DEFAULT_REVIEW_INTERVAL = "P1Y"
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def add_duration(start: date, duration: str) -> date:
    """start + an ISO-8601 date duration (PnYnMnWnD); months clamp to the month's end."""
    match = _DURATION.match(duration)
    if not match:
        raise ValueError(f"unsupported duration {duration!r}")
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    month_index = start.month - 1 + months + 12 * years
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, _days_in_month(year, month))
    return date(year, month, day) + timedelta(weeks=weeks, days=days)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def review_interval(frequency: str | None) -> str:
    """The review interval of an update frequency (vocab cgp:reviewInterval), default yearly."""
    scheme = current_app.extensions["vocab"].schemes.get("frequencies")
    concept = scheme.get(frequency) if scheme is not None else None
    interval = concept.prop("reviewInterval") if concept is not None else None
    if interval is None:
        return DEFAULT_REVIEW_INTERVAL
    return str(interval)


def accrual_interval(frequency: str | None, vocab=None) -> str | None:
    """How often the resource promises an update, as an ISO-8601 date duration (None when it
    promises none: irregular, never, unknown or unset). Sub-day periods count as a day."""
    vocab = vocab if vocab is not None else current_app.extensions["vocab"]
    scheme = vocab.schemes.get("frequencies")
    concept = scheme.get(frequency) if scheme is not None else None
    period = str(concept.prop("dcatUsPeriodicity") or "") if concept is not None else ""
    if not period.startswith("R/P"):
        return None
    duration = period[2:]
    if duration.startswith("PT"):
        return "P1D"
    if duration == "P0.5M":
        return "P15D"
    return duration if _DURATION.match(duration) else None


def update_due(resource: Resource, vocab=None) -> date | None:
    """When the next update is due by the accrual periodicity: last update (or issue) plus
    the period; None when nothing is promised or no date is known."""
    interval = accrual_interval(resource.accrual_periodicity, vocab)
    base = resource.modified or resource.issued
    if interval is None or base is None:
        return None
    return add_duration(base, interval)


def next_review(resource: Resource) -> date:
    """The publisher's date if set, else the last update (or issue) plus the interval."""
    if resource.review_on:
        return resource.review_on
    base = resource.modified or resource.issued
    if base is None:
        base = (resource.updated_at or resource.created_at).date()
    return add_duration(base, review_interval(resource.accrual_periodicity))


def refresh_derived(resource: Resource) -> None:
    """Recompute everything stored that derives from the resource (call before commit)."""
    resource.next_review_on = next_review(resource)
    resource.update_due_on = update_due(resource)
    from ..stewardship.quality import refresh_quality

    refresh_quality(resource)
    from ..rdf.fragments import render_fragments

    render_fragments(resource)
    from ..search.index import index_resource

    index_resource(resource)
