"""State derived from a resource, refreshed by every write before it commits:
the effective review date and the stored DCAT fragments."""

from __future__ import annotations

from datetime import date

from flask import current_app

from ..dates import DURATION, add_duration
from ..models import Resource
from ..publishing import publish
from ..search.index import index_resource
from ..stewardship.quality import refresh_quality

DEFAULT_REVIEW_INTERVAL = "P1Y"


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
    return duration if DURATION.match(duration) else None


def update_due(resource: Resource, vocab=None) -> date | None:
    """When the next update is due by the accrual periodicity: last update (or issue) plus
    the period; None when nothing is promised or no date is known."""
    interval = accrual_interval(resource.accrual_periodicity, vocab)
    base = resource.modified or resource.issued
    if interval is None or base is None:
        return None
    return add_duration(base, interval)


def next_review(resource: Resource) -> date:
    """The publisher's date while it is still ahead of the last review; else the last update
    (or issue), or the last review by a person if later, plus the interval."""
    reviewed = resource.reviewed_on
    if resource.review_on and (reviewed is None or resource.review_on > reviewed):
        return resource.review_on
    base = resource.modified or resource.issued
    if base is None:
        base = (resource.updated_at or resource.created_at).date()
    if reviewed is not None and reviewed > base:
        base = reviewed
    return add_duration(base, review_interval(resource.accrual_periodicity))


def refresh_derived(resource: Resource) -> None:
    """Recompute everything stored that derives from the resource (call before commit)."""
    resource.next_review_on = next_review(resource)
    resource.update_due_on = update_due(resource)

    refresh_quality(resource)
    publish(resource)

    index_resource(resource)
