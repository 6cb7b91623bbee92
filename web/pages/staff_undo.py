"""Mistakes undone, as new events with a reason: a rejection withdrawn, a merge undone
(before the report). And the step that asks before a session is cancelled."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from domain.errors import DomainError, InvalidValueError
from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison
from web.deps import LiaisonDep
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
from web.pages.staff_session_page import OwnSession

router = APIRouter(include_in_schema=False)


def _own(suggestion_id: UUID, desk: DeskDep, liaison: LiaisonDep) -> tuple[Suggestion, Desk]:
    suggestion = liaison.app.suggestion(desk.actor, suggestion_id)
    return suggestion, record_desk(desk, liaison, suggestion.contact_point_id)


OwnSuggestion = Annotated[tuple[Suggestion, Desk], Depends(_own)]


def _undo(
    request: Request, own: tuple[Suggestion, Desk], form: object, liaison: Liaison, action: str
) -> Response:
    """Run one undo; on refusal, its form again with what was wrong."""
    suggestion, desk = own
    values = form_values(form, "reason")
    page = f"/staff/suggestions/{suggestion.id}"
    try:
        if not values["reason"]:
            raise InvalidValueError("reason", "a reason is required to undo")
        if action == "unmerge":
            liaison.app.unmerge_suggestion(suggestion.id, values["reason"], desk.actor)
        else:
            liaison.app.withdraw_rejection(suggestion.id, values["reason"], desk.actor)
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
@router.get("/staff/suggestions/{suggestion_id}/unmerge", response_class=HTMLResponse)
def confirm_undo(request: Request, own: OwnSuggestion) -> HTMLResponse:
    """Asks why the rejection is withdrawn, or the merge undone."""
    suggestion, desk = own
    undo = "unmerge" if request.url.path.endswith("/unmerge") else "reject"
    return show(request, desk, "staff_undo.html", {"suggestion": suggestion, "undo": undo})


@router.post("/staff/suggestions/{suggestion_id}/withdraw-rejection", response_class=HTMLResponse)
@router.post("/staff/suggestions/{suggestion_id}/unmerge", response_class=HTMLResponse)
def undo(request: Request, form: CheckedForm, own: OwnSuggestion, liaison: LiaisonDep) -> Response:
    """Withdraw a rejection made by mistake (the suggestion waits to be screened again), or
    undo a merge made by mistake before the report (both suggestions as they were)."""
    action = "unmerge" if request.url.path.endswith("/unmerge") else "reject"
    return _undo(request, own, form, liaison, action)


@router.get("/staff/sessions/{session_id}/cancel", response_class=HTMLResponse)
def confirm_cancel(own: OwnSession) -> HTMLResponse:
    """Asks before a session is cancelled (nothing more can be recorded for it after)."""
    session, page = own
    reason = page.request.query_params.get("reason", "")[:200]
    return page.show("staff_confirm_cancel.html", {"session": session, "reason": reason})
