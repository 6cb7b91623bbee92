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
from domain.suggestion import Outcome
from projections import activity, aggregates
from projections.periods import covering, spans
from projections.tables import (
    agg_received,
    agg_reported,
    agg_sessions,
    contact_points,
    drafts,
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
    """Read from the aggregates, at most ~90 buckets of one scope (a contact point, or all):
    the time does not grow with the number of suggestions or sessions."""
    scope = aggregates.ALL if contact_point_id is None else contact_point_id.hex
    runs = spans(period.start, period.end)
    per_draft: dict[str, tuple[int, ...]] = {}
    sessions_held = attended = 0
    if runs:
        a = agg_received
        counted = union_all(
            *[
                select(a.c.draft_id, a.c.received, a.c.merged, a.c.rejected).where(
                    a.c.contact_point_id == scope, run
                )
                for run in covering(a, period.start, period.end)
            ]
        ).subquery()
        per_draft = {
            draft_id: tuple(int(v) for v in values)
            for draft_id, *values in conn.execute(
                select(
                    counted.c.draft_id,
                    func.sum(counted.c.received),
                    func.sum(counted.c.merged),
                    func.sum(counted.c.rejected),
                ).group_by(counted.c.draft_id)
            )
        }
        t = agg_sessions
        held = union_all(
            *[
                select(t.c.sessions, t.c.attendances).where(t.c.contact_point_id == scope, run)
                for run in covering(t, period.start, period.end)
            ]
        ).subquery()
        sessions_held, attended = (
            int(v)
            for v in conn.execute(
                select(
                    func.coalesce(func.sum(held.c.sessions), 0),
                    func.coalesce(func.sum(held.c.attendances), 0),
                )
            ).one()
        )
    levels = (
        dict(
            conn.execute(select(drafts.c.id, drafts.c.level).where(drafts.c.id.in_(per_draft)))
            .tuples()
            .all()
        )
        if per_draft
        else {}
    )
    draft_counts = {
        level.value: sum(1 for v in levels.values() if v == level.value) for level in DraftLevel
    }
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
    return Figures(
        drafts={"total": sum(draft_counts.values()), **draft_counts},
        sessions=sessions_held,
        attendances=attended,
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
