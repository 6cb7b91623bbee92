"""Corrections to a session: its title, venue or start changed while it is scheduled, and an
attendee ticked by mistake taken off the list (with the reason; the figures follow)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from domain.errors import DomainError, InvalidValueError
from domain.session import ConsultationSession
from liaison.bootstrap import Liaison
from web.deps import LiaisonDep, ReadDep
from web.i18n import N_
from web.pages.rendering import CheckedForm, redirect
from web.pages.staff_desk import (
    MESSAGES,
    Desk,
    DeskDep,
    form_values,
    parse_start,
    parse_uuid,
    refusal,
    show_form,
)
from web.pages.staff_sessions import _local, _session_page, own_session

router = APIRouter(include_in_schema=False)

EDIT_FIELDS = ("title", "venue", "starts_on", "starts_at")
PAST = N_("A session cannot be moved to a day that has already passed.")


def _edit_form(
    request: Request,
    liaison: Liaison,
    desk: Desk,
    session: ConsultationSession,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    if values is None:
        start = _local(session.starts_at, liaison.app.clock.zone)
        values = {
            "title": session.title,
            "venue": session.venue or "",
            "starts_on": start.date().isoformat(),
            "starts_at": start.strftime("%H:%M"),
        }
    context = {"session": session}
    return show_form(request, desk, "staff_session_edit.html", context, values, errors)


@router.get("/staff/sessions/{session_id}/edit", response_class=HTMLResponse)
def edit_session(
    request: Request, session_id: UUID, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep
) -> HTMLResponse:
    """The form to change a scheduled session's title, venue or start."""
    session, desk = own_session(liaison, conn, desk, session_id)
    return _edit_form(request, liaison, desk, session)


@router.post("/staff/sessions/{session_id}/edit", response_class=HTMLResponse)
def reschedule(
    request: Request,
    session_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Change the title, venue or start of a scheduled session (not into the past)."""
    session, desk = own_session(liaison, conn, desk, session_id)
    values = form_values(form, *EDIT_FIELDS)
    errors: dict[str, str] = {}
    starts_at = parse_start(values, liaison.app.clock.zone, errors)
    if not errors and starts_at is not None:
        try:
            liaison.app.reschedule_session(
                session_id, values["title"], starts_at, desk.actor, venue=values["venue"] or None
            )
            return redirect(desk.link(f"/staff/sessions/{session_id}", done="rescheduled"))
        except InvalidValueError as refused:
            if refused.field == "starts_at":  # a well-formed start, but in the past
                errors["starts_on"] = PAST
            else:
                field, message = refusal(refused, "title")
                errors[field] = message
        except DomainError as refused:
            field, message = refusal(refused, "title")
            errors[field] = message
    return _edit_form(request, liaison, desk, session, values, errors)


@router.post("/staff/sessions/{session_id}/attendance/withdraw", response_class=HTMLResponse)
def withdraw(
    request: Request,
    session_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Take an attendee ticked by mistake off the list, with the reason."""
    session, desk = own_session(liaison, conn, desk, session_id)
    values = form_values(form, "participant_id", "reason")
    person = parse_uuid(values["participant_id"])
    errors: dict[str, str] = {}
    if not values["reason"]:
        errors["withdraw_reason"] = MESSAGES["reason_undo"]
    elif person is None:
        errors["form"] = MESSAGES["participant_ids"]
    else:
        try:
            liaison.app.withdraw_attendance(session_id, person, values["reason"], desk.actor)
            page = desk.link(f"/staff/sessions/{session_id}", done="withdrawn")
            return redirect(page + "#attendance")
        except DomainError as refused:
            field, message = refusal(refused, "reason")
            errors["withdraw_reason" if field == "reason" else "form"] = message
    values = {**values, "withdrawing": values["participant_id"]}
    return _session_page(request, liaison, conn, desk, session, "withdraw", values, errors)
