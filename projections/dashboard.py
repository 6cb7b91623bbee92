"""What a contact point's desk needs to see: work waiting, per draft, counted from the rows.

Everything is scoped to one contact point. The congress registers drafts and asks some
contact points, or all, for opinions: a desk sees the drafts that asked it. Suggestions,
sessions and reports belong to the contact point that recorded them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, Select, and_, func, select

from domain.draft import DraftStatus
from domain.session import SessionStatus
from domain.suggestion import DECIDED, UNREPORTED, Status
from projections.drafts import asked
from projections.projector import event_chain
from projections.tables import attendances, drafts, participants, reports, sessions, suggestions

# the position of a suggestion's first event in the log: the order it was entered in
_first_event = and_(event_chain.c.originator_id == suggestions.c.id, event_chain.c.version == 1)


def _rows(conn: Connection, query: Any) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in conn.execute(query)]


def status_counts(conn: Connection, contact_point_id: UUID) -> dict[str, dict[str, int]]:
    """Per draft (hex id), how many of the contact point's suggestions are in each status."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    query = (
        select(suggestions.c.draft_id, suggestions.c.status, func.count())
        .where(suggestions.c.contact_point_id == contact_point_id.hex)
        .group_by(suggestions.c.draft_id, suggestions.c.status)
    )
    for draft_id, status, count in conn.execute(query):
        counts[draft_id][status] = int(count)
    return counts


def drafts_with_counts(conn: Connection, contact_point_id: UUID) -> list[dict[str, Any]]:
    """Every draft with this desk's counts: open ones first, the nearest deadline first, then
    those not open yet, then the rest, the latest deadline first."""
    counts = status_counts(conn, contact_point_id)
    rows = _rows(
        conn,
        select(drafts).where(asked(contact_point_id)).order_by(drafts.c.deadline, drafts.c.title),
    )
    order = {DraftStatus.OPEN.value: 0, DraftStatus.RECEIVED.value: 1}
    for row in rows:
        row["counts"] = counts.get(row["id"], {})
        row["total"] = sum(row["counts"].values())
    current = [r for r in rows if r["status"] in order]
    past = [r for r in rows if r["status"] not in order]
    return sorted(current, key=lambda r: order[r["status"]]) + past[::-1]


def open_drafts(conn: Connection, contact_point_id: UUID) -> list[dict[str, Any]]:
    """Drafts accepting opinions now, the nearest deadline first, with this desk's counts."""
    counts = status_counts(conn, contact_point_id)
    rows = _rows(
        conn,
        select(drafts)
        .where(drafts.c.status == DraftStatus.OPEN.value, asked(contact_point_id))
        .order_by(drafts.c.deadline, drafts.c.title),
    )
    for row in rows:
        row["counts"] = counts.get(row["id"], {})
    return rows


def newly_asked(conn: Connection, contact_point_id: UUID) -> list[dict[str, Any]]:
    """Drafts that asked this desk for opinions and are not open yet: what is coming, with
    its deadline, the nearest first."""
    return _rows(
        conn,
        select(drafts)
        .where(drafts.c.status == DraftStatus.RECEIVED.value, asked(contact_point_id))
        .order_by(drafts.c.deadline, drafts.c.title),
    )


