"""The figures reported upward, counted from the read model by business date.

Exactly as DOMAIN.md defines them, for one contact point or all, over an inclusive period
(either end may be open). Counting at query time from indexed rows keeps every figure a
pure function of the events: there are no running counters to drift.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, and_, func, select, true, union

from domain.draft import DraftLevel
from domain.session import SessionStatus
from domain.suggestion import Outcome, Status
from projections.tables import (
    attendances,
    contact_points,
    drafts,
    session_drafts,
    sessions,
    suggestions,
)


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None

    def covers(self, column: Any) -> ColumnElement[bool]:
        conditions = []
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column <= self.end)
        return and_(true(), *conditions)


@dataclass(frozen=True)
class Figures:
    drafts: dict[str, int]
    sessions: int
    attendances: int
    participants: int
    suggestions: dict[str, int]
    adopted_total: int = field(init=False)
    adoption_rate: float = field(init=False)

    def __post_init__(self) -> None:
        s = self.suggestions
        total = s["adopted"] + s["partially_adopted"]
        object.__setattr__(self, "adopted_total", total)
        object.__setattr__(
            self, "adoption_rate", round(total / s["reported"], 4) if s["reported"] else 0
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _of(table: Any, contact_point_id: UUID | None) -> ColumnElement[bool]:
    return true() if contact_point_id is None else table.c.contact_point_id == contact_point_id.hex


def figures(
    conn: Connection, contact_point_id: UUID | None = None, period: Period = Period()
) -> Figures:
    held = and_(
        sessions.c.status == SessionStatus.HELD.value,
        period.covers(sessions.c.held_on),
        _of(sessions, contact_point_id),
    )
    received = and_(period.covers(suggestions.c.received_on), _of(suggestions, contact_point_id))
    reported = and_(period.covers(suggestions.c.reported_on), _of(suggestions, contact_point_id))

    consulted = union(
        select(session_drafts.c.draft_id.label("draft_id"))
        .join(sessions, sessions.c.id == session_drafts.c.session_id)
        .where(held),
        select(suggestions.c.draft_id.label("draft_id")).where(received),
    ).subquery()
    by_level = dict(
        conn.execute(
            select(drafts.c.level, func.count())
            .join(consulted, consulted.c.draft_id == drafts.c.id)
            .group_by(drafts.c.level)
        ).all()
    )
    draft_counts = {level.value: int(by_level.get(level.value, 0)) for level in DraftLevel}

    attended = (
        select(attendances.c.participant_id.label("participant_id"))
        .join(sessions, sessions.c.id == attendances.c.session_id)
        .where(held)
    )
    people = union(
        attended,
        select(suggestions.c.participant_id.label("participant_id")).where(
            received, suggestions.c.participant_id.is_not(None)
        ),
    ).subquery()

    def count(statement: Any) -> int:
        return int(conn.execute(statement).scalar_one())

    received_row = conn.execute(
        select(
            func.count(),
            func.count().filter(suggestions.c.status == Status.MERGED.value),
            func.count().filter(suggestions.c.status == Status.REJECTED.value),
        ).where(received)
    ).one()
    outcome_rows = {
        outcome or "awaiting": count
        for outcome, count in conn.execute(
            select(suggestions.c.outcome, func.count())
            .where(reported, suggestions.c.reported_on.is_not(None))
            .group_by(suggestions.c.outcome)
        )
    }
    suggestion_counts = {
        "received": int(received_row[0]),
        "merged": int(received_row[1]),
        "rejected": int(received_row[2]),
        "reported": int(sum(outcome_rows.values())),
        **{o.value: int(outcome_rows.get(o.value, 0)) for o in Outcome},
        "awaiting_outcome": int(outcome_rows.get("awaiting", 0)),
    }
    return Figures(
        drafts={"total": sum(draft_counts.values()), **draft_counts},
        sessions=count(select(func.count()).select_from(sessions).where(held)),
        attendances=count(select(func.count()).select_from(attended.subquery())),
        participants=count(select(func.count()).select_from(people)),
        suggestions=suggestion_counts,
    )


def ranking(conn: Connection, period: Period = Period()) -> list[dict[str, Any]]:
    """Every contact point, by suggestions reported, then adopted (+ partially) in the period."""
    in_period = period.covers(suggestions.c.reported_on)
    adopted = suggestions.c.outcome.in_([Outcome.ADOPTED.value, Outcome.PARTIALLY_ADOPTED.value])
    totals = (
        select(
            suggestions.c.contact_point_id,
            func.count().label("reported"),
            func.count().filter(adopted).label("adopted_total"),
        )
        .where(in_period, suggestions.c.reported_on.is_not(None))
        .group_by(suggestions.c.contact_point_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            contact_points.c.id,
            contact_points.c.name,
            func.coalesce(totals.c.reported, 0).label("reported"),
            func.coalesce(totals.c.adopted_total, 0).label("adopted_total"),
        )
        .outerjoin(totals, totals.c.contact_point_id == contact_points.c.id)
        .order_by(
            func.coalesce(totals.c.reported, 0).desc(),
            func.coalesce(totals.c.adopted_total, 0).desc(),
            contact_points.c.name,
        )
    ).all()
    return [
        {
            "contact_point_id": str(UUID(row.id)),
            "name": row.name,
            "reported": int(row.reported),
            "adopted_total": int(row.adopted_total),
        }
        for row in rows
    ]
