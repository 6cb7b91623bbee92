"""Participants: registered with their personal data sealed, read, revealed and erased."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any
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

    def people(
        self, actor: Actor, ids: list[UUID], search: str | None = None
    ) -> list[dict[str, Any]]:
        """The participants named (the actor's own contact point's), with their names opened
        in memory: names are sealed, so a search by name looks here, never in SQL. ``search``
        keeps those whose name contains it (ignoring spaces, width and case)."""
        require_role(actor, KEEPERS)
        wanted = folded(search) if search else ""
        found = []
        for participant_id in dict.fromkeys(ids):
            participant = self.fetch(actor, participant_id, Participant)
            plain = self.personal_data(participant)
            if wanted and wanted not in folded(plain["name"] or ""):
                continue
            found.append(
                {
                    "id": str(participant.id),
                    "name": plain["name"],
                    "neighbourhood": plain["neighbourhood"],
                    "kind": participant.kind.value,
                    "erased": participant.erased,
                    "consent_to_contact": participant.consent_to_contact,
                }
            )
        return found

    def namesakes(self, actor: Actor, ids: list[UUID], name: str) -> list[dict[str, Any]]:
        """Participants among ``ids`` whose name is the same as ``name`` once spaces, width
        and case are set aside: registering them again would make a second, identical
        person (王阿姨 twice)."""
        wanted = folded(name)
        if not wanted:
            return []
        return [p for p in self.people(actor, ids, name) if folded(p["name"] or "") == wanted]

    def personal_data(self, participant: Participant) -> dict[str, str | None]:
        """The participant's name, neighbourhood and phone, each ``None`` once erased."""
        return {
            field: self.vault.open(participant.id, field, getattr(participant, f"sealed_{field}"))
            for field in ("name", "neighbourhood", "phone")
        }


def folded(text: str) -> str:
    """A name as compared: full-width folded (NFKC), spaces dropped, case ignored."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())
