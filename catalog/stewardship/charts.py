"""Server-made SVG charts: geometry computed here, drawn by ``stewardship/_charts.html``.

Every chart is a picture *and* its data: each bar carries its label and value as text in the SVG,
the ``<desc>`` lists every value for screen readers, and the page puts the same figures in a
table beside it. The drawing is 360 units wide, so at a phone's width it is drawn at about its
natural size and its 13-unit text stays readable; wider screens cap it (``.chart svg``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 360
LABEL_CHARS = 50  # what fits on one line of the drawing at font size 13


@dataclass
class Bar:
    label: str
    value: float
    shown: str  # the value as the page prints it ("1.234")
    href: str | None = None
    # geometry, filled in by the layout functions
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    text_x: float = 0
    text_y: float = 0
    value_x: float = 0
    value_y: float = 0
    short: str = ""


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    kind: str  # "rows" (a label over each horizontal bar) or "columns"
    width: int = WIDTH
    height: int = 0
    desc: str = ""
    baseline: float = 0
    extra: dict = field(default_factory=dict)


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _describe(title: str, bars: list[Bar]) -> str:
    return title + ": " + "; ".join(f"{bar.label}: {bar.shown}" for bar in bars) + "."


def rows(title: str, bars: list[Bar], maximum: float | None = None) -> Chart:
    """Horizontal bars, one per row, each with its label written above it and its value after
    it: the names stay legible at 360 px, unlike labels squeezed to the left of the bars."""
    top = maximum or max((bar.value for bar in bars), default=0) or 1
    room = WIDTH - 56  # space left for the value after the longest bar
    step = 40
    for index, bar in enumerate(bars):
        y = index * step + 4
        bar.short = _short(bar.label)
        bar.text_x, bar.text_y = 0, y + 13
        bar.x, bar.y = 0, y + 19
        bar.width = round(max(bar.value / top * room, 1 if bar.value else 0), 1)
        bar.height = 14
        bar.value_x, bar.value_y = round(bar.width + 6, 1), y + 31
    return Chart(
        title=title,
        bars=bars,
        kind="rows",
        height=len(bars) * step + 8,
        desc=_describe(title, bars),
    )


def columns(title: str, bars: list[Bar], plot_height: int = 120) -> Chart:
    """Vertical bars side by side (years, quality bands), the value above each bar and its
    label below it."""
    top = max((bar.value for bar in bars), default=0) or 1
    count = max(len(bars), 1)
    slot = WIDTH / count
    baseline = plot_height + 20
    for index, bar in enumerate(bars):
        bar.short = _short(bar.label, max(int(slot / 7.5), 4))
        bar.width = round(slot * 0.6, 1)
        bar.x = round(index * slot + slot * 0.2, 1)
        bar.height = round(bar.value / top * plot_height, 1)
        bar.y = round(baseline - bar.height, 1)
        bar.value_x = bar.text_x = round(index * slot + slot / 2, 1)
        bar.value_y = round(bar.y - 5, 1)
        bar.text_y = baseline + 17
    return Chart(
        title=title,
        bars=bars,
        kind="columns",
        height=baseline + 26,
        desc=_describe(title, bars),
        baseline=baseline,
    )


def sparkline(title: str, bars: list[Bar], width: int = 90, height: int = 24) -> Chart:
    """A small column chart for a table cell; its figures are in the ``aria-label``."""
    top = max((bar.value for bar in bars), default=0) or 1
    count = max(len(bars), 1)
    slot = width / count
    for index, bar in enumerate(bars):
        bar.width = round(slot * 0.7, 1)
        bar.x = round(index * slot + slot * 0.15, 1)
        bar.height = round(max(bar.value / top * (height - 2), 1 if bar.value else 0), 1)
        bar.y = round(height - bar.height, 1)
    return Chart(
        title=title,
        bars=bars,
        kind="spark",
        width=width,
        height=height,
        desc=_describe(title, bars),
    )
