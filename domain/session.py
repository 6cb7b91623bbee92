"""A consultation session (座谈会, hearing, field research, online round) on one or more drafts.

Scheduled → held (with minutes) | cancelled. Attendance may be recorded before or after the
session is held, never for a cancelled one; only attendance at held sessions is counted.
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

    def _require_scheduled(self) -> None:
        if self.status is not SessionStatus.SCHEDULED:
            raise WrongStateError(f"session {self.id} is already {self.status.value}")

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

    class Held(LiaisonAggregate.Event):
        minutes: str | None

    def complete(self, minutes: str | None, on: date, actor: str) -> None:
        """Record that the session was held on ``on`` (its business date)."""
        self.require_not_cancelled()
        self._require_scheduled()
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
        self._require_scheduled()
        self._cancelled(
            reason=optional_text("reason", reason, MAX_TITLE), occurred_on=on, actor=actor
        )

    @event(Cancelled)
    def _cancelled(self, reason: str | None, occurred_on: date, actor: str) -> None:
        self.status = SessionStatus.CANCELLED
