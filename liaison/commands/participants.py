"""Participants: registered with their personal data sealed, and erased."""

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


class ParticipantCommands(ServiceBase):
    def register_participant(
        self,
        contact_point_id: UUID,
        name: str,
        kind: str,
        actor: str,
        neighbourhood: str | None = None,
        phone: str | None = None,
        consent_to_contact: bool = False,
        on: date | None = None,
    ) -> Participant:
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
            actor=actor,
            id=participant_id,
        )
        self.save(participant)
        return participant

    def erase_participant(self, participant_id: UUID, actor: str) -> None:
        """Forget the person: the erasure is an event, the key's deletion makes it so."""
        participant = self.get(participant_id, Participant)
        participant.erase(self.clock.today(), actor)
        self.save(participant)
        self.vault.erase(participant_id)
