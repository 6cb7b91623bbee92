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
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    and_,
    bindparam,
    func,
    select,
    true,
    union_all,
)

from domain.draft import DraftLevel
from domain.suggestion import Outcome
from projections import activity, aggregates
from projections.periods import runs, shape
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
    decided_persons: int = 0
    """Opinions decided in reports of the period, those merged into them included."""
    fed_back: int = 0
    """Of those, the ones whose person has been told the outcome."""
    adopted_total: int = field(init=False)
    adoption_rate: float = field(init=False)
    feedback_rate: float = field(init=False)

    def __post_init__(self) -> None:
        s = self.suggestions
        total = s["adopted"] + s["partially_adopted"]
        object.__setattr__(self, "adopted_total", total)
        object.__setattr__(
            self, "adoption_rate", round(total / s["reported"], 4) if s["reported"] else 0
        )
        decided = self.decided_persons
        object.__setattr__(
            self, "feedback_rate", round(self.fed_back / decided, 4) if decided else 0
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def figures(
    conn: Connection, contact_point_id: UUID | None = None, period: Period = Period()
) -> Figures:
    """Read from the aggregates, at most ~90 buckets of one scope (a contact point, or all):
    the time does not grow with the number of suggestions or sessions."""
    scope = aggregates.ALL if contact_point_id is None else contact_point_id.hex
    grains, bounds = shape(period.start, period.end)
    per_draft = counts_per_draft(conn, scope, period)
    sessions_held = attended = 0
    if grains:
        params = {"scope": scope, **bounds}
        sessions_held, attended = (int(v) for v in conn.execute(_held(grains), params).one())
    levels = (
        dict(conn.execute(_LEVELS, {"ids": list(per_draft)}).tuples().all()) if per_draft else {}
    )
    draft_counts = {
        level.value: sum(1 for v in levels.values() if v == level.value) for level in DraftLevel
    }
    outcome_rows = dict(
        zip(
            (*aggregates.OUTCOMES, *aggregates.PERSONS),
            conn.execute(
                _outcomes(
                    contact_point_id is not None, period.start is not None, period.end is not None
                ),
                {"scope": scope, "start": period.start, "end": period.end},
            ).one(),
            strict=True,
        )
    )
    persons = {p: int(outcome_rows.pop(p)) for p in aggregates.PERSONS}
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
        decided_persons=persons["persons"],
        fed_back=persons["fed_back"],
    )


def counts_per_draft(conn: Connection, scope: str, period: Period) -> dict[str, tuple[int, ...]]:
    """Per draft consulted in the period (by suggestion or held session; hex id), the
    suggestions received, merged and rejected, for a scope (a contact point's hex id, or
    ``aggregates.ALL``)."""
    grains, bounds = shape(period.start, period.end)
    if not grains:
        return {}
    return {
        draft_id: tuple(int(v) for v in values)
        for draft_id, *values in conn.execute(_per_draft(grains), {"scope": scope, **bounds})
    }


# Statements built once per shape of period: building them per query cost more than running them.

_LEVELS = select(drafts.c.id, drafts.c.level).where(
    drafts.c.id.in_(bindparam("ids", expanding=True))
)


@lru_cache(maxsize=64)
def _per_draft(grains: tuple[str, ...]) -> Any:
    """Suggestions received, merged, rejected per draft consulted (by suggestion or session)."""
    a = agg_received
    counted = union_all(
        *[
            select(a.c.draft_id, a.c.received, a.c.merged, a.c.rejected).where(
                a.c.contact_point_id == bindparam("scope"), run
            )
            for run in runs(a, grains)
        ]
    ).subquery()
    return select(
        counted.c.draft_id,
        func.sum(counted.c.received),
        func.sum(counted.c.merged),
        func.sum(counted.c.rejected),
    ).group_by(counted.c.draft_id)


@lru_cache(maxsize=64)
def _held(grains: tuple[str, ...]) -> Any:
    t = agg_sessions
    held = union_all(
        *[
            select(t.c.sessions, t.c.attendances).where(
                t.c.contact_point_id == bindparam("scope"), run
            )
            for run in runs(t, grains)
        ]
    ).subquery()
    return select(
        func.coalesce(func.sum(held.c.sessions), 0),
        func.coalesce(func.sum(held.c.attendances), 0),
    )


@lru_cache(maxsize=8)
def _outcomes(one_point: bool, has_start: bool, has_end: bool) -> Any:
    """Reports are few (one per contact point, draft and report date): no roll-ups. By
    outcome, then the persons decided and told."""
    r = agg_reported
    conditions = [r.c.contact_point_id == bindparam("scope")] if one_point else []
    if has_start:
        conditions.append(r.c.reported_on >= bindparam("start", type_=Date))
    if has_end:
        conditions.append(r.c.reported_on <= bindparam("end", type_=Date))
    counted = (*aggregates.OUTCOMES, *aggregates.PERSONS)
    return select(*(func.coalesce(func.sum(r.c[o]), 0) for o in counted)).where(*conditions)


def ranking(conn: Connection, period: Period = Period()) -> list[dict[str, Any]]:
    """Every contact point, by suggestions reported, then adopted (+ partially) in the period."""
    statement = _ranking(period.start is not None, period.end is not None)
    return [
        {
            "contact_point_id": str(UUID(row.id)),
            "name": row.name,
            "reported": int(row.reported),
            "adopted_total": int(row.adopted_total),
        }
        for row in conn.execute(statement, {"start": period.start, "end": period.end})
    ]


@lru_cache(maxsize=4)
def _ranking(has_start: bool, has_end: bool) -> Any:
    r = agg_reported
    conditions = []
    if has_start:
        conditions.append(r.c.reported_on >= bindparam("start", type_=Date))
    if has_end:
        conditions.append(r.c.reported_on <= bindparam("end", type_=Date))
    totals = (
        select(
            r.c.contact_point_id,
            func.sum(r.c.awaiting + r.c.adopted + r.c.partially_adopted + r.c.not_adopted).label(
                "reported"
            ),
            func.sum(r.c.adopted + r.c.partially_adopted).label("adopted_total"),
        )
        .where(*conditions)
        .group_by(r.c.contact_point_id)
        .subquery()
    )
    reported = func.coalesce(totals.c.reported, 0)
    adopted = func.coalesce(totals.c.adopted_total, 0)
    return (
        select(
            contact_points.c.id,
            contact_points.c.name,
            reported.label("reported"),
            adopted.label("adopted_total"),
        )
        .outerjoin(totals, totals.c.contact_point_id == contact_points.c.id)
        .order_by(reported.desc(), adopted.desc(), contact_points.c.name)
    )
