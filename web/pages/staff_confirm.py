"""The step that asks before an action that cannot simply be taken back: a suggestion not
taken up or merged, a report submitted, feedback sent. The page restates what will happen;
its one button posts the form as it was filled in (no script: the pages run under CSP).

Rejecting and merging ask by GET (the form sends a reason or a choice). A report (up to
2,000 ticked suggestions) and feedback (up to 5,000 characters) would not fit in an address,
so their forms post and are answered with the same kind of page while ``confirmed`` is not
``yes``."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from domain.draft import Draft
from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison
from web.deps import LiaisonDep
from web.i18n import N_
from web.pages.staff_desk import Desk, DeskDep, gettext, parse_uuid, record_desk, show

router = APIRouter(include_in_schema=False)

HEADINGS = {
    "reject": N_("Do not take up this suggestion?"),
    "merge": N_("Merge this suggestion into another?"),
    "report": N_("Submit the report on “{title}”?"),
    "feedback": N_("Send this feedback?"),
}


def _suggestion(liaison: Liaison, desk: Desk, suggestion_id: UUID) -> tuple[Suggestion, Desk]:
    suggestion = liaison.app.suggestion(desk.actor, suggestion_id)
    return suggestion, record_desk(desk, liaison, suggestion.contact_point_id)


def _back(request: Request, suggestion: Suggestion) -> tuple[str, str]:
    """The form's ``back`` (queue or detail) and the page that goes back to, changing nothing."""
    if request.query_params.get("back") == "queue":
        return "queue", f"/staff/drafts/{suggestion.draft_id}/screening#s-{suggestion.id.hex}"
    return "detail", f"/staff/suggestions/{suggestion.id}"


def _ask(request: Request, desk: Desk, what: str, context: dict[str, Any]) -> HTMLResponse:
    title = context["draft"].title if what == "report" else ""
    heading = gettext(request)(HEADINGS[what], **({"title": title} if title else {}))
    path, _, anchor = context["back_link"].partition("#")
    back_href = desk.link(path) + (f"#{anchor}" if anchor else "")
    return show(
        request,
        desk,
        "staff_confirm.html",
        {"what": what, "heading": heading, "back_href": back_href, **context},
    )


@router.get("/staff/suggestions/{suggestion_id}/reject", response_class=HTMLResponse)
def confirm_reject(
    request: Request, suggestion_id: UUID, desk: DeskDep, liaison: LiaisonDep
) -> HTMLResponse:
    """Asks before a suggestion is not taken up, restating it and the reason."""
    suggestion, desk = _suggestion(liaison, desk, suggestion_id)
    reason = request.query_params.get("reason", "").replace("\r\n", "\n").strip()[:1000]
    back, back_link = _back(request, suggestion)
    context = {
        "suggestion": suggestion,
        "reason": reason,
        "hidden": [("reason", reason), ("back", back)],
        "action": f"/staff/suggestions/{suggestion_id}/reject",
        "back_link": back_link,
    }
    return _ask(request, desk, "reject", context)


@router.get("/staff/suggestions/{suggestion_id}/merge", response_class=HTMLResponse)
def confirm_merge(
    request: Request, suggestion_id: UUID, desk: DeskDep, liaison: LiaisonDep
) -> HTMLResponse:
    """Asks before a suggestion is merged, restating both suggestions."""
    suggestion, desk = _suggestion(liaison, desk, suggestion_id)
    into_id = parse_uuid(request.query_params.get("into", ""))
    into = liaison.app.suggestion(desk.actor, into_id) if into_id else None
    back, back_link = _back(request, suggestion)
    context = {
        "suggestion": suggestion,
        "into": into,
        "hidden": [("into", str(into_id or "")), ("back", back)],
        "action": f"/staff/suggestions/{suggestion_id}/merge",
        "back_link": back_link,
    }
    return _ask(request, desk, "merge", context)


def confirm_report(
    request: Request, desk: Desk, draft: Draft, ids: list[UUID], on: date
) -> HTMLResponse:
    """Asks before the ticked suggestions are reported upward (a report is not withdrawn)."""
    hidden = [("suggestion_ids", str(i)) for i in ids]
    hidden += [("submitted_on", on.isoformat()), ("action", "submit"), ("confirmed", "yes")]
    context = {
        "draft": draft,
        "count": len(ids),
        "on": on,
        "hidden": hidden,
        "action": f"/staff/drafts/{draft.id}/report",
        "back_link": f"/staff/drafts/{draft.id}/report",
    }
    return _ask(request, desk, "report", context)


def confirm_feedback(
    request: Request, liaison: Liaison, desk: Desk, suggestion_id: UUID, message: str
) -> HTMLResponse:
    """Asks before feedback is sent to the people behind a suggestion, restating it."""
    suggestion, desk = _suggestion(liaison, desk, suggestion_id)
    context = {
        "suggestion": suggestion,
        "message": message,
        "hidden": [("message", message), ("confirmed", "yes")],
        "action": f"/staff/suggestions/{suggestion_id}/feedback",
        "back_link": f"/staff/drafts/{suggestion.draft_id}/outcomes#s-{suggestion_id.hex}",
    }
    return _ask(request, desk, "feedback", context)
