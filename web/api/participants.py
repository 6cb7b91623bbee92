"""Participants of a contact point: registered and read by its staff (and admin), erased
on request. Phones are always masked in answers."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field

from domain.participant import Participant, ParticipantKind
from domain.rules import MAX_NAME, MAX_TITLE
from liaison.bootstrap import Liaison
from liaison.personal_data import masked_phone
from web.api.common import ERRORS
from web.auth import CurrentUser
from web.deps import LiaisonDep
from web.errors import client_address

router = APIRouter(prefix="/api/v1/participants", tags=["participants"], responses=ERRORS)


class ParticipantIn(BaseModel):
    contact_point_id: UUID
    name: str = Field(min_length=1, max_length=MAX_NAME)
    kind: ParticipantKind
    neighbourhood: str | None = Field(None, max_length=MAX_TITLE)
    phone: str | None = Field(None, max_length=32)
    consent_to_contact: bool = False


class ParticipantOut(BaseModel):
    id: UUID
    contact_point_id: UUID
    kind: ParticipantKind
    name: str | None = Field(description="null once erased")
    neighbourhood: str | None
    phone: str | None = Field(description="masked, e.g. 138****5678")
    consent_to_contact: bool
    registered_on: date
    erased: bool


def participant_out(liaison: Liaison, participant: Participant) -> ParticipantOut:
    plain = liaison.app.personal_data(participant)
    return ParticipantOut(
        id=participant.id,
        contact_point_id=participant.contact_point_id,
        kind=participant.kind,
        name=plain["name"],
        neighbourhood=plain["neighbourhood"],
        phone=masked_phone(plain["phone"]),
        consent_to_contact=participant.consent_to_contact,
        registered_on=participant.registered_on,
        erased=participant.erased,
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def register(body: ParticipantIn, user: CurrentUser, liaison: LiaisonDep) -> ParticipantOut:
    """Register a participant of the contact point."""
    participant = liaison.app.register_participant(**body.model_dump(), actor=user)
    return participant_out(liaison, participant)


@router.get("/{participant_id}")
def get_one(participant_id: UUID, user: CurrentUser, liaison: LiaisonDep) -> ParticipantOut:
    """One participant, phone masked."""
    return participant_out(liaison, liaison.app.participant(user, participant_id))


class RevealedPhone(BaseModel):
    phone: str | None


@router.post("/{participant_id}/reveal")
def reveal_phone(
    participant_id: UUID, user: CurrentUser, liaison: LiaisonDep, request: Request
) -> RevealedPhone:
    """The full phone number, for staff of the person's contact point; each reveal is audited."""
    participant = liaison.app.participant(user, participant_id)
    phone = liaison.app.personal_data(participant)["phone"]
    liaison.audit.record(
        user.username,
        "reveal_phone",
        f"participant {participant_id}",
        address=client_address(request),
    )
    return RevealedPhone(phone=phone)


@router.delete("/{participant_id}", status_code=status.HTTP_204_NO_CONTENT)
def erase(
    participant_id: UUID, user: CurrentUser, liaison: LiaisonDep, request: Request
) -> Response:
    """Erase the participant's personal data; their suggestions stay, counted."""
    liaison.app.erase_participant(participant_id, user)
    liaison.audit.record(
        user.username, "erase", f"participant {participant_id}", address=client_address(request)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
