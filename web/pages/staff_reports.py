"""Reports upward (报送) from the desk, their downloads, and what the congress decided.

The table a report carries is made by the API's own export code (``web.api.reports``), so
the preview, the report page and the downloaded files always say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, cast
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from domain.draft import Draft
from domain.errors import DomainError, UnknownArticleError
from domain.report import Report
from domain.suggestion import DECIDED, Outcome, Status, Suggestion
from liaison.commands.feedback import DEFAULT_MESSAGES
from liaison.exports import Summary, report_summary
from liaison.rights import Role
from liaison.sessions import PageSession
from projections.dashboard import draft_suggestions, reports_of
from web.api.reports import ExportFormat, export, letters_of
from web.deps import LiaisonDep
from web.pages.desk_page import DeskPage, PageDep, note_refusal
from web.pages.rendering import CheckedForm, signed_in
from web.pages.staff_confirm import confirm_feedback, confirm_report
from web.pages.staff_desk import (
    MESSAGES,
    form_values,
    headings,
    parse_article,
    parse_date,
    parse_uuid,
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


def _table(page: DeskPage, draft: Draft, ids: list[UUID], on: date) -> Summary:
    pending = _Pending(page.desk.cp, draft.id, ids, on)
    return report_summary(page.liaison.app, page.liaison.chain, cast(Report, pending), page.conn)


def _build_page(
    page: DeskPage,
    draft: Draft,
    ticked: set[str] | None = None,
    submitted_on: str = "",
    errors: dict[str, str] | None = None,
    preview: bool = False,
) -> HTMLResponse:
    accepted = draft_suggestions(page.conn, page.desk.cp, draft.id, (Status.ACCEPTED.value,))
    ids = [UUID(r["id"]) for r in accepted]
    today = page.liaison.app.clock.today()
    summary = _table(page, draft, ids, today)
    rows = [
        {"id": str(i), "row": row, "ticked": ticked is None or str(i) in ticked}
        for i, row in zip(ids, summary.rows, strict=True)
    ]
    shown = [r for r in rows if r["ticked"]] if preview else None
    values = {"submitted_on": submitted_on or today.isoformat()}
    context = {"draft": draft, "rows": rows, "preview": shown}
    return page.form("staff_report_new.html", context, values, errors)


@router.get("/staff/drafts/{draft_id}/report", response_class=HTMLResponse)
def build(draft_id: UUID, page: PageDep) -> HTMLResponse:
    """Choose the accepted suggestions of a draft to report upward, and see the table."""
    draft = page.liaison.app.get(draft_id, Draft)
    return page.choose() if page.desk.choosing else _build_page(page, draft)


@router.post("/staff/drafts/{draft_id}/report", response_class=HTMLResponse)
def submit(draft_id: UUID, form: CheckedForm, page: PageDep) -> Response:
    """Preview the table of the ticked suggestions, or submit them as a report."""
    draft = page.liaison.app.get(draft_id, Draft)
    ticked = [str(v) for v in form.getlist("suggestion_ids")][:2000]
    ids = list(dict.fromkeys(i for i in (parse_uuid(t) for t in ticked) if i is not None))
    on_text = str(form.get("submitted_on", "")).strip()
    on = parse_date(on_text)
    errors: dict[str, str] = {}
    if not ids:
        errors["suggestion_ids"] = MESSAGES["suggestion_ids"]
    if on is None:
        errors["submitted_on"] = MESSAGES["submitted_on"]
    if form.get("action") != "preview" and not errors:
        if form.get("confirmed") != "yes":
            return confirm_report(page.request, page.desk, draft, ids, cast(date, on))
        try:
            report = page.liaison.app.submit_report(
                page.desk.cp, draft_id, ids, cast(date, on), page.desk.actor
            )
            return page.go(f"/staff/reports/{report.id}")
        except DomainError as refused:
            note_refusal(errors, refused, "suggestion_ids")
    return _build_page(page, draft, {str(i) for i in ids}, on_text, errors, True)


@router.get("/staff/reports", response_class=HTMLResponse)
def reports_page(page: PageDep) -> HTMLResponse:
    """The desk's reports, newest first, with how many still await the congress."""
    if page.desk.choosing:
        return page.choose()
    return page.show("staff_reports.html", {"reports": reports_of(page.conn, page.desk.cp)})


def _file(api: Callable[..., Response], what: str) -> Callable[..., Response]:
    """A page's download of what the API ``api`` gives: checked and audited alike."""

    def download(
        request: Request,
        report_id: UUID,
        extension: ExportFormat,
        session: Annotated[PageSession, signed_in(Role.STAFF)],
        liaison: LiaisonDep,
    ) -> Response:
        asked = {"report_id": report_id, "request": request, "format": extension}
        return api(user=session.user, liaison=liaison, **asked)

    download.__doc__ = what
    return download


router.get("/staff/reports/{report_id}.{extension}", response_class=Response)(
    _file(export, "The report's table as DOCX or CSV.")
)
router.get("/staff/reports/{report_id}/letters.{extension}", response_class=Response)(
    _file(letters_of, "Letters to those told who agreed to be contacted, for post or SMS.")
)


