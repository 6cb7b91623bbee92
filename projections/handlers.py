"""How each event changes the read-model rows.

Handlers describe changes (``Changes``), which the projector writes set-based per batch.
Every change is idempotent (inserts ignore rows already there, updates set values, deletes
remove what may already be gone), so an event applied twice leaves the rows as if applied
once. Nothing here registers itself: the projector is handed its handlers (``standard``)
and its updaters by ``liaison/bootstrap.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import ARRAY, Connection, Table, any_, bindparam, delete, select, update

from domain.contact_point import ContactPoint
from domain.draft import Draft, DraftStatus
from domain.participant import Participant
from domain.report import Report
from domain.session import ConsultationSession, SessionStatus
from domain.suggestion import Status, Suggestion
from projections.keyed import insert_rows
from projections.tables import (
    attendances,
    contact_points,
    draft_points,
    drafts,
    participants,
    reports,
    session_drafts,
    sessions,
    suggestions,
)

Watched = Mapping[Table, tuple[str, ...]]
"""Tables whose touched rows are read before each batch, and which of their columns."""


class Changes:
    """The row changes of one batch of events, written set-based once the batch is read.

    Handlers only describe what changes; ``write`` then inserts each table's new rows with
    one statement, and folds the updates of a row into one (later events win), grouped into
    one ``executemany`` per table and set of columns. Inserts come first, so an update in
    the same batch finds its row; deletes (by primary key) last, and a row inserted and then
    deleted in one batch (or deleted and then inserted) ends as the later of the two left it.
    ``touched`` names the rows each table gained or changed, and ``diffs`` gives their
    ``watched`` columns before and after the batch, for read models kept from other read
    models (``Updater``): counting by the difference of each row keeps their cost per event
    constant, and applying a batch again changes nothing (before equals after)."""

    def __init__(self, watched: Watched | None = None) -> None:
        self.watched: Watched = watched or {}
        self.inserts: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        self.updates: dict[Table, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.before: dict[Table, dict[str, dict[str, Any]]] = {}
        self.deletes: dict[Table, dict[tuple[Any, ...], dict[str, Any]]] = defaultdict(dict)

    def insert(self, table: Table, *rows: dict[str, Any]) -> None:
        self.inserts[table].extend(rows)
        if table in self.deletes:
            for row in rows:
                self.deletes[table].pop(_key(table, row), None)

    def delete(self, table: Table, **key: Any) -> None:
        """Remove the row of this primary key, and any insert of it earlier in the batch."""
        wanted = _key(table, key)
        self.inserts[table] = [r for r in self.inserts[table] if _key(table, r) != wanted]
        self.deletes[table][wanted] = key

    def update(self, table: Table, row_id: UUID, **values: Any) -> None:
        self.updates[table].setdefault(row_id.hex, {}).update(values)

    def touched(self, table: Table) -> set[str]:
        """Ids (hex) of the table's rows inserted or updated in this batch."""
        inserted = {row["id"] for row in self.inserts.get(table, ()) if "id" in row}
        return inserted | set(self.updates.get(table, {}))

    def diffs(self, table: Table) -> Iterator[tuple[dict[str, Any] | None, dict[str, Any]]]:
        """(before, after) of each touched row's watched columns; before is None for a row
        this batch added. Only for ``watched`` tables, once the batch is written."""
        columns = self.watched[table]
        before = self.before[table]
        first_rows: dict[str, dict[str, Any]] = {}
        for row in self.inserts.get(table, ()):
            first_rows.setdefault(row["id"], row)  # a repeated insert is ignored
        updates = self.updates.get(table, {})
        for row_id in self.touched(table):
            old = before.get(row_id)
            if old is None and row_id not in first_rows:
                continue  # an update of a row that does not exist changes nothing
            if old is not None:
                new = dict(old)
            else:
                get = first_rows[row_id].get
                new = {column: get(column) for column in columns}
            changed = updates.get(row_id)
            if changed:
                new.update((c, v) for c, v in changed.items() if c in columns)
            yield old, new

    def write(self, conn: Connection) -> int:
        """Write every change; returns how many statements it took."""
        statements = 0
        for table, columns in self.watched.items():
            self.before[table] = _current(conn, table, self.touched(table), columns)
        for table, rows in self.inserts.items():
            if rows:
                insert_rows(conn, table, rows, "ON CONFLICT DO NOTHING")
                statements += 1
        for table, by_id in self.updates.items():
            grouped: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
            for row_id, values in by_id.items():
                grouped[tuple(sorted(values))].append({"_id": row_id, **values})
            for columns, params in grouped.items():
                conn.execute(_update_by_id(table, columns), params)
                statements += 1
        for table, keys in self.deletes.items():
            if keys:
                conn.execute(_delete_by_key(table), list(keys.values()))
                statements += 1
        return statements


def _key(table: Table, row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c.name] for c in table.primary_key.columns)


