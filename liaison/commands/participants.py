"""Participants: registered with their personal data sealed, read, revealed and erased."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from domain.contact_point import ContactPoint
from domain.participant import Participant
from liaison.commands.base import ServiceBase
from liaison.personal_data import (
    checked_name,
    checked_neighbourhood,
    checked_phone,
)
from liaison.rights import KEEPERS, Actor, require_point, require_role


class ParticipantCommands(ServiceBase):
    def register_participant(
        self,
        contact_point_id: UUID,
        name: str,
        kind: str,
        actor: Actor,
        neighbourhood: str | None = None,
        phone: str | None = None,
        consent_to_contact: bool = False,
        on: date | None = None,
    ) -> Participant:
        require_role(actor, KEEPERS)
        require_point(actor, contact_point_id)
        self.get(contact_point_id, ContactPoint)
        plain = {
            "name": checked_name(name),
            "neighbourhood": checked_neighbourhood(neighbourhood),
            "phone": checked_phone(phone),
        }
        participant_id = uuid4()
        key = self.vault.new_subject(participant_id)
        sealed = {f: self.vault.seal(key, participant_id, f, v) for f, v in plain.items()}
        participant = Participant.register(
            contact_point_id,
            kind,
            sealed_name=sealed["name"] or "",
            sealed_neighbourhood=sealed["neighbourhood"],
            sealed_phone=sealed["phone"],
            consent_to_contact=consent_to_contact,
            on=self._today(on),
            actor=actor.username,
            id=participant_id,
        )
        self.save(participant)
        return participant

    def participant(self, actor: Actor, participant_id: UUID) -> Participant:
        """A participant of the actor's own contact point (staff, admin)."""
        require_role(actor, KEEPERS)
        return self.fetch(actor, participant_id, Participant)

    def erase_participant(self, participant_id: UUID, actor: Actor) -> None:
        """Forget the person: the erasure is an event, the key's deletion makes it so."""
        participant = self.participant(actor, participant_id)
        participant.erase(self.clock.today(), actor.username)
        self.save(participant)
        self.vault.erase(participant_id)

    def personal_data(self, participant: Participant) -> dict[str, str | None]:
        """The participant's name, neighbourhood and phone, each ``None`` once erased."""
        return {
            field: self.vault.open(participant.id, field, getattr(participant, f"sealed_{field}"))
            for field in ("name", "neighbourhood", "phone")
        }
