"""Reports upward (报送) from the desk, their downloads, and what the congress decided.

The table a report carries is made by the API's own export code (``web.api.reports``), so
the preview, the report page and the downloaded files always say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, cast
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from domain.draft import Draft
from domain.errors import DomainError, UnknownArticleError
from domain.report import Report
from domain.suggestion import DECIDED, Outcome, Status, Suggestion
from liaison.bootstrap import Liaison
from liaison.exports import Summary
from liaison.rights import Role
from liaison.sessions import PageSession
from projections.dashboard import draft_suggestions, reports_of
from web.api.reports import ExportFormat, _summary, export
from web.deps import LiaisonDep, ReadDep
from web.pages.rendering import CheckedForm, redirect, signed_in
from web.pages.staff_confirm import confirm_feedback, confirm_report
from web.pages.staff_desk import (
    MESSAGES,
    Desk,
    DeskDep,
    choose_contact_point,
    form_values,
    headings,
    parse_article,
    parse_date,
    parse_uuid,
    record_desk,
    refusal,
    show,
    show_form,
)

router = APIRouter(include_in_schema=False)

DECIDED_STATES = tuple(s.value for s in DECIDED)
AFTER_REPORT = (Status.REPORTED.value, *DECIDED_STATES, Status.FED_BACK.value)


@dataclass(frozen=True)
class _Pending:
    """What the export reads of a report, for a report not submitted yet (the preview)."""

    contact_point_id: UUID
    draft_id: UUID
    suggestion_ids: list[UUID]
    submitted_on: date


def _table(
    liaison: Liaison, conn: Connection, desk: Desk, draft: Draft, ids: list[UUID], on: date
) -> Summary:
    pending = _Pending(desk.cp, draft.id, ids, on)
    return _summary(liaison, cast(Report, pending), conn)


def _build_page(
    request: Request,
    liaison: Liaison,
    conn: Connection,
    desk: Desk,
    draft: Draft,
    ticked: set[str] | None = None,
    submitted_on: str = "",
    errors: dict[str, str] | None = None,
    preview: bool = False,
) -> HTMLResponse:
    accepted = draft_suggestions(conn, desk.cp, draft.id, (Status.ACCEPTED.value,))
    ids = [UUID(r["id"]) for r in accepted]
    summary = _table(liaison, conn, desk, draft, ids, liaison.app.clock.today())
    rows = [
        {"id": str(i), "row": row, "ticked": ticked is None or str(i) in ticked}
        for i, row in zip(ids, summary.rows, strict=True)
    ]
    context = {
        "draft": draft,
        "rows": rows,
        "preview": [r for r in rows if r["ticked"]] if preview else None,
    }
    values = {"submitted_on": submitted_on or liaison.app.clock.today().isoformat()}
    return show_form(request, desk, "staff_report_new.html", context, values, errors)


@router.get("/staff/drafts/{draft_id}/report", response_class=HTMLResponse)
def build(
    request: Request, draft_id: UUID, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep
) -> HTMLResponse:
    """Choose the accepted suggestions of a draft to report upward, and see the table."""
    draft = liaison.app.get(draft_id, Draft)
    if desk.choosing:
        return choose_contact_point(request, desk, conn)
    return _build_page(request, liaison, conn, desk, draft)


@router.post("/staff/drafts/{draft_id}/report", response_class=HTMLResponse)
def submit(
    request: Request,
    draft_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Preview the table of the ticked suggestions, or submit them as a report."""
    draft = liaison.app.get(draft_id, Draft)
    ticked = [str(v) for v in form.getlist("suggestion_ids")][:2000]
    ids = list(dict.fromkeys(i for i in (parse_uuid(t) for t in ticked) if i is not None))
    on_text = str(form.get("submitted_on", "")).strip()
    on = parse_date(on_text)
    errors: dict[str, str] = {}
    if not ids:
        errors["suggestion_ids"] = MESSAGES["suggestion_ids"]
    if on is None:
        errors["submitted_on"] = MESSAGES["submitted_on"]
    if form.get("action") == "preview" or errors:
        return _build_page(
            request, liaison, conn, desk, draft, {str(i) for i in ids}, on_text, errors, True
        )
    if form.get("confirmed") != "yes":
        return confirm_report(request, desk, draft, ids, cast(date, on))
    try:
        report = liaison.app.submit_report(desk.cp, draft_id, ids, cast(date, on), desk.actor)
        return redirect(desk.link(f"/staff/reports/{report.id}"))
    except DomainError as refused:
        field, message = refusal(refused, "suggestion_ids")
        errors[field] = message
    return _build_page(
        request, liaison, conn, desk, draft, {str(i) for i in ids}, on_text, errors, True
    )


@router.get("/staff/reports", response_class=HTMLResponse)
def reports_page(request: Request, desk: DeskDep, conn: ReadDep) -> HTMLResponse:
    """The desk's reports, newest first, with how many still await the congress."""
    if desk.choosing:
        return choose_contact_point(request, desk, conn)
    return show(request, desk, "staff_reports.html", {"reports": reports_of(conn, desk.cp)})


