"""Date arithmetic on ISO-8601 durations (review intervals, update periods, reserve terms)."""

from __future__ import annotations

import re
from datetime import date, timedelta

DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def add_duration(start: date, duration: str) -> date:
    """start + an ISO-8601 date duration (PnYnMnWnD); months clamp to the month's end."""
    match = DURATION.match(duration)
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
