"""Series behind the congress's charts: suggestions and adoptions by month and by draft.

Read from the same pre-aggregated tables as ``projections.statistics``, so a chart always
adds up to the figures beside it: suggestions by the day they were received (merged ones
included; ``rm_agg_received``, by whole months and the days of part months), adoptions
(adopted + partially adopted) by the day the suggestion was reported upward
(``rm_agg_reported``, one row per contact point, draft and report date).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, bindparam, func, or_, select

from projections import aggregates
from projections.periods import runs, shape
from projections.statistics import Period, counts_per_draft
from projections.tables import agg_received, agg_reported, drafts

ALL_TIME = Period()


@dataclass(frozen=True)
class MonthTotals:
    year: int
    month: int
    suggestions: int
    adopted: int

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class DraftTotals:
    draft_id: UUID
    title: str
    level: str
    suggestions: int
    adopted: int


def _scope(contact_point_id: UUID | None) -> str:
    return aggregates.ALL if contact_point_id is None else contact_point_id.hex


def _received_by_month(conn: Connection, scope: str, period: Period) -> dict[tuple[int, int], int]:
    grains, bounds = shape(period.start, period.end, by_month=True)
    found: dict[tuple[int, int], int] = defaultdict(int)
    if grains:
        for first, count in conn.execute(_received(grains), {"scope": scope, **bounds}):
            if count:
                found[(first.year, first.month)] += int(count)
    return found


@lru_cache(maxsize=64)
def _received(grains: tuple[str, ...]) -> Any:
    a = agg_received
    return (
        select(a.c.starts_on, func.sum(a.c.received))
        .where(a.c.contact_point_id == bindparam("scope"), or_(*runs(a, grains)))
        .group_by(a.c.starts_on)
    )


def _adopted(
    conn: Connection, contact_point_id: UUID | None, period: Period, by: str
) -> dict[Any, int]:
    """Adopted and partially adopted suggestions reported in the period, per value of ``by``
    (``reported_on`` or ``draft_id``); reports are few, so their rows are read as they are."""
    r = agg_reported
    conditions = [period.covers(r.c.reported_on)]
    if contact_point_id is not None:
        conditions.append(r.c.contact_point_id == contact_point_id.hex)
    rows = conn.execute(
        select(r.c[by], func.sum(r.c.adopted + r.c.partially_adopted))
        .where(*conditions)
        .group_by(r.c[by])
    )
    return {key: int(count) for key, count in rows if count}


def monthly(
    conn: Connection, contact_point_id: UUID | None = None, period: Period = ALL_TIME
) -> list[MonthTotals]:
    """One entry per calendar month of the period, empty months included; an open end of the
    period is closed by the first or last month that has anything."""
    received = _received_by_month(conn, _scope(contact_point_id), period)
    adopted: dict[tuple[int, int], int] = defaultdict(int)
    for day, count in _adopted(conn, contact_point_id, period, "reported_on").items():
        adopted[(day.year, day.month)] += count
    seen = sorted(received.keys() | adopted.keys())
    first = (period.start.year, period.start.month) if period.start else (seen[0] if seen else None)
    last = (period.end.year, period.end.month) if period.end else (seen[-1] if seen else None)
    if first is None or last is None:
        return []
    months = []
    year, month = first
    while (year, month) <= last:
        months.append(
            MonthTotals(year, month, received.get((year, month), 0), adopted.get((year, month), 0))
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def by_draft(
    conn: Connection, contact_point_id: UUID | None = None, period: Period = ALL_TIME
) -> list[DraftTotals]:
    """Drafts with a suggestion received or adopted in the period, most suggestions first."""
    received = {
        draft_id: counts[0]
        for draft_id, counts in counts_per_draft(conn, _scope(contact_point_id), period).items()
        if counts[0]
    }
    adopted = _adopted(conn, contact_point_id, period, "draft_id")
    wanted = received.keys() | adopted.keys()
    if not wanted:
        return []
    rows = conn.execute(
        select(drafts.c.id, drafts.c.title, drafts.c.level).where(drafts.c.id.in_(sorted(wanted)))
    ).all()
    totals = [
        DraftTotals(
            UUID(row.id),
            row.title,
            row.level,
            received.get(row.id, 0),
            adopted.get(row.id, 0),
        )
        for row in rows
    ]
    return sorted(totals, key=lambda t: (-t.suggestions, -t.adopted, t.title))
