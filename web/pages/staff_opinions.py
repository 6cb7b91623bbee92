"""Quick entry of opinions during a session, from the keyboard alone.

The form comes back after every opinion with the cursor in the words field (``autofocus``)
and the opinions entered so far beside it; who spoke and on which article stay chosen.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import HTMLResponse, Response

from domain.draft import Draft
from domain.errors import DomainError
from domain.session import ConsultationSession
from domain.suggestion import Channel
from projections.dashboard import session_opinions
from web.pages.desk_page import DeskPage, note_refusal
from web.pages.rendering import CheckedForm
from web.pages.staff_desk import MESSAGES, form_values, parse_article, parse_uuid, translated
from web.pages.staff_session_page import OwnSession, SessionAt, people

router = APIRouter(include_in_schema=False)


def _entry_page(
    own: SessionAt, draft: Draft, values: dict[str, str], errors: dict[str, str] | None = None
) -> HTMLResponse:
    session, page = own
    liaison = page.liaison
    attendees = people(liaison, session.participant_ids)
    names = {p["id"]: p for p in attendees}
    opinions = session_opinions(page.conn, session.id)
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
        "errors": translated(page.request, errors or {}),
        "saved": page.request.query_params.get("saved", "")[:40],
    }
    return page.show("staff_opinions.html", context, 422 if errors else 200)


def _consulted(page: DeskPage, session: ConsultationSession, draft_id: UUID) -> Draft:
    """A draft the session consulted (another is not found)."""
    if draft_id not in session.draft_ids:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the session did not consult this draft")
    return page.liaison.app.get(draft_id, Draft)


@router.get("/staff/sessions/{session_id}/drafts/{draft_id}/opinions", response_class=HTMLResponse)
def entry_form(draft_id: UUID, own: OwnSession) -> HTMLResponse:
    """Quick entry of opinions as they are said, from the keyboard alone."""
    session, page = own
    draft = _consulted(page, session, draft_id)
    query = page.request.query_params
    values = {k: query.get(k, "")[:40] for k in ("participant_id", "article")}
    return _entry_page(own, draft, values)


@router.post("/staff/sessions/{session_id}/drafts/{draft_id}/opinions", response_class=HTMLResponse)
def enter_opinion(draft_id: UUID, form: CheckedForm, own: OwnSession) -> Response:
    """Record one opinion said at the session; then the same form again, ready for the next."""
    session, page = own
    draft = _consulted(page, session, draft_id)
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
            opinion = page.liaison.app.record_suggestion(
                session.contact_point_id,
                draft_id,
                values["content"],
                Channel.SESSION.value,
                page.desk.actor,
                article=article,
                participant_id=participant,
                session_id=session.id,
                received_on=session.held_on or session.starts_at.date(),
            )
            return page.go(  # no #fragment: a document with a target element skips autofocus
                f"/staff/sessions/{session.id}/drafts/{draft_id}/opinions",
                participant_id=values["participant_id"],
                article=values["article"],
                saved=opinion.receipt,
            )
        except DomainError as refused:
            note_refusal(errors, refused, "content")
    return _entry_page(own, draft, values, errors)
