"""Inclusive periods as runs of whole years, months and days, for the aggregates' buckets."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, bindparam


def month_of(day: date) -> date:
    return day.replace(day=1)


def year_of(day: date) -> date:
    return day.replace(month=1, day=1)


def month_end(day: date) -> date:
    following = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
    return following - timedelta(days=1)


def spans(start: date | None, end: date | None) -> list[tuple[str, date, date]]:
    """The inclusive period (either end open) as runs of whole years, months and days:
    ``(grain, first bucket, last bucket)``, each bucket named by its first day. At most
    five runs, and so at most ~90 buckets (11 + 11 months, 30 + 30 days, the years)."""
    day, last = start or date.min, end or date.max
    runs: list[tuple[str, date, date]] = []
    while day <= last:
        if (day.month, day.day) == (1, 1) and date(day.year, 12, 31) <= last:
            final = last.year if (last.month, last.day) == (12, 31) else last.year - 1
            runs.append(("y", day, date(final, 1, 1)))
            stop = date(final, 12, 31)
        elif day.day == 1 and month_end(day) <= last:
            stop = min(last, date(day.year, 12, 31))
            if month_end(stop) != stop:
                stop = month_of(stop) - timedelta(days=1)
            runs.append(("m", day, month_of(stop)))
        else:
            stop = min(last, month_end(day))
            runs.append(("d", day, stop))
        if stop == date.max:
            break
        day = stop + timedelta(days=1)
    return runs


def month_spans(start: date | None, end: date | None) -> list[tuple[str, date, date]]:
    """The period as runs of whole months and days only, for a series by month (a year
    bucket cannot be split): at most three runs, days, months, days."""
    found: list[tuple[str, date, date]] = []
    for grain, first, last in spans(start, end):
        if grain == "y":
            grain, last = "m", date(last.year, 12, 1)
        if grain == "m" and found and found[-1][0] == "m":  # runs are contiguous: join them
            found[-1] = ("m", found[-1][1], last)
        else:
            found.append((grain, first, last))
    return found


def shape(
    start: date | None, end: date | None, by_month: bool = False
) -> tuple[tuple[str, ...], dict[str, date]]:
    """The grains of the period's runs (``month_spans`` when ``by_month``) and the bounds to
    bind: statements over ``runs`` are built once per shape (SQLAlchemy then reuses them),
    not per query."""
    found = month_spans(start, end) if by_month else spans(start, end)
    bounds: dict[str, date] = {}
    for i, (_, first, last) in enumerate(found):
        bounds[f"first{i}"], bounds[f"last{i}"] = first, last
    return tuple(grain for grain, _, _ in found), bounds


def runs(table: Any, grains: tuple[str, ...]) -> list[ColumnElement[bool]]:
    """One condition per run of a ``shape``, its bounds as parameters ``first<i>``, ``last<i>``."""
    return [
        and_(
            table.c.grain == grain,
            table.c.starts_on.between(
                bindparam(f"first{i}", type_=Date), bindparam(f"last{i}", type_=Date)
            ),
        )
        for i, grain in enumerate(grains)
    ]
