"""One session's page at the desk, which its forms (attendance, held, cancelled, corrections)
show again with what was wrong; the session fetched once the application lets the user see it."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends
from fastapi.responses import HTMLResponse

from domain.draft import Draft
from domain.participant import Participant, ParticipantKind
from domain.session import ConsultationSession
from liaison.bootstrap import Liaison
from projections.dashboard import regulars, session_opinions
from web.pages.desk_page import DeskPage, PageDep

SessionAt = tuple[ConsultationSession, DeskPage]
"""A session and the page at its desk."""


def _own_session(session_id: UUID, page: PageDep) -> SessionAt:
    session = page.liaison.app.session(page.desk.actor, session_id)
    return session, page.at(session.contact_point_id)


OwnSession = Annotated[SessionAt, Depends(_own_session)]
"""The session named in the path and the page at its desk (another point's: 404)."""


def people(liaison: Liaison, ids: list[UUID]) -> list[dict[str, Any]]:
    """Participants by id with their name and neighbourhood (never the phone)."""
    found = []
    for participant_id in ids:
        participant = liaison.app.get(participant_id, Participant)
        vault = liaison.app.vault
        found.append(
            {
                "id": str(participant.id),
                "name": vault.open(participant.id, "name", participant.sealed_name),
                "neighbourhood": vault.open(
                    participant.id, "neighbourhood", participant.sealed_neighbourhood
                ),
                "kind": participant.kind.value,
                "erased": participant.erased,
            }
        )
    return found


def local_start(moment: datetime, zone: tzinfo) -> datetime:
    """A session's start in the contact point's time zone (a time without a zone is taken
    to be local already, as the demo data records it)."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def session_page(
    page: DeskPage,
    session: ConsultationSession,
    failed: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    namesakes: list[dict[str, Any]] | None = None,
) -> HTMLResponse:
    """The session's page; after a refused form, that form (``failed``) open with its errors."""
    request, liaison, conn, desk = page.request, page.liaison, page.conn, page.desk
    more = request.query_params.get("more") == "1"
    q = request.query_params.get("q", "").strip()[:100] if request.method == "GET" else ""
    if q:  # names are sealed: the desk's own participants' names are opened and searched
        everyone = liaison.queries.participant_ids(desk.actor, session.contact_point_id)
        absent = [p for p in everyone if p not in session.participant_ids]
        found, has_more = liaison.app.people(desk.actor, absent, q), False
    else:
        others, has_more = regulars(conn, session.contact_point_id, session.participant_ids)
        if more:
            others, has_more = regulars(
                conn, session.contact_point_id, session.participant_ids, 500
            )
        found = people(liaison, [UUID(p) for p in others])
    drafts = [liaison.app.get(d, Draft) for d in session.draft_ids]
    context = {
        "session": session,
        "drafts": drafts,
        "attendees": people(liaison, session.participant_ids),
        "others": found,
        "q": q,
        "namesakes": namesakes or [],
        "has_more": has_more and not more,
        "opinions": len(session_opinions(conn, session.id)),
        "kinds": [k.value for k in ParticipantKind],
        "failed": failed,
        "local_start": local_start(session.starts_at, liaison.app.clock.zone),
    }
    return page.form("staff_session.html", context, values, errors)
