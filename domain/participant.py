"""A participant: a resident, deputy, expert, lawyer, enterprise or information collector.

Personal data (name, neighbourhood, phone) arrives here already sealed by the application
(encrypted under a key of this person's own), so the log never holds it in plain text and
erasing the key makes it unreadable without rewriting a single event.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LiaisonAggregate
from domain.errors import ParticipantErasedError
from domain.rules import checked_choice, not_before


class ParticipantKind(StrEnum):
    RESIDENT = "resident"
    DEPUTY = "deputy"
    EXPERT = "expert"
    LAWYER = "lawyer"
    ENTERPRISE = "enterprise"
    COLLECTOR = "collector"
    OTHER = "other"


class Participant(LiaisonAggregate):
    class Registered(LiaisonAggregate.Created):
        contact_point_id: UUID
        kind: str
        sealed_name: str
        sealed_neighbourhood: str | None
        sealed_phone: str | None
        consent_to_contact: bool

    @event(Registered)
    def __init__(
        self,
        contact_point_id: UUID,
        kind: str,
        sealed_name: str,
        sealed_neighbourhood: str | None,
        sealed_phone: str | None,
        consent_to_contact: bool,
        occurred_on: date,
        actor: str,
    ) -> None:
        self.contact_point_id = contact_point_id
        self.kind = ParticipantKind(kind)
        self.sealed_name = sealed_name
        self.sealed_neighbourhood = sealed_neighbourhood
        self.sealed_phone = sealed_phone
        self.consent_to_contact = consent_to_contact
        self.registered_on = occurred_on
        self.erased = False

    @classmethod
    def register(
        cls,
        contact_point_id: UUID,
        kind: str,
        sealed_name: str,
        sealed_neighbourhood: str | None,
        sealed_phone: str | None,
        consent_to_contact: bool,
        on: date,
        actor: str,
        id: UUID,  # noqa: A002 - chosen first, because the sealed fields are bound to it
    ) -> Participant:
        return cls._create(
            cls.Registered,
            id=id,
            contact_point_id=contact_point_id,
            kind=checked_choice("kind", kind, ParticipantKind).value,
            sealed_name=sealed_name,
            sealed_neighbourhood=sealed_neighbourhood,
            sealed_phone=sealed_phone,
            consent_to_contact=bool(consent_to_contact),
            occurred_on=on,
            actor=actor,
        )

    class Erased(LiaisonAggregate.Event):
        pass

    def erase(self, on: date, actor: str) -> None:
        """Record that the person's data was erased (the key is deleted by the application)."""
        self.require_not_erased()
        not_before("on", on, "the day the participant was registered", self.registered_on)
        self._erased(occurred_on=on, actor=actor)

    @event(Erased)
    def _erased(self, occurred_on: date, actor: str) -> None:
        self.erased = True

    def require_not_erased(self) -> None:
        if self.erased:
            raise ParticipantErasedError(f"participant {self.id} was erased")