def _report_page(
    page: DeskPage,
    report_id: UUID,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    report = page.liaison.app.report(page.desk.actor, report_id)
    page = page.at(report.contact_point_id)
    feedback = page.liaison.queries.report_feedback(page.desk.actor, report_id)
    defaults = {f"message_{o}": DEFAULT_MESSAGES[o] for o in feedback.owed}
    context = {
        "report": report,
        "draft": page.liaison.app.get(report.draft_id, Draft),
        "summary": report_summary(page.liaison.app, page.liaison.chain, report, page.conn),
        "feedback": feedback,
    }
    return page.form("staff_report.html", context, {**defaults, **(values or {})}, errors)


@router.get("/staff/reports/{report_id}", response_class=HTMLResponse)
def report_page(report_id: UUID, page: PageDep) -> HTMLResponse:
    """A submitted report: its table, the files to send or print, and feedback to everyone."""
    return _report_page(page, report_id)


@router.post("/staff/reports/{report_id}/feedback", response_class=HTMLResponse)
def feed_back_report(report_id: UUID, form: CheckedForm, page: PageDep) -> Response:
    """Tell every person behind the report's decided suggestions, merged ones included."""
    values = {k: str(v) for k, v in form.items() if k.startswith("message_")}
    messages = {k.removeprefix("message_"): v for k, v in values.items()}
    try:
        page.liaison.app.feed_back_report(page.desk.actor, report_id, messages)
    except DomainError as refused:
        errors: dict[str, str] = {}
        note_refusal(errors, refused, "feedback")
        return _report_page(page, report_id, values, errors)
    return page.go(f"/staff/reports/{report_id}", "#feedback", done="fed_back")


def _outcomes_page(
    page: DeskPage,
    draft: Draft,
    failed: tuple[str, str] | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    """A draft's reported suggestions, each decided one with its note and feedback."""
    rows = draft_suggestions(page.conn, page.desk.cp, draft.id, AFTER_REPORT)
    feedback = {}
    for row in rows:
        if row["status"] in (*DECIDED_STATES, Status.FED_BACK.value):
            suggestion = page.liaison.app.get(UUID(row["id"]), Suggestion)
            feedback[row["id"]] = {"note": suggestion.note, "message": suggestion.feedback}
    context = {
        "draft": draft,
        "headings": headings(draft),
        "rows": rows,
        "details": feedback,
        "outcomes": [o.value for o in Outcome],
        "failed": failed or ("", ""),
    }
    return page.form("staff_outcomes.html", context, values, errors)


@router.get("/staff/drafts/{draft_id}/outcomes", response_class=HTMLResponse)
def outcomes(draft_id: UUID, page: PageDep) -> HTMLResponse:
    """Reported suggestions of a draft: record the congress's decisions, send feedback."""
    draft = page.liaison.app.get(draft_id, Draft)
    return page.choose() if page.desk.choosing else _outcomes_page(page, draft)


def _decide(page: DeskPage, suggestion_id: UUID, form: Any, action: str) -> Response:
    app = page.liaison.app
    suggestion = app.suggestion(page.desk.actor, suggestion_id)
    page = page.at(suggestion.contact_point_id)
    fields = ("outcome", "final_article", "note") if action == "outcome" else ("message",)
    values = form_values(form, *fields)
    errors: dict[str, str] = {}
    try:
        if action == "outcome":
            final = parse_article(values["final_article"])
            if values["final_article"] and final is None:
                errors["final_article"] = MESSAGES["final_article"]
            else:
                note = values["note"] or None
                app.record_outcome(
                    suggestion_id,
                    values["outcome"],
                    page.desk.actor,
                    final_article=final,
                    note=note,
                )
        else:
            app.send_feedback(suggestion_id, values["message"], page.desk.actor)
        if not errors:
            outcomes = f"/staff/drafts/{suggestion.draft_id}/outcomes"
            return page.go(outcomes, f"#s-{suggestion_id.hex}")
    except UnknownArticleError:  # not in the latest reading nor the law as passed
        errors["final_article"] = MESSAGES["final_article"]
    except DomainError as refused:
        note_refusal(errors, refused, fields[0])
    draft = app.get(suggestion.draft_id, Draft)
    return _outcomes_page(page, draft, (suggestion_id.hex, action), values, errors)


@router.post("/staff/suggestions/{suggestion_id}/outcome", response_class=HTMLResponse)
def record_outcome(suggestion_id: UUID, form: CheckedForm, page: PageDep) -> Response:
    """Record what the congress decided on a reported suggestion."""
    return _decide(page, suggestion_id, form, "outcome")


@router.post("/staff/suggestions/{suggestion_id}/feedback", response_class=HTMLResponse)
def send_feedback(suggestion_id: UUID, form: CheckedForm, page: PageDep) -> Response:
    """Tell the people behind the suggestion what became of it (after a confirmation)."""
    message = form_values(form, "message")["message"]
    if message and form.get("confirmed") != "yes":
        return confirm_feedback(page.request, page.liaison, page.desk, suggestion_id, message)
    return _decide(page, suggestion_id, form, "feedback")