Handler = Callable[[Any, Changes], None]
Handlers = Mapping[type[Any], Handler]
"""Each event class's handler; events without one still advance the position."""


@dataclass(frozen=True)
class Updater:
    """A read model kept from other read models' rows (the aggregates): ``refresh`` runs once
    a batch's rows are written, in its transaction, and may read the values before and after
    the batch of the columns it ``watches`` (``Changes.diffs``; one lookup by key per touched
    row of those tables). ``recount``, when given, makes the read model afresh from the
    rows: a rebuild runs it once, when its rows are complete, instead of ``refresh`` after
    every batch before then."""

    refresh: Callable[[Connection, Changes], None]
    watches: Watched = field(default_factory=dict)
    recount: Callable[[Connection], None] | None = None


def watched_by(updaters: Iterable[Updater]) -> dict[Table, tuple[str, ...]]:
    """The columns any of the updaters watches, per table."""
    found: dict[Table, set[str]] = defaultdict(set)
    for updater in updaters:
        for table, columns in updater.watches.items():
            found[table].update(columns)
    return {table: tuple(sorted(columns)) for table, columns in found.items()}


def _current(
    conn: Connection, table: Table, ids: set[str], columns: tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for chunk in _by_id(conn, sorted(ids)):
        for row in conn.execute(_reading(table, columns, conn.dialect.name), {"ids": chunk}):
            found[row[0]] = dict(zip(columns, row[1:], strict=True))
    return found


def _by_id(conn: Connection, ids: list[str]) -> Iterator[list[str]]:
    """The ids in the chunks a ``_reading`` statement takes: all at once on PostgreSQL (one
    array), 500 at a time on SQLite (a list of bound values)."""
    size = len(ids) if conn.dialect.name == "postgresql" else 500
    for start in range(0, len(ids), max(size, 1)):
        yield ids[start : start + size]


@cache
def _reading(table: Table, columns: tuple[str, ...], dialect_name: str) -> Any:
    """The rows of the ids bound as ``ids``. PostgreSQL takes them as one array, one
    statement per table and batch: as lists of 500, each was answered by a scan of the
    table being rebuilt (100k suggestions: 25 of the rebuild's 65 s), and psycopg parsed
    each long text afresh."""
    selected = select(table.c.id, *(table.c[c] for c in columns))
    if dialect_name == "postgresql":
        return selected.where(table.c.id == any_(bindparam("ids", type_=ARRAY(table.c.id.type))))
    return selected.where(table.c.id.in_(bindparam("ids", expanding=True)))


@cache
def _update_by_id(table: Table, columns: tuple[str, ...]) -> Any:
    return (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values({column: bindparam(column) for column in columns})
    )


@cache
def _delete_by_key(table: Table) -> Any:
    columns = table.primary_key.columns
    return delete(table).where(*(c == bindparam(c.name) for c in columns))


def contact_point_designated(event: ContactPoint.Designated, changes: Changes) -> None:
    changes.insert(
        contact_points,
        {"id": event.originator_id.hex, "name": event.name, "district": event.district},
    )


def contact_point_renamed(event: ContactPoint.Renamed, changes: Changes) -> None:
    changes.update(contact_points, event.originator_id, name=event.name)


def draft_received(event: Draft.Received, changes: Changes) -> None:
    changes.insert(
        drafts,
        {
            "id": event.originator_id.hex,
            "title": event.title,
            "level": event.level,
            "issuer": event.issuer,
            "status": DraftStatus.RECEIVED.value,
            "received_on": event.occurred_on,
            "deadline": event.deadline,
            "all_points": event.contact_point_ids is None,
        },
    )
    changes.insert(
        draft_points,
        *[
            {"draft_id": event.originator_id.hex, "contact_point_id": cp.hex}
            for cp in event.contact_point_ids or ()
        ],
    )


def participant_registered(event: Participant.Registered, changes: Changes) -> None:
    changes.insert(
        participants,
        {
            "id": event.originator_id.hex,
            "contact_point_id": event.contact_point_id.hex,
            "kind": event.kind,
            "erased": False,
        },
    )


def participant_erased(event: Participant.Erased, changes: Changes) -> None:
    changes.update(participants, event.originator_id, erased=True)


def consultation_session_scheduled(event: ConsultationSession.Scheduled, changes: Changes) -> None:
    session_id = event.originator_id.hex
    changes.insert(
        sessions,
        {
            "id": session_id,
            "contact_point_id": event.contact_point_id.hex,
            "kind": event.kind,
            "title": event.title,
            "status": SessionStatus.SCHEDULED.value,
            "starts_on": event.occurred_on,
        },
    )
    changes.insert(
        session_drafts,
        *[{"session_id": session_id, "draft_id": d.hex} for d in event.draft_ids],
    )


def consultation_session_attendance_recorded(
    event: ConsultationSession.AttendanceRecorded, changes: Changes
) -> None:
    changes.insert(
        attendances,
        *[
            {"session_id": event.originator_id.hex, "participant_id": p.hex}
            for p in event.participant_ids
        ],
    )


def consultation_session_attendance_withdrawn(
    event: ConsultationSession.AttendanceWithdrawn, changes: Changes
) -> None:
    changes.delete(
        attendances, session_id=event.originator_id.hex, participant_id=event.participant_id.hex
    )


def consultation_session_rescheduled(
    event: ConsultationSession.Rescheduled, changes: Changes
) -> None:
    changes.update(
        sessions, event.originator_id, title=event.title, starts_on=event.starts_at.date()
    )


def suggestion_received(event: Suggestion.Received, changes: Changes) -> None:
    changes.insert(
        suggestions,
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
            "recorded_by": event.actor,
        },
    )


