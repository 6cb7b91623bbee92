"""A consultation session (座谈会, hearing, field research, online round) on one or more drafts.

Scheduled → held (with minutes) | cancelled. Attendance may be recorded before or after the
session is held, never for a cancelled one; only attendance at held sessions is counted. An
attendee ticked by mistake is withdrawn (with a reason), never erased from the history; a
session's title, venue and start may be changed while it is still scheduled, not into the past.
The session starts on the day of its ``Scheduled`` event (the application dates it by the day
the session is to start; a plan, so it may lie ahead); nothing else of it is dated before.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LiaisonAggregate
from domain.draft import Draft
from domain.errors import (
    InvalidValueError,
    MismatchError,
    SessionCancelledError,
    WrongStateError,
)
from domain.rules import (
    MAX_MINUTES,
    MAX_PARTICIPANTS_PER_CALL,
    MAX_REASON,
    MAX_TITLE,
    checked_choice,
    checked_text,
    not_before,
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
        planned = True

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
        self.scheduled_on = occurred_on
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

    @classmethod
    def require_drafts_received(cls, drafts: list[Draft], on: date) -> None:
        """A session for a draft is not dated before the draft was received."""
        for draft in drafts:
            draft.require_received_by("starts_at", on)

    def require_not_cancelled(self) -> None:
        if self.status is SessionStatus.CANCELLED:
            raise SessionCancelledError(f"session {self.id} was cancelled")

    @property
    def day(self) -> date:
        """The day it was held, or else the day it was scheduled for."""
        return self.held_on or self.scheduled_on

    def require_takes_opinions_on(self, draft: Draft) -> None:
        """Opinions said at this session on ``draft``: not cancelled, consulting that draft,
        and the draft not already closed by the session's day."""
        self.require_not_cancelled()
        if draft.id not in self.draft_ids:
            raise MismatchError("the session did not consult this draft")
        draft.require_open_on(self.day)

    def _not_before_scheduled(self, field: str, on: date) -> None:
        not_before(field, on, "the day the session was scheduled for", self.scheduled_on)

    def _require_scheduled(self) -> None:
        if self.status is not SessionStatus.SCHEDULED:
            raise WrongStateError(f"session {self.id} is already {self.status.value}")

    def _require_ending(self, field: str, on: date) -> None:
        """A session ends once, held or cancelled, and not before the day it was scheduled for."""
        self._require_scheduled()
        self._not_before_scheduled(field, on)

    class AttendanceRecorded(LiaisonAggregate.Event):
        participant_ids: list[UUID]

    def record_attendance(self, participant_ids: list[UUID], on: date, actor: str) -> None:
        """Add attendees; people already recorded are not counted twice."""
        self.require_not_cancelled()
        self._not_before_scheduled("on", on)
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
        self._not_before_scheduled("on", on)
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
        """Like ``Scheduled``, a plan: dated by the (new) day the session is to start."""

        title: str
        venue: str | None
        starts_at: datetime
        planned = True

    def reschedule(
        self, title: str, venue: str | None, starts_at: datetime, on: date, actor: str
    ) -> None:
        """Change the title, venue or start of a session not yet held nor cancelled, on ``on``
        (the day of the change); the new start is not before that day. Like the schedule it
        changes, the event is dated by the day the session is now to start."""
        self._require_scheduled()
        if starts_at.date() < on:
            raise InvalidValueError("starts_at", f"a session is not moved into the past ({on})")
        title = checked_text("title", title, MAX_TITLE)
        venue = optional_text("venue", venue, MAX_TITLE)
        if (title, venue, starts_at) != (self.title, self.venue, self.starts_at):
            self._rescheduled(
                title=title,
                venue=venue,
                starts_at=starts_at,
                occurred_on=starts_at.date(),
                actor=actor,
            )

    @event(Rescheduled)
    def _rescheduled(
        self, title: str, venue: str | None, starts_at: datetime, occurred_on: date, actor: str
    ) -> None:
        self.title = title
        self.venue = venue
        self.starts_at = starts_at
        self.scheduled_on = occurred_on

    class Held(LiaisonAggregate.Event):
        minutes: str | None
        date_field = "held_on"

    def complete(self, minutes: str | None, on: date, actor: str) -> None:
        """Record that the session was held on ``on`` (its business date)."""
        self.require_not_cancelled()
        self._require_ending("held_on", on)
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
        self._require_ending("on", on)
        self._cancelled(
            reason=optional_text("reason", reason, MAX_TITLE), occurred_on=on, actor=actor
        )

    @event(Cancelled)
    def _cancelled(self, reason: str | None, occurred_on: date, actor: str) -> None:
        self.status = SessionStatus.CANCELLED
