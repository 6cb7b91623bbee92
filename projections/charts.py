"""Series behind the congress's charts: suggestions and adoptions by month and by draft.

Counted the way ``projections.statistics`` counts, so a chart always adds up to the figures
beside it: suggestions by the day they were received (merged ones included), adoptions
(adopted + partially adopted) by the day the suggestion was reported upward.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, and_, extract, func, select, true

from domain.suggestion import Outcome
from projections.statistics import Period
from projections.tables import drafts, suggestions

ADOPTED = (Outcome.ADOPTED.value, Outcome.PARTIALLY_ADOPTED.value)
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


def _of(contact_point_id: UUID | None) -> ColumnElement[bool]:
    if contact_point_id is None:
        return true()
    return suggestions.c.contact_point_id == contact_point_id.hex


def _by_month(conn: Connection, column: Any, where: ColumnElement[bool]) -> dict[tuple, int]:
    year, month = extract("year", column), extract("month", column)
    rows = conn.execute(
        select(year, month, func.count()).where(where, column.is_not(None)).group_by(year, month)
    ).all()
    return {(int(y), int(m)): int(n) for y, m, n in rows}


def monthly(
    conn: Connection, contact_point_id: UUID | None = None, period: Period = ALL_TIME
) -> list[MonthTotals]:
    """One entry per calendar month of the period, empty months included; an open end of the
    period is closed by the first or last month that has anything."""
    of = _of(contact_point_id)
    received = _by_month(
        conn, suggestions.c.received_on, and_(of, period.covers(suggestions.c.received_on))
    )
    adopted = _by_month(
        conn,
        suggestions.c.reported_on,
        and_(
            of,
            period.covers(suggestions.c.reported_on),
            suggestions.c.outcome.in_(ADOPTED),
        ),
    )
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
    of = _of(contact_point_id)
    received = dict(
        conn.execute(
            select(suggestions.c.draft_id, func.count())
            .where(of, period.covers(suggestions.c.received_on))
            .group_by(suggestions.c.draft_id)
        ).all()
    )
    adopted = dict(
        conn.execute(
            select(suggestions.c.draft_id, func.count())
            .where(
                of,
                period.covers(suggestions.c.reported_on),
                suggestions.c.reported_on.is_not(None),
                suggestions.c.outcome.in_(ADOPTED),
            )
            .group_by(suggestions.c.draft_id)
        ).all()
    )
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
            int(received.get(row.id, 0)),
            int(adopted.get(row.id, 0)),
        )
        for row in rows
    ]
    return sorted(totals, key=lambda t: (-t.suggestions, -t.adopted, t.title))
