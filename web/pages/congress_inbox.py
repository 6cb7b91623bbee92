"""The congress's inbox (法工委): reports upward from every contact point, and the page where
the decisions on one report's suggestions are recorded together, all or nothing."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from domain.decisions import AlreadyDecidedError, DecisionsRefusedError, Ruling
from domain.draft import Draft
from domain.errors import WrongStateError
from domain.suggestion import Outcome
from liaison.bootstrap import Liaison
from liaison.errors import ConflictError
from liaison.rights import Role
from liaison.sessions import PageSession
from projections.inbox import ReportStatus
from web.deps import LiaisonDep
from web.i18n import N_, language, translator
from web.pages.rendering import CheckedForm, redirect, render, signed_in
from web.pages.staff_desk import parse_article

router = APIRouter(include_in_schema=False)
Congress = signed_in(Role.CONGRESS)
SHOWN = ("awaiting_decision", "decided", "all")

MESSAGES = {
    "outcome": N_("Please choose what the congress decided."),
    "final_article": N_("Please choose an article of the latest text, or none."),
    "note": N_("The note can be at most 1,000 characters."),
    "suggestion_id": N_("This suggestion is not in the report. Please look at it again."),
}
NOTHING_CHOSEN = N_("Please choose a decision for at least one suggestion.")
DECIDED_OTHERWISE = N_(
    "Some of these suggestions were decided otherwise in the meantime; nothing was saved. "
    "They are shown below as decided: please look again."
)
CHANGED = N_("Someone changed this report in the meantime; nothing was saved. Please look again.")


@router.get("/congress/inbox", response_class=HTMLResponse)
def inbox(
    request: Request,
    liaison: LiaisonDep,
    status: Annotated[str, Query(max_length=20)] = "awaiting_decision",
    session: PageSession = Congress,
) -> HTMLResponse:
    """Reports from every contact point, newest first: those awaiting a decision, or decided."""
    shown = status if status in SHOWN else "awaiting_decision"
    wanted = None if shown == "all" else ReportStatus(shown)
    context = {"reports": liaison.queries.reports(session.user, status=wanted), "shown": shown}
    return render(request, "congress_inbox.html", context, session=session)


@router.get("/congress/reports/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request,
    report_id: UUID,
    liaison: LiaisonDep,
    saved: Annotated[int | None, Query(ge=0, le=100_000)] = None,
    session: PageSession = Congress,
) -> HTMLResponse:
    """One report's suggestions, each with its decision (or the form to record it)."""
    return _page(request, liaison, session, report_id, saved=saved)


@router.post("/congress/reports/{report_id}", response_class=HTMLResponse)
def save_decisions(
    request: Request,
    report_id: UUID,
    form: CheckedForm,
    liaison: LiaisonDep,
    session: PageSession = Congress,
) -> Response:
    """Save every decision chosen on the page in one go; nothing is saved if one is wrong."""
    rows = liaison.queries.report_suggestions(session.user, report_id)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    rulings = []
    for row in rows:
        me = row["id"]
        for field in ("outcome", "final_article", "note"):
            values[f"{field}-{me}"] = str(form.get(f"{field}-{me}", "")).replace("\r\n", "\n")
        outcome = values[f"outcome-{me}"].strip()
        final_text = values[f"final_article-{me}"].strip()
        note = values[f"note-{me}"].strip()
        if not outcome:
            if final_text or note:
                errors[f"outcome-{me}"] = MESSAGES["outcome"]
            continue
        final = parse_article(final_text) if final_text else None
        if final_text and final is None:
            errors[f"final_article-{me}"] = MESSAGES["final_article"]
            continue
        rulings.append(Ruling(UUID(me), outcome, final, note or None))
    if not rulings and not errors:
        errors["form"] = NOTHING_CHOSEN
    if errors:
        return _page(request, liaison, session, report_id, values, errors)
    try:
        decided = liaison.app.decide_report(report_id, rulings, session.user)
    except DecisionsRefusedError as refused:
        for p in refused.problems:
            key = "form" if p.field == "suggestion_id" else f"{p.field}-{p.suggestion_id.hex}"
            errors[key] = MESSAGES.get(p.field, MESSAGES["outcome"])
        return _page(request, liaison, session, report_id, values, errors)
    except AlreadyDecidedError:
        errors["form"] = DECIDED_OTHERWISE
        return _page(request, liaison, session, report_id, values, errors, 409)
    except (ConflictError, WrongStateError):
        errors["form"] = CHANGED
        return _page(request, liaison, session, report_id, values, errors, 409)
    return redirect(f"/congress/reports/{report_id}?saved={len(decided.recorded)}")


def _page(
    request: Request,
    liaison: Liaison,
    session: PageSession,
    report_id: UUID,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int | None = None,
    saved: int | None = None,
) -> HTMLResponse:
    report = liaison.app.report(session.user, report_id)
    draft = liaison.app.get(report.draft_id, Draft)
    rows = liaison.queries.report_suggestions(session.user, report_id)
    _ = translator(language(request))
    errors = errors or {}
    context: dict[str, Any] = {
        "report": liaison.queries.report_summary(session.user, report_id),
        "draft": draft,
        "rows": rows,
        "headings": _headings(draft),
        "latest": draft.current,
        "outcomes": [o.value for o in Outcome],
        "values": values or {},
        "errors": {k: _(v) for k, v in errors.items()},
        "saved": saved,
    }
    code = status_code or (422 if errors else 200)
    return render(request, "congress_report.html", context, code, session=session)


def _headings(draft: Draft) -> dict[str, dict[int, str]]:
    """Per version label, article number → heading: an article as the draft the suggestion
    was made on writes it."""
    return {v.label: {a.number: a.heading for a in v.articles} for v in draft.versions}
