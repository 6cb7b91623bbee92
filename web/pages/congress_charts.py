"""Geometry for the overview's bar charts, so the SVG macros in ``_charts.html`` only draw.

Coordinates are in the SVG's own units (its viewBox); the page scales the picture to fit.
Colours come from classes in congress.css, never from style attributes (CSP).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from projections.charts import DraftTotals, MonthTotals

WIDTH = 760
Translate = Callable[..., str]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    kind: str  # "suggestions" or "adopted": the CSS class that colours it
    title: str  # read out and shown on hover


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    full: str = ""


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]
    values: list[Label]


def nice_scale(largest: int) -> tuple[int, int]:
    """The axis maximum and step: steps of 1, 2 or 5 × 10ⁿ, at most five of them."""
    if largest <= 0:
        return 1, 1
    power = 10 ** max(0, int(math.log10(largest)) - 1)
    for step in (s * power for s in (1, 2, 5, 10, 20, 50, 100)):
        if math.ceil(largest / step) <= 5:
            return math.ceil(largest / step) * step, step
    return largest, largest  # pragma: no cover - the steps above always reach five


def monthly_chart(months: list[MonthTotals], _: Translate) -> Chart:
    """Two bars a month, suggestions beside adoptions; a y axis with round ticks."""
    left, right, top, bottom, height = 56.0, WIDTH - 12.0, 16.0, 250.0, 300
    top_value, step = nice_scale(max([m.suggestions for m in months] + [1]))
    scale = (bottom - top) / top_value
    slot = (right - left) / max(1, len(months))
    bar = min(28.0, slot * 0.38)
    bars, labels = [], []
    every = max(1, math.ceil(len(months) / 12))
    for index, m in enumerate(months):
        x = left + index * slot + slot / 2
        for offset, value, kind, words in (
            (
                -bar,
                m.suggestions,
                "suggestions",
                _("{count} suggestions received", count=m.suggestions),
            ),
            (0.0, m.adopted, "adopted", _("{count} adopted in total", count=m.adopted)),
        ):
            h = value * scale
            bars.append(Bar(x + offset, bottom - h, bar, h, value, kind, f"{m.label}: {words}"))
        if index % every == 0:
            year = str(m.year) if index == 0 or m.month == 1 else ""
            labels.append(Label(x, bottom + 18, f"{m.month:02d}", year))
    ticks = [Tick(bottom - value * scale, str(value)) for value in range(0, top_value + 1, step)]
    return Chart(WIDTH, height, left, top, right, bottom, bars, ticks, labels, [])


def drafts_chart(drafts: list[DraftTotals], _: Translate, label_chars: int = 15) -> Chart:
    """One row a draft: its suggestions and, just below, its adoptions; values at bar ends."""
    left, right, top, row = 250.0, WIDTH - 48.0, 28.0, 34.0
    bottom = top + row * max(1, len(drafts))
    top_value, step = nice_scale(max([d.suggestions for d in drafts] + [1]))
    scale = (right - left) / top_value
    bars, labels, values = [], [], []
    for index, d in enumerate(drafts):
        y = top + index * row + 4
        short = d.title if len(d.title) <= label_chars else d.title[: label_chars - 1] + "…"
        labels.append(Label(left - 8, y + 17, short, d.title))
        for offset, value, kind, words in (
            (
                0.0,
                d.suggestions,
                "suggestions",
                _("{count} suggestions received", count=d.suggestions),
            ),
            (13.0, d.adopted, "adopted", _("{count} adopted in total", count=d.adopted)),
        ):
            w = value * scale
            bars.append(Bar(left, y + offset, w, 12.0, value, kind, f"{d.title}: {words}"))
            values.append(Label(left + w + 4, y + offset + 10.5, str(value)))
    ticks = [Tick(left + value * scale, str(value)) for value in range(0, top_value + 1, step)]
    height = int(bottom + 12)
    return Chart(WIDTH, height, left, top, right, bottom, bars, ticks, labels, values)


def monthly_summary(months: list[MonthTotals], _: Translate) -> str:
    """The chart's description, in words: totals and the busiest month."""
    if not months:
        return _("Nothing was received in this period.")
    busiest = max(months, key=lambda m: (m.suggestions, -m.year, -m.month))
    return _(
        "From {first} to {last}: {received} suggestions received and {adopted} adopted in "
        "total; the most suggestions, {most}, came in {month}. The table below gives every month.",
        first=months[0].label,
        last=months[-1].label,
        received=sum(m.suggestions for m in months),
        adopted=sum(m.adopted for m in months),
        most=busiest.suggestions,
        month=busiest.label,
    )


def drafts_summary(drafts: list[DraftTotals], _: Translate) -> str:
    if not drafts:
        return _("Nothing was received in this period.")
    first = drafts[0]
    return _(
        "{count} drafts; the most suggestions, {most}, were on {title}, of which {adopted} "
        "were adopted in total. The table below gives every draft.",
        count=len(drafts),
        most=first.suggestions,
        title=first.title,
        adopted=first.adopted,
    )
