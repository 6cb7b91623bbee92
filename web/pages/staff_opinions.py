"""Quick entry of opinions during a session, from the keyboard alone.

The form comes back after every opinion with the cursor in the words field (``autofocus``)
and the opinions entered so far beside it; who spoke and on which article stay chosen.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from domain.draft import Draft
from domain.errors import DomainError
from domain.session import ConsultationSession
from domain.suggestion import Channel
from liaison.bootstrap import Liaison
from projections.dashboard import session_opinions
from web.deps import LiaisonDep, ReadDep
from web.pages.rendering import CheckedForm, redirect
from web.pages.staff_desk import (
    MESSAGES,
    Desk,
    DeskDep,
    form_values,
    parse_article,
    parse_uuid,
    refusal,
    show,
    translated,
)
from web.pages.staff_sessions import own_session, people

router = APIRouter(include_in_schema=False)


def _entry_page(
    request: Request,
    liaison: Liaison,
    conn: Connection,
    desk: Desk,
    session: ConsultationSession,
    draft: Draft,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    attendees = people(liaison, session.participant_ids)
    names = {p["id"]: p for p in attendees}
    opinions = session_opinions(conn, session.id)
    for number, row in enumerate(opinions, start=1):
        row["number"] = number
        person = names.get(str(UUID(row["participant_id"]))) if row["participant_id"] else None
        row["person"] = person
    titles = {d.hex: liaison.app.get(d, Draft).title for d in session.draft_ids}
    context = {
        "session": session,
        "draft": draft,
        "attendees": [p for p in attendees if not p["erased"]],
        "opinions": opinions[::-1],
        "titles": titles,
        "values": values,
        "errors": translated(request, errors or {}),
        "saved": request.query_params.get("saved", "")[:40],
    }
    return show(request, desk, "staff_opinions.html", context, 422 if errors else 200)


def _session_draft(
    liaison: Liaison, conn: Connection, desk: Desk, session_id: UUID, draft_id: UUID
) -> tuple[ConsultationSession, Draft, Desk]:
    session, desk = own_session(liaison, conn, desk, session_id)
    if draft_id not in session.draft_ids:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the session did not consult this draft")
    return session, liaison.app.get(draft_id, Draft), desk


@router.get("/staff/sessions/{session_id}/drafts/{draft_id}/opinions", response_class=HTMLResponse)
def entry_form(
    request: Request,
    session_id: UUID,
    draft_id: UUID,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> HTMLResponse:
    """Quick entry of opinions as they are said, from the keyboard alone."""
    session, draft, desk = _session_draft(liaison, conn, desk, session_id, draft_id)
    values = {k: request.query_params.get(k, "")[:40] for k in ("participant_id", "article")}
    return _entry_page(request, liaison, conn, desk, session, draft, values)


@router.post("/staff/sessions/{session_id}/drafts/{draft_id}/opinions", response_class=HTMLResponse)
def enter_opinion(
    request: Request,
    session_id: UUID,
    draft_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Record one opinion said at the session; then the same form again, ready for the next."""
    session, draft, desk = _session_draft(liaison, conn, desk, session_id, draft_id)
    values = form_values(form, "participant_id", "article", "content")
    errors: dict[str, str] = {}
    participant = parse_uuid(values["participant_id"])
    article = parse_article(values["article"])
    if values["participant_id"] and participant not in session.participant_ids:
        errors["participant_id"] = MESSAGES["participant_id"]
    if values["article"] and article is None:
        errors["article"] = MESSAGES["article"]
    if not errors:
        try:
            opinion = liaison.app.record_suggestion(
                session.contact_point_id,
                draft_id,
                values["content"],
                Channel.SESSION.value,
                desk.actor,
                article=article,
                participant_id=participant,
                session_id=session_id,
                received_on=session.held_on or session.starts_at.date(),
            )
            return redirect(
                desk.link(
                    f"/staff/sessions/{session_id}/drafts/{draft_id}/opinions",
                    participant_id=values["participant_id"],
                    article=values["article"],
                    saved=opinion.receipt,
                )  # no #fragment: a document with a target element skips autofocus
            )
        except DomainError as refused:
            field, message = refusal(refused, "content")
            errors[field] = message
    return _entry_page(request, liaison, conn, desk, session, draft, values, errors)
