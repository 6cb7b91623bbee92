"""How each event changes the read-model rows.

Every handler is idempotent (inserts ignore rows already there, updates set values), so an
event applied twice leaves the rows as if applied once. Figures are never kept as running
counters here: they are counted from these rows by business date when asked for.
"""

from __future__ import annotations

from functools import cache, singledispatch
from typing import Any

from sqlalchemy import Connection, Table, update
from sqlalchemy.dialects import postgresql, sqlite

from domain.contact_point import ContactPoint
from domain.draft import Draft, DraftStatus
from domain.participant import Participant
from domain.report import Report
from domain.session import ConsultationSession, SessionStatus
from domain.suggestion import Status, Suggestion
from projections.tables import (
    attendances,
    contact_points,
    drafts,
    participants,
    reports,
    session_drafts,
    sessions,
    suggestions,
)


def insert_ignoring_existing(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(_insert_ignoring(conn.dialect.name, table), rows)


@cache
def _insert_ignoring(dialect_name: str, table: Table) -> Any:
    """One statement per table, built once: SQLAlchemy then reuses its compiled form."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def _set(conn: Connection, table: Table, row_id: Any, **values: Any) -> None:
    conn.execute(update(table).where(table.c.id == row_id.hex).values(**values))


@singledispatch
def apply(event: Any, conn: Connection) -> None:
    """Events no view needs still advance the position (the projector does that)."""


@apply.register
def _(event: ContactPoint.Designated, conn: Connection) -> None:
    insert_ignoring_existing(
        conn,
        contact_points,
        [{"id": event.originator_id.hex, "name": event.name, "district": event.district}],
    )


@apply.register
def _(event: Draft.Received, conn: Connection) -> None:
    insert_ignoring_existing(
        conn,
        drafts,
        [
            {
                "id": event.originator_id.hex,
                "title": event.title,
                "level": event.level,
                "issuer": event.issuer,
                "status": DraftStatus.RECEIVED.value,
                "received_on": event.occurred_on,
                "deadline": event.deadline,
            }
        ],
    )


@apply.register
def _(event: Draft.Opened, conn: Connection) -> None:
    _set(conn, drafts, event.originator_id, status=DraftStatus.OPEN.value)


@apply.register
def _(event: Draft.Closed, conn: Connection) -> None:
    _set(conn, drafts, event.originator_id, status=DraftStatus.CLOSED.value)


@apply.register
def _(event: Draft.Enacted, conn: Connection) -> None:
    _set(
        conn,
        drafts,
        event.originator_id,
        status=DraftStatus.ENACTED.value,
        enacted_on=event.occurred_on,
    )


@apply.register
def _(event: Participant.Registered, conn: Connection) -> None:
    insert_ignoring_existing(
        conn,
        participants,
        [
            {
                "id": event.originator_id.hex,
                "contact_point_id": event.contact_point_id.hex,
                "kind": event.kind,
                "erased": False,
            }
        ],
    )


@apply.register
def _(event: Participant.Erased, conn: Connection) -> None:
    _set(conn, participants, event.originator_id, erased=True)


@apply.register
def _(event: ConsultationSession.Scheduled, conn: Connection) -> None:
    session_id = event.originator_id.hex
    insert_ignoring_existing(
        conn,
        sessions,
        [
            {
                "id": session_id,
                "contact_point_id": event.contact_point_id.hex,
                "kind": event.kind,
                "title": event.title,
                "status": SessionStatus.SCHEDULED.value,
                "starts_on": event.occurred_on,
            }
        ],
    )
    insert_ignoring_existing(
        conn,
        session_drafts,
        [{"session_id": session_id, "draft_id": d.hex} for d in event.draft_ids],
    )


@apply.register
def _(event: ConsultationSession.AttendanceRecorded, conn: Connection) -> None:
    insert_ignoring_existing(
        conn,
        attendances,
        [
            {"session_id": event.originator_id.hex, "participant_id": p.hex}
            for p in event.participant_ids
        ],
    )


@apply.register
def _(event: ConsultationSession.Held, conn: Connection) -> None:
    _set(
        conn,
        sessions,
        event.originator_id,
        status=SessionStatus.HELD.value,
        held_on=event.occurred_on,
    )


@apply.register
def _(event: ConsultationSession.Cancelled, conn: Connection) -> None:
    _set(conn, sessions, event.originator_id, status=SessionStatus.CANCELLED.value)


@apply.register
def _(event: Suggestion.Received, conn: Connection) -> None:
    insert_ignoring_existing(
        conn,
        suggestions,
        [
            {
                "id": event.originator_id.hex,
                "contact_point_id": event.contact_point_id.hex,
                "draft_id": event.draft_id.hex,
                "article": event.article,
                "participant_id": event.participant_id.hex if event.participant_id else None,
                "session_id": event.session_id.hex if event.session_id else None,
                "channel": event.channel,
                "receipt": event.receipt,
                "received_on": event.occurred_on,
                "status": Status.RECEIVED.value,
                "content": event.content,
                "original_content": event.content,
                "draft_version": event.draft_version,
            }
        ],
    )


@apply.register
def _(event: Suggestion.Revised, conn: Connection) -> None:
    _set(conn, suggestions, event.originator_id, content=event.content)


@apply.register
def _(event: Suggestion.Accepted, conn: Connection) -> None:
    _set(conn, suggestions, event.originator_id, status=Status.ACCEPTED.value)


@apply.register
def _(event: Suggestion.Rejected, conn: Connection) -> None:
    _set(conn, suggestions, event.originator_id, status=Status.REJECTED.value)


@apply.register
def _(event: Suggestion.Merged, conn: Connection) -> None:
    _set(
        conn,
        suggestions,
        event.originator_id,
        status=Status.MERGED.value,
        merged_into=event.into.hex,
    )


@apply.register
def _(event: Suggestion.Reported, conn: Connection) -> None:
    _set(
        conn,
        suggestions,
        event.originator_id,
        status=Status.REPORTED.value,
        report_id=event.report_id.hex,
        reported_on=event.occurred_on,
    )


@apply.register
def _(event: Suggestion.OutcomeRecorded, conn: Connection) -> None:
    _set(
        conn,
        suggestions,
        event.originator_id,
        status=event.outcome,
        outcome=event.outcome,
        final_article=event.final_article,
    )


@apply.register
def _(event: Suggestion.FedBack, conn: Connection) -> None:
    _set(conn, suggestions, event.originator_id, status=Status.FED_BACK.value)


@apply.register
def _(event: Report.Submitted, conn: Connection) -> None:
    insert_ignoring_existing(
        conn,
        reports,
        [
            {
                "id": event.originator_id.hex,
                "contact_point_id": event.contact_point_id.hex,
                "draft_id": event.draft_id.hex,
                "submitted_on": event.occurred_on,
            }
        ],
    )


from projections import similarity  # noqa: E402, F401 - registers the near-duplicate hints