def _own_report(
    liaison: Liaison, conn: Connection, desk: Desk, report_id: UUID
) -> tuple[Report, Desk]:
    report = liaison.app.report(desk.actor, report_id)
    return report, record_desk(desk, liaison, report.contact_point_id)


@router.get("/staff/reports/{report_id}.{extension}", response_class=Response)
def download(
    request: Request,
    report_id: UUID,
    extension: ExportFormat,
    session: Annotated[PageSession, signed_in(Role.STAFF)],
    liaison: LiaisonDep,
) -> Response:
    """The report's table as DOCX or CSV: the API's own export, checked and audited alike."""
    return export(
        report_id=report_id,
        user=session.user,
        liaison=liaison,
        request=request,
        format=extension,
    )


@router.get("/staff/reports/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request, report_id: UUID, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep
) -> HTMLResponse:
    """A submitted report: its table and the files to send or print."""
    report, desk = _own_report(liaison, conn, desk, report_id)
    context = {
        "report": report,
        "draft": liaison.app.get(report.draft_id, Draft),
        "summary": _summary(liaison, report, conn),
    }
    return show(request, desk, "staff_report.html", context)


def _outcomes_page(
    request: Request,
    liaison: Liaison,
    conn: Connection,
    desk: Desk,
    draft: Draft,
    failed: tuple[str, str] | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    rows = draft_suggestions(conn, desk.cp, draft.id, AFTER_REPORT)
    feedback = {}
    for row in rows:
        if row["status"] in (*DECIDED_STATES, Status.FED_BACK.value):
            suggestion = liaison.app.get(UUID(row["id"]), Suggestion)
            feedback[row["id"]] = {"note": suggestion.note, "message": suggestion.feedback}
    context = {
        "draft": draft,
        "headings": headings(draft),
        "rows": rows,
        "details": feedback,
        "outcomes": [o.value for o in Outcome],
        "failed": failed or ("", ""),
    }
    return show_form(request, desk, "staff_outcomes.html", context, values, errors)


@router.get("/staff/drafts/{draft_id}/outcomes", response_class=HTMLResponse)
def outcomes(
    request: Request, draft_id: UUID, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep
) -> HTMLResponse:
    """Reported suggestions of a draft: record the congress's decisions, send feedback."""
    draft = liaison.app.get(draft_id, Draft)
    if desk.choosing:
        return choose_contact_point(request, desk, conn)
    return _outcomes_page(request, liaison, conn, desk, draft)


def _decide(
    request: Request,
    liaison: Liaison,
    conn: Connection,
    desk: Desk,
    suggestion_id: UUID,
    form: Any,
    action: str,
) -> Response:
    suggestion = liaison.app.suggestion(desk.actor, suggestion_id)
    desk = record_desk(desk, liaison, suggestion.contact_point_id)
    fields = ("outcome", "final_article", "note") if action == "outcome" else ("message",)
    values = form_values(form, *fields)
    errors: dict[str, str] = {}
    try:
        if action == "outcome":
            final = parse_article(values["final_article"])
            if values["final_article"] and final is None:
                errors["final_article"] = MESSAGES["final_article"]
            else:
                liaison.app.record_outcome(
                    suggestion_id,
                    values["outcome"],
                    desk.actor,
                    final_article=final,
                    note=values["note"] or None,
                )
        else:
            liaison.app.send_feedback(suggestion_id, values["message"], desk.actor)
        if not errors:
            page = desk.link(f"/staff/drafts/{suggestion.draft_id}/outcomes")
            return redirect(f"{page}#s-{suggestion_id.hex}")
    except UnknownArticleError:  # not in the latest reading nor the law as passed
        errors["final_article"] = MESSAGES["final_article"]
    except DomainError as refused:
        field, message = refusal(refused, fields[0])
        errors[field] = message
    draft = liaison.app.get(suggestion.draft_id, Draft)
    failed = (suggestion_id.hex, action)
    return _outcomes_page(request, liaison, conn, desk, draft, failed, values, errors)


@router.post("/staff/suggestions/{suggestion_id}/outcome", response_class=HTMLResponse)
def record_outcome(
    request: Request,
    suggestion_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Record what the congress decided on a reported suggestion."""
    return _decide(request, liaison, conn, desk, suggestion_id, form, "outcome")


@router.post("/staff/suggestions/{suggestion_id}/feedback", response_class=HTMLResponse)
def send_feedback(
    request: Request,
    suggestion_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Tell the people behind the suggestion what became of it (after a confirmation)."""
    message = form_values(form, "message")["message"]
    if message and form.get("confirmed") != "yes":
        return confirm_feedback(request, liaison, desk, suggestion_id, message)
    return _decide(request, liaison, conn, desk, suggestion_id, form, "feedback")
