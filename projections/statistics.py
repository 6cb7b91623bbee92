"""The figures reported upward, by business date.

Exactly as DOMAIN.md defines them, for one contact point or all, over an inclusive period
(either end may be open). Suggestions and people are read from the pre-aggregated read
models (projections/aggregates.py), which the projector recounts from the rows after each
batch: every figure stays a pure function of the events, with no running counters to drift,
and a query reads a few hundred aggregate rows whatever the number of suggestions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, and_, func, select, true, union_all

from domain.draft import DraftLevel
from domain.session import SessionStatus
from domain.suggestion import Outcome
from projections import activity, aggregates
from projections.periods import covering
from projections.tables import (
    agg_received,
    agg_reported,
    attendances,
    contact_points,
    drafts,
    session_drafts,
    sessions,
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
    """Sessions and attendances are counted from their rows (a few per contact point and
    week); everything about suggestions and people comes from the aggregates, so the time
    does not grow with the number of suggestions."""
    held = and_(
        sessions.c.status == SessionStatus.HELD.value,
        period.covers(sessions.c.held_on),
        _of(sessions, contact_point_id),
    )
    runs = covering(agg_received, period.start, period.end)
    per_draft: dict[str, tuple[int, int, int]] = {}
    if runs:
        counted = union_all(
            *[
                select(
                    agg_received.c.draft_id,
                    agg_received.c.received,
                    agg_received.c.merged,
                    agg_received.c.rejected,
                ).where(run, _of(agg_received, contact_point_id))
                for run in runs
            ]
        ).subquery()
        per_draft = {
            draft_id: (int(received), int(merged), int(rejected))
            for draft_id, received, merged, rejected in conn.execute(
                select(
                    counted.c.draft_id,
                    func.sum(counted.c.received),
                    func.sum(counted.c.merged),
                    func.sum(counted.c.rejected),
                ).group_by(counted.c.draft_id)
            )
        }
    consulted = set(per_draft) | set(
        conn.execute(
            select(session_drafts.c.draft_id)
            .join(sessions, sessions.c.id == session_drafts.c.session_id)
            .where(held)
            .distinct()
        ).scalars()
    )
    levels = (
        dict(
            conn.execute(select(drafts.c.id, drafts.c.level).where(drafts.c.id.in_(consulted)))
            .tuples()
            .all()
        )
        if consulted
        else {}
    )
    draft_counts = {
        level.value: sum(1 for v in levels.values() if v == level.value) for level in DraftLevel
    }

    def count(statement: Any) -> int:
        return int(conn.execute(statement).scalar_one())

    r = agg_reported
    outcome_rows = dict(
        zip(
            aggregates.OUTCOMES,
            conn.execute(
                select(*(func.coalesce(func.sum(r.c[o]), 0) for o in aggregates.OUTCOMES)).where(
                    period.covers(r.c.reported_on), _of(r, contact_point_id)
                )
            ).one(),
            strict=True,
        )
    )
    suggestion_counts = {
        "received": sum(v[0] for v in per_draft.values()),
        "merged": sum(v[1] for v in per_draft.values()),
        "rejected": sum(v[2] for v in per_draft.values()),
        "reported": int(sum(outcome_rows.values())),
        **{o.value: int(outcome_rows.get(o.value, 0)) for o in Outcome},
        "awaiting_outcome": int(outcome_rows.get("awaiting", 0)),
    }
    scope = activity.ALL if contact_point_id is None else contact_point_id.hex
    return Figures(
        drafts={"total": sum(draft_counts.values()), **draft_counts},
        sessions=count(select(func.count()).select_from(sessions).where(held)),
        attendances=count(
            select(func.count())
            .select_from(attendances)
            .join(sessions, sessions.c.id == attendances.c.session_id)
            .where(held)
        ),
        participants=activity.people(conn, scope, period.start, period.end),
        suggestions=suggestion_counts,
    )


def ranking(conn: Connection, period: Period = Period()) -> list[dict[str, Any]]:
    """Every contact point, by suggestions reported, then adopted (+ partially) in the period."""
    r = agg_reported
    totals = (
        select(
            r.c.contact_point_id,
            func.sum(r.c.awaiting + r.c.adopted + r.c.partially_adopted + r.c.not_adopted).label(
                "reported"
            ),
            func.sum(r.c.adopted + r.c.partially_adopted).label("adopted_total"),
        )
        .where(period.covers(r.c.reported_on))
        .group_by(r.c.contact_point_id)
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
