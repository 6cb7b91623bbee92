"""Mistakes undone, as new events with a reason: a rejection withdrawn, a merge undone
(before the report). And the step that asks before a session is cancelled."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from domain.errors import DomainError, InvalidValueError
from liaison.bootstrap import Liaison
from web.deps import LiaisonDep, ReadDep
from web.pages.rendering import CheckedForm, redirect
from web.pages.staff_desk import (
    MESSAGES,
    Desk,
    DeskDep,
    form_values,
    record_desk,
    refusal,
    show,
    translated,
)
from web.pages.staff_sessions import own_session

router = APIRouter(include_in_schema=False)


def _undo(
    request: Request, suggestion_id: UUID, form: Any, desk: Desk, liaison: Liaison, action: str
) -> Response:
    """Run one undo; on refusal, its form again with what was wrong."""
    suggestion = liaison.app.suggestion(desk.actor, suggestion_id)
    desk = record_desk(desk, liaison, suggestion.contact_point_id)
    values = form_values(form, "reason")
    page = f"/staff/suggestions/{suggestion_id}"
    try:
        if not values["reason"]:
            raise InvalidValueError("reason", "a reason is required to undo")
        if action == "unmerge":
            liaison.app.unmerge_suggestion(suggestion_id, values["reason"], desk.actor)
        else:
            liaison.app.withdraw_rejection(suggestion_id, values["reason"], desk.actor)
        return redirect(desk.link(page, done="unmerged" if action == "unmerge" else "unrejected"))
    except DomainError as refused:
        field, message = refusal(refused, "reason")
        if field == "reason":
            message = MESSAGES["reason_undo"]
    context = {
        "suggestion": suggestion,
        "undo": action,
        "values": values,
        "errors": translated(request, {field: message}),
    }
    return show(request, desk, "staff_undo.html", context, 422)


@router.get("/staff/suggestions/{suggestion_id}/withdraw-rejection", response_class=HTMLResponse)
def confirm_withdraw(
    request: Request, suggestion_id: UUID, desk: DeskDep, liaison: LiaisonDep
) -> HTMLResponse:
    """Asks why the rejection is withdrawn."""
    suggestion = liaison.app.suggestion(desk.actor, suggestion_id)
    desk = record_desk(desk, liaison, suggestion.contact_point_id)
    return show(request, desk, "staff_undo.html", {"suggestion": suggestion, "undo": "reject"})


@router.post("/staff/suggestions/{suggestion_id}/withdraw-rejection", response_class=HTMLResponse)
def withdraw_rejection(
    request: Request, suggestion_id: UUID, form: CheckedForm, desk: DeskDep, liaison: LiaisonDep
) -> Response:
    """Withdraw a rejection made by mistake: the suggestion waits to be screened again."""
    return _undo(request, suggestion_id, form, desk, liaison, "reject")


@router.get("/staff/suggestions/{suggestion_id}/unmerge", response_class=HTMLResponse)
def confirm_unmerge(
    request: Request, suggestion_id: UUID, desk: DeskDep, liaison: LiaisonDep
) -> HTMLResponse:
    """Asks why the merge is undone."""
    suggestion = liaison.app.suggestion(desk.actor, suggestion_id)
    desk = record_desk(desk, liaison, suggestion.contact_point_id)
    return show(request, desk, "staff_undo.html", {"suggestion": suggestion, "undo": "unmerge"})


@router.post("/staff/suggestions/{suggestion_id}/unmerge", response_class=HTMLResponse)
def unmerge(
    request: Request, suggestion_id: UUID, form: CheckedForm, desk: DeskDep, liaison: LiaisonDep
) -> Response:
    """Undo a merge made by mistake (before the report): both suggestions as they were."""
    return _undo(request, suggestion_id, form, desk, liaison, "unmerge")


@router.get("/staff/sessions/{session_id}/cancel", response_class=HTMLResponse)
def confirm_cancel(
    request: Request, session_id: UUID, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep
) -> HTMLResponse:
    """Asks before a session is cancelled (nothing more can be recorded for it after)."""
    session, desk = own_session(liaison, conn, desk, session_id)
    reason = request.query_params.get("reason", "")[:200]
    return show(request, desk, "staff_confirm_cancel.html", {"session": session, "reason": reason})