def suggestion_revised(event: Suggestion.Revised, changes: Changes) -> None:
    changes.update(suggestions, event.originator_id, content=event.content)


def suggestion_merged(event: Suggestion.Merged, changes: Changes) -> None:
    changes.update(
        suggestions,
        event.originator_id,
        status=Status.MERGED.value,
        merged_into=event.into.hex,
    )


def suggestion_unmerged(event: Suggestion.Unmerged, changes: Changes) -> None:
    changes.update(suggestions, event.originator_id, status=event.status, merged_into=None)


def suggestion_reported(event: Suggestion.Reported, changes: Changes) -> None:
    changes.update(
        suggestions,
        event.originator_id,
        status=Status.REPORTED.value,
        report_id=event.report_id.hex,
        reported_on=event.occurred_on,
    )


def suggestion_outcome_recorded(event: Suggestion.OutcomeRecorded, changes: Changes) -> None:
    changes.update(
        suggestions,
        event.originator_id,
        status=event.outcome,
        outcome=event.outcome,
        final_article=event.final_article,
        note=event.note,
        decided_on=event.occurred_on,
        decided_by=event.actor,
    )


def suggestion_fed_back(event: Suggestion.FedBack, changes: Changes) -> None:
    changes.update(
        suggestions,
        event.originator_id,
        status=Status.FED_BACK.value,
        fed_back_on=event.occurred_on,
    )


def suggestion_fed_back_as_merged(event: Suggestion.FedBackAsMerged, changes: Changes) -> None:
    changes.update(suggestions, event.originator_id, fed_back_on=event.occurred_on)


def report_submitted(event: Report.Submitted, changes: Changes) -> None:
    changes.insert(
        reports,
        {
            "id": event.originator_id.hex,
            "contact_point_id": event.contact_point_id.hex,
            "draft_id": event.draft_id.hex,
            "submitted_on": event.occurred_on,
        },
    )


def sets_status(table: Table, status: StrEnum, dated: str | None = None) -> Handler:
    """The handler of an event whose only mark on the read models is its record's status,
    and the event's business date in the column ``dated``, if any."""

    def handler(event: Any, changes: Changes) -> None:
        day = {dated: event.occurred_on} if dated else {}
        changes.update(table, event.originator_id, status=status.value, **day)

    return handler


def standard() -> dict[type[Any], Handler]:
    """Every read model's handler, by event class: what bootstrap hands the projector."""
    return {
        ContactPoint.Designated: contact_point_designated,
        ContactPoint.Renamed: contact_point_renamed,
        Draft.Received: draft_received,
        Draft.Opened: sets_status(drafts, DraftStatus.OPEN),
        Draft.Closed: sets_status(drafts, DraftStatus.CLOSED),
        Draft.Enacted: sets_status(drafts, DraftStatus.ENACTED, dated="enacted_on"),
        Participant.Registered: participant_registered,
        Participant.Erased: participant_erased,
        ConsultationSession.Scheduled: consultation_session_scheduled,
        ConsultationSession.AttendanceRecorded: consultation_session_attendance_recorded,
        ConsultationSession.AttendanceWithdrawn: consultation_session_attendance_withdrawn,
        ConsultationSession.Rescheduled: consultation_session_rescheduled,
        ConsultationSession.Held: sets_status(sessions, SessionStatus.HELD, dated="held_on"),
        ConsultationSession.Cancelled: sets_status(sessions, SessionStatus.CANCELLED),
        Suggestion.Received: suggestion_received,
        Suggestion.Revised: suggestion_revised,
        Suggestion.Accepted: sets_status(suggestions, Status.ACCEPTED),
        Suggestion.Rejected: sets_status(suggestions, Status.REJECTED),
        Suggestion.Merged: suggestion_merged,
        Suggestion.RejectionWithdrawn: sets_status(suggestions, Status.RECEIVED),
        Suggestion.Unmerged: suggestion_unmerged,
        Suggestion.Reported: suggestion_reported,
        Suggestion.OutcomeRecorded: suggestion_outcome_recorded,
        Suggestion.FedBack: suggestion_fed_back,
        Suggestion.FedBackAsMerged: suggestion_fed_back_as_merged,
        Report.Submitted: report_submitted,
    }
