"""The contact point's participants: found by name, their phone revealed to reach someone
who agreed to be contacted, their personal data erased on request.

Names are sealed, so a search opens the names of the desk's own participants in memory
(``ParticipantCommands.people``). Revealing a phone and erasing are audited and each asks
for confirmation first: a GET page whose button posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from domain.participant import Participant
from liaison.bootstrap import Liaison
from liaison.personal_data import masked_phone
from web.deps import LiaisonDep, ReadDep
from web.errors import client_address
from web.pages.rendering import CheckedForm, redirect
from web.pages.staff_desk import Desk, DeskDep, choose_contact_point, record_desk, show

router = APIRouter(include_in_schema=False)

SEARCH_LIMIT = 200  # rows shown at once; a search narrows them
CONFIRMED = ("reveal", "erase")  # what a participant's page asks before it is done


@router.get("/staff/participants", response_class=HTMLResponse)
def participants_page(
    request: Request, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep
) -> HTMLResponse:
    """The desk's participants, found by name."""
    if desk.choosing:
        return choose_contact_point(request, desk, conn)
    q = request.query_params.get("q", "").strip()[:100]
    ids = liaison.queries.participant_ids(desk.actor, desk.cp)
    found = liaison.app.people(desk.actor, ids, q or None)
    found.sort(key=lambda p: p["name"] or "")
    context = {"q": q, "people": found[:SEARCH_LIMIT], "more": len(found) > SEARCH_LIMIT}
    return show(request, desk, "staff_participants.html", context)


@dataclass(frozen=True)
class Person:
    """A participant of the desk, and the desk they belong to."""

    participant: Participant
    plain: dict[str, Any]
    desk: Desk

    @property
    def shown(self) -> dict[str, object]:
        """What the page shows of them: the phone masked."""
        participant, plain = self.participant, self.plain
        return {
            "id": str(participant.id),
            "kind": participant.kind.value,
            "name": plain["name"],
            "neighbourhood": plain["neighbourhood"],
            "phone": masked_phone(plain["phone"]),
            "has_phone": bool(plain["phone"]),
            "consent_to_contact": participant.consent_to_contact,
            "registered_on": participant.registered_on,
            "erased": participant.erased,
        }


def _own(participant_id: UUID, desk: DeskDep, liaison: LiaisonDep) -> Person:
    participant = liaison.app.participant(desk.actor, participant_id)
    plain = liaison.app.personal_data(participant)
    return Person(participant, plain, record_desk(desk, liaison, participant.contact_point_id))


OwnPerson = Annotated[Person, Depends(_own)]
"""The participant named in the path (another contact point's: 404)."""


def _audit(request: Request, liaison: Liaison, own: Person, action: str) -> None:
    about, address = f"participant {own.participant.id}", client_address(request)
    liaison.audit.record(own.desk.actor.username, action, about, address=address)


@router.get("/staff/participants/{participant_id}", response_class=HTMLResponse)
@router.get("/staff/participants/{participant_id}/reveal", response_class=HTMLResponse)
@router.get("/staff/participants/{participant_id}/erase", response_class=HTMLResponse)
def participant_page(request: Request, own: OwnPerson) -> HTMLResponse:
    """One participant: kind, neighbourhood, phone masked, whether they agreed to contact;
    at ``/reveal`` and ``/erase``, asking before the full phone number is shown (each
    reveal is audited) or the person's data is erased for ever."""
    confirm = request.url.path.rsplit("/", 1)[-1]
    context = {"person": own.shown, **({"confirm": confirm} if confirm in CONFIRMED else {})}
    return show(request, own.desk, "staff_participant.html", context)


@router.post("/staff/participants/{participant_id}/reveal", response_class=HTMLResponse)
def reveal(
    request: Request, form: CheckedForm, own: OwnPerson, liaison: LiaisonDep
) -> HTMLResponse:
    """The full phone number, shown once on this answer; the reveal is audited."""
    _audit(request, liaison, own, "reveal_phone")
    context = {"person": own.shown, "revealed": own.plain["phone"]}
    return show(request, own.desk, "staff_participant.html", context)


@router.post("/staff/participants/{participant_id}/erase", response_class=HTMLResponse)
def erase(request: Request, form: CheckedForm, own: OwnPerson, liaison: LiaisonDep) -> Response:
    """Erase the person's name, neighbourhood and phone; their opinions stay, counted."""
    liaison.app.erase_participant(own.participant.id, own.desk.actor)
    _audit(request, liaison, own, "erase")
    return redirect(own.desk.link("/staff/participants", done="erased"))
