"""Corrections to a session: its title, venue or start changed while it is scheduled, and an
attendee ticked by mistake taken off the list (with the reason; the figures follow)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from domain.errors import DomainError, InvalidValueError
from web.i18n import N_
from web.pages.desk_page import note_refusal
from web.pages.rendering import CheckedForm
from web.pages.staff_desk import MESSAGES, form_values, parse_start, parse_uuid, refusal
from web.pages.staff_session_page import OwnSession, local_start, session_page

router = APIRouter(include_in_schema=False)

EDIT_FIELDS = ("title", "venue", "starts_on", "starts_at")
EDIT_FORM = "staff_session_edit.html"
PAST = N_("A session cannot be moved to a day that has already passed.")


@router.get("/staff/sessions/{session_id}/edit", response_class=HTMLResponse)
def edit_session(own: OwnSession) -> HTMLResponse:
    """The form to change a scheduled session's title, venue or start."""
    session, page = own
    start = local_start(session.starts_at, page.liaison.app.clock.zone)
    values = {
        "title": session.title,
        "venue": session.venue or "",
        "starts_on": start.date().isoformat(),
        "starts_at": start.strftime("%H:%M"),
    }
    return page.form(EDIT_FORM, {"session": session}, values)


@router.post("/staff/sessions/{session_id}/edit", response_class=HTMLResponse)
def reschedule(form: CheckedForm, own: OwnSession) -> Response:
    """Change the title, venue or start of a scheduled session (not into the past)."""
    session, page = own
    values = form_values(form, *EDIT_FIELDS)
    errors: dict[str, str] = {}
    starts_at = parse_start(values, page.liaison.app.clock.zone, errors)
    if not errors and starts_at is not None:
        try:
            page.liaison.app.reschedule_session(
                session.id,
                values["title"],
                starts_at,
                page.desk.actor,
                venue=values["venue"] or None,
            )
            return page.go(f"/staff/sessions/{session.id}", done="rescheduled")
        except InvalidValueError as refused:
            if refused.field == "starts_at":  # a well-formed start, but in the past
                errors["starts_on"] = PAST
            else:
                note_refusal(errors, refused, "title")
        except DomainError as refused:
            note_refusal(errors, refused, "title")
    return page.form(EDIT_FORM, {"session": session}, values, errors)


@router.post("/staff/sessions/{session_id}/attendance/withdraw", response_class=HTMLResponse)
def withdraw(form: CheckedForm, own: OwnSession) -> Response:
    """Take an attendee ticked by mistake off the list, with the reason."""
    session, page = own
    values = form_values(form, "participant_id", "reason")
    person = parse_uuid(values["participant_id"])
    errors: dict[str, str] = {}
    if not values["reason"]:
        errors["withdraw_reason"] = MESSAGES["reason_undo"]
    elif person is None:
        errors["form"] = MESSAGES["participant_ids"]
    else:
        try:
            reason = values["reason"]
            page.liaison.app.withdraw_attendance(session.id, person, reason, page.desk.actor)
            return page.go(f"/staff/sessions/{session.id}", "#attendance", done="withdrawn")
        except DomainError as refused:
            field, message = refusal(refused, "reason")
            errors["withdraw_reason" if field == "reason" else "form"] = message
    values = {**values, "withdrawing": values["participant_id"]}
    return session_page(page, session, "withdraw", values, errors)
