"""Consultation sessions: schedule, reschedule, attendance (and its withdrawal), held,
cancelled."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from domain.contact_point import ContactPoint
from domain.draft import Draft
from domain.participant import Participant
from domain.session import ConsultationSession
from liaison.commands.base import ServiceBase
from liaison.errors import NotFoundError
from liaison.rights import KEEPERS, READERS, Actor, require_point, require_role


class SessionCommands(ServiceBase):
    def schedule_session(
        self,
        contact_point_id: UUID,
        draft_ids: list[UUID],
        kind: str,
        title: str,
        starts_at: datetime,
        actor: Actor,
        venue: str | None = None,
    ) -> ConsultationSession:
        require_role(actor, KEEPERS)
        require_point(actor, contact_point_id)
        self.get(contact_point_id, ContactPoint)
        drafts = [self.get(draft_id, Draft) for draft_id in draft_ids]
        for draft in drafts:
            draft.require_asked(contact_point_id, "draft_ids")
        ConsultationSession.require_drafts_received(drafts, starts_at.date())
        session = ConsultationSession.schedule(
            contact_point_id,
            draft_ids,
            kind,
            title,
            starts_at,
            venue,
            starts_at.date(),
            actor.username,
        )
        self.save(session)
        return session

    def session(self, actor: Actor, session_id: UUID) -> ConsultationSession:
        """A session the actor may read: staff only their own contact point's."""
        require_role(actor, READERS)
        return self.fetch(actor, session_id, ConsultationSession)

    def _own_session(self, actor: Actor, session_id: UUID) -> ConsultationSession:
        require_role(actor, KEEPERS)
        return self.fetch(actor, session_id, ConsultationSession)

    def record_attendance(
        self, session_id: UUID, participant_ids: list[UUID], actor: Actor
    ) -> ConsultationSession:
        session = self._own_session(actor, session_id)
        for participant_id in dict.fromkeys(participant_ids):
            participant = self.get(participant_id, Participant)
            participant.require_not_erased()
            if participant.contact_point_id != session.contact_point_id:
                raise NotFoundError(f"no Participant {participant_id} at this contact point")
        on = session.held_on or session.starts_at.date()
        session.record_attendance(participant_ids, on, actor.username)
        self.save(session)
        return session

    def complete_session(
        self,
        session_id: UUID,
        actor: Actor,
        minutes: str | None = None,
        held_on: date | None = None,
    ) -> ConsultationSession:
        """Held on ``held_on``, by default the day it was scheduled to start."""
        session = self._own_session(actor, session_id)
        session.complete(minutes, held_on or session.starts_at.date(), actor.username)
        self.save(session)
        return session

    def cancel_session(
        self, session_id: UUID, actor: Actor, reason: str | None = None, on: date | None = None
    ) -> ConsultationSession:
        session = self._own_session(actor, session_id)
        session.cancel(reason, self._today(on), actor.username)
        self.save(session)
        return session

    def withdraw_attendance(
        self,
        session_id: UUID,
        participant_id: UUID,
        reason: str,
        actor: Actor,
        on: date | None = None,
    ) -> ConsultationSession:
        """Take back an attendee ticked by mistake (with the reason); no longer counted."""
        session = self._own_session(actor, session_id)
        session.withdraw_attendance(participant_id, reason, self._today(on), actor.username)
        self.save(session)
        return session

    def reschedule_session(
        self,
        session_id: UUID,
        title: str,
        starts_at: datetime,
        actor: Actor,
        venue: str | None = None,
        on: date | None = None,
    ) -> ConsultationSession:
        """Change a scheduled session's title, venue or start (not into the past)."""
        session = self._own_session(actor, session_id)
        session.reschedule(title, venue, starts_at, self._today(on), actor.username)
        self.save(session)
        return session
