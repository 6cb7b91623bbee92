"""A consultation session (座谈会, hearing, field research, online round) on one or more drafts.

Scheduled → held (with minutes) | cancelled. Attendance may be recorded before or after the
session is held, never for a cancelled one; only attendance at held sessions is counted. An
attendee ticked by mistake is withdrawn (with a reason), never erased from the history; a
session's title, venue and start may be changed while it is still scheduled, not into the past.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LiaisonAggregate
from domain.errors import InvalidValueError, SessionCancelledError, WrongStateError
from domain.rules import (
    MAX_MINUTES,
    MAX_PARTICIPANTS_PER_CALL,
    MAX_REASON,
    MAX_TITLE,
    checked_choice,
    checked_text,
    optional_text,
)


class SessionKind(StrEnum):
    SYMPOSIUM = "symposium"
    HEARING = "hearing"
    FIELD_RESEARCH = "field_research"
    ONLINE = "online"
    OTHER = "other"


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class ConsultationSession(LiaisonAggregate):
    class Scheduled(LiaisonAggregate.Created):
        contact_point_id: UUID
        draft_ids: list[UUID]
        kind: str
        title: str
        starts_at: datetime
        venue: str | None

    @event(Scheduled)
    def __init__(
        self,
        contact_point_id: UUID,
        draft_ids: list[UUID],
        kind: str,
        title: str,
        starts_at: datetime,
        venue: str | None,
        occurred_on: date,
        actor: str,
    ) -> None:
        self.contact_point_id = contact_point_id
        self.draft_ids = list(draft_ids)
        self.kind = SessionKind(kind)
        self.title = title
        self.starts_at = starts_at
        self.venue = venue
        self.status = SessionStatus.SCHEDULED
        self.participant_ids: list[UUID] = []
        self.minutes: str | None = None
        self.held_on: date | None = None

    @classmethod
    def schedule(
        cls,
        contact_point_id: UUID,
        draft_ids: list[UUID],
        kind: str,
        title: str,
        starts_at: datetime,
        venue: str | None,
        on: date,
        actor: str,
    ) -> ConsultationSession:
        if not draft_ids:
            raise InvalidValueError("draft_ids", "a session consults at least one draft")
        if len(set(draft_ids)) != len(draft_ids):
            raise InvalidValueError("draft_ids", "a draft is named twice")
        return cls(
            contact_point_id=contact_point_id,
            draft_ids=list(draft_ids),
            kind=checked_choice("kind", kind, SessionKind).value,
            title=checked_text("title", title, MAX_TITLE),
            starts_at=starts_at,
            venue=optional_text("venue", venue, MAX_TITLE),
            occurred_on=on,
            actor=actor,
        )

    def require_not_cancelled(self) -> None:
        if self.status is SessionStatus.CANCELLED:
            raise SessionCancelledError(f"session {self.id} was cancelled")

    class AttendanceRecorded(LiaisonAggregate.Event):
        participant_ids: list[UUID]

    def record_attendance(self, participant_ids: list[UUID], on: date, actor: str) -> None:
        """Add attendees; people already recorded are not counted twice."""
        self.require_not_cancelled()
        if not participant_ids:
            raise InvalidValueError("participant_ids", "name at least one participant")
        if len(participant_ids) > MAX_PARTICIPANTS_PER_CALL:
            raise InvalidValueError(
                "participant_ids", f"at most {MAX_PARTICIPANTS_PER_CALL} at a time"
            )
        new = list(dict.fromkeys(p for p in participant_ids if p not in self.participant_ids))
        if new:
            self._attendance_recorded(participant_ids=new, occurred_on=on, actor=actor)

    @event(AttendanceRecorded)
    def _attendance_recorded(
        self, participant_ids: list[UUID], occurred_on: date, actor: str
    ) -> None:
        self.participant_ids.extend(participant_ids)

    class AttendanceWithdrawn(LiaisonAggregate.Event):
        participant_id: UUID
        reason: str

    def withdraw_attendance(self, participant_id: UUID, reason: str, on: date, actor: str) -> None:
        """Take back an attendee ticked by mistake; the reason stays in the history."""
        self.require_not_cancelled()
        if participant_id not in self.participant_ids:
            raise InvalidValueError("participant_id", "not recorded as present at this session")
        self._attendance_withdrawn(
            participant_id=participant_id,
            reason=checked_text("reason", reason, MAX_REASON),
            occurred_on=on,
            actor=actor,
        )

    @event(AttendanceWithdrawn)
    def _attendance_withdrawn(
        self, participant_id: UUID, reason: str, occurred_on: date, actor: str
    ) -> None:
        self.participant_ids.remove(participant_id)

    class Rescheduled(LiaisonAggregate.Event):
        title: str
        venue: str | None
        starts_at: datetime

    def reschedule(
        self, title: str, venue: str | None, starts_at: datetime, on: date, actor: str
    ) -> None:
        """Change the title, venue or start of a session not yet held nor cancelled. Dated
        ``on`` (the day of the change); the new start is not before that day."""
        if self.status is not SessionStatus.SCHEDULED:
            raise WrongStateError(f"session {self.id} is already {self.status.value}")
        if starts_at.date() < on:
            raise InvalidValueError("starts_at", f"a session is not moved into the past ({on})")
        title = checked_text("title", title, MAX_TITLE)
        venue = optional_text("venue", venue, MAX_TITLE)
        if (title, venue, starts_at) != (self.title, self.venue, self.starts_at):
            self._rescheduled(
                title=title, venue=venue, starts_at=starts_at, occurred_on=on, actor=actor
            )

    @event(Rescheduled)
    def _rescheduled(
        self, title: str, venue: str | None, starts_at: datetime, occurred_on: date, actor: str
    ) -> None:
        self.title = title
        self.venue = venue
        self.starts_at = starts_at

    class Held(LiaisonAggregate.Event):
        minutes: str | None

    def complete(self, minutes: str | None, on: date, actor: str) -> None:
        """Record that the session was held on ``on`` (its business date)."""
        self.require_not_cancelled()
        if self.status is not SessionStatus.SCHEDULED:
            raise WrongStateError(f"session {self.id} is already {self.status.value}")
        self._held(
            minutes=optional_text("minutes", minutes, MAX_MINUTES), occurred_on=on, actor=actor
        )

    @event(Held)
    def _held(self, minutes: str | None, occurred_on: date, actor: str) -> None:
        self.status = SessionStatus.HELD
        self.minutes = minutes
        self.held_on = occurred_on

    class Cancelled(LiaisonAggregate.Event):
        reason: str | None

    def cancel(self, reason: str | None, on: date, actor: str) -> None:
        if self.status is not SessionStatus.SCHEDULED:
            raise WrongStateError(f"session {self.id} is already {self.status.value}")
        self._cancelled(
            reason=optional_text("reason", reason, MAX_TITLE), occurred_on=on, actor=actor
        )

    @event(Cancelled)
    def _cancelled(self, reason: str | None, occurred_on: date, actor: str) -> None:
        self.status = SessionStatus.CANCELLED