def waiting(
    conn: Connection, contact_point_id: UUID, statuses: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Drafts with suggestions of this desk in these statuses: how many, the oldest first."""
    count = func.count().label("count")
    oldest = func.min(suggestions.c.received_on).label("oldest")
    query = (
        select(drafts.c.id, drafts.c.title, drafts.c.deadline, drafts.c.status, count, oldest)
        .join(drafts, drafts.c.id == suggestions.c.draft_id)
        .where(
            suggestions.c.contact_point_id == contact_point_id.hex,
            suggestions.c.status.in_(statuses),
        )
        .group_by(drafts.c.id, drafts.c.title, drafts.c.deadline, drafts.c.status)
        .order_by(drafts.c.deadline, drafts.c.title)
    )
    return _rows(conn, query)


def to_do(conn: Connection, contact_point_id: UUID) -> dict[str, list[dict[str, Any]]]:
    """The desk's lists: to screen, accepted but not reported, feedback owed."""
    return {
        "to_screen": waiting(conn, contact_point_id, (Status.RECEIVED.value,)),
        "to_report": waiting(conn, contact_point_id, (Status.ACCEPTED.value,)),
        "feedback_owed": waiting(conn, contact_point_id, tuple(s.value for s in DECIDED)),
    }


_REPORT = (reports.c.id, reports.c.draft_id, reports.c.submitted_on, drafts.c.title)


def _reports_with(*figures: ColumnElement[Any]) -> Select[Any]:
    """Reports with their draft's title and ``figures`` over what is joined to them."""
    return (
        select(*_REPORT, *figures)
        .join(drafts, drafts.c.id == reports.c.draft_id)
        .group_by(*_REPORT)
    )


def reports_of(conn: Connection, contact_point_id: UUID) -> list[dict[str, Any]]:
    """The desk's reports, newest first, with how many of their suggestions await a decision."""
    carried = func.count(suggestions.c.id).label("suggestions")
    awaiting = func.count(suggestions.c.id).filter(suggestions.c.outcome.is_(None))
    query = (
        _reports_with(carried, awaiting.label("awaiting"))
        .outerjoin(suggestions, suggestions.c.report_id == reports.c.id)
        .where(reports.c.contact_point_id == contact_point_id.hex)
        .order_by(reports.c.submitted_on.desc(), reports.c.id)
    )
    return _rows(conn, query)


def reports_awaiting(conn: Connection, contact_point_id: UUID) -> list[dict[str, Any]]:
    """Reports with at least one suggestion still waiting for the congress's decision."""
    return [r for r in reports_of(conn, contact_point_id) if r["awaiting"]]


def decisions_arrived(conn: Connection, contact_point_id: UUID) -> list[dict[str, Any]]:
    """Reports of the desk with decisions that arrived and were not yet fed back: how many,
    and the day of the latest, the latest first."""
    count = func.count(suggestions.c.id).label("count")
    latest = func.max(suggestions.c.decided_on).label("latest")
    query = (
        _reports_with(count, latest)
        .join(suggestions, suggestions.c.report_id == reports.c.id)
        .where(
            reports.c.contact_point_id == contact_point_id.hex,
            suggestions.c.status.in_([s.value for s in DECIDED]),
        )
        .order_by(latest.desc(), reports.c.submitted_on.desc(), reports.c.id)
    )
    return _rows(conn, query)


def upcoming_sessions(conn: Connection, contact_point_id: UUID) -> list[dict[str, Any]]:
    """Scheduled sessions of the desk, the earliest first."""
    return _rows(
        conn,
        select(sessions)
        .where(
            sessions.c.contact_point_id == contact_point_id.hex,
            sessions.c.status == SessionStatus.SCHEDULED.value,
        )
        .order_by(sessions.c.starts_on, sessions.c.title),
    )


def session_opinions(conn: Connection, session_id: UUID) -> list[dict[str, Any]]:
    """The opinions recorded for one session, in the order they were entered."""
    return _rows(
        conn,
        select(suggestions)
        .outerjoin(event_chain, _first_event)
        .where(suggestions.c.session_id == session_id.hex)
        .order_by(event_chain.c.position, suggestions.c.received_on, suggestions.c.id),
    )


def draft_suggestions(
    conn: Connection,
    contact_point_id: UUID,
    draft_id: UUID,
    statuses: tuple[str, ...] | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """The desk's suggestions on one draft, by article, then the order they were entered in."""
    query = (
        select(suggestions)
        .outerjoin(event_chain, _first_event)
        .where(
            suggestions.c.contact_point_id == contact_point_id.hex,
            suggestions.c.draft_id == draft_id.hex,
        )
        .order_by(
            suggestions.c.article.is_(None),
            suggestions.c.article,
            suggestions.c.received_on,
            event_chain.c.position,
            suggestions.c.id,
        )
        .limit(limit)
    )
    if statuses is not None:
        query = query.where(suggestions.c.status.in_(statuses))
    return _rows(conn, query)


def unreported(conn: Connection, contact_point_id: UUID, draft_id: UUID) -> list[dict[str, Any]]:
    """Suggestions that may still be merged, reworded or screened."""
    return draft_suggestions(conn, contact_point_id, draft_id, tuple(s.value for s in UNREPORTED))


def regulars(
    conn: Connection, contact_point_id: UUID, leaving_out: list[UUID], limit: int = 60
) -> tuple[list[str], bool]:
    """Participant ids (hex) of the desk, the most frequent attenders first; and whether
    there are more than ``limit``."""
    attended = func.count(attendances.c.session_id)
    query = (
        select(participants.c.id)
        .outerjoin(attendances, attendances.c.participant_id == participants.c.id)
        .where(
            participants.c.contact_point_id == contact_point_id.hex,
            participants.c.erased.is_(False),
            participants.c.id.not_in([p.hex for p in leaving_out]),
        )
        .group_by(participants.c.id)
        .order_by(attended.desc(), participants.c.id)
        .limit(limit + 1)
    )
    found = [row[0] for row in conn.execute(query)]
    return found[:limit], len(found) > limit


@dataclass(frozen=True)
class ReportFeedback:
    """Persons behind a report's suggestions (merged ones included), by what they were told."""

    owed: dict[str, int]
    """Decided but not yet told, by outcome."""
    told: int
    awaiting: int
    """Still waiting for the congress's decision."""


def report_feedback(conn: Connection, report_id: UUID) -> ReportFeedback:
    carried = select(suggestions.c.id).where(suggestions.c.report_id == report_id.hex)
    survivors = conn.execute(
        select(suggestions.c.id, suggestions.c.status, suggestions.c.outcome).where(
            suggestions.c.report_id == report_id.hex
        )
    ).all()
    merged = conn.execute(
        select(suggestions.c.merged_into, suggestions.c.fed_back_on).where(
            suggestions.c.merged_into.in_(carried)
        )
    ).all()
    merged_told: Counter[str] = Counter()
    merged_owed: Counter[str] = Counter()
    for into, fed_back_on in merged:
        (merged_owed if fed_back_on is None else merged_told)[into] += 1
    owed: Counter[str] = Counter()
    told = awaiting = 0
    decided = {s.value for s in DECIDED}
    for id_, status, outcome in survivors:
        told += merged_told[id_] + (status == Status.FED_BACK.value)
        if status in decided or status == Status.FED_BACK.value:
            owed[outcome] += merged_owed[id_] + (status in decided)
        else:
            awaiting += 1 + merged_owed[id_]
    return ReportFeedback({k: v for k, v in owed.items() if v}, told, awaiting)
