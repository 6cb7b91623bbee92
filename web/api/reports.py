"""Reports upward: accepted suggestions of one draft, sent together; exported for the congress."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from domain.decisions import DecisionsRefusedError, Ruling
from domain.report import Report
from domain.rules import MAX_ARTICLE, MAX_CONTENT, MAX_REASON
from domain.suggestion import Outcome
from liaison import letters
from liaison.exports import as_csv, as_docx, report_summary
from projections.inbox import ReportStatus
from web.api.common import ERRORS, FromRecord, IsoDate
from web.auth import CurrentUser
from web.deps import LiaisonDep
from web.errors import client_address

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], responses=ERRORS)


class ReportIn(BaseModel):
    contact_point_id: UUID
    draft_id: UUID
    suggestion_ids: list[UUID] = Field(min_length=1, max_length=2000)
    submitted_on: IsoDate


class ReportOut(FromRecord):
    id: UUID
    contact_point_id: UUID
    draft_id: UUID
    suggestion_ids: list[UUID]
    submitted_on: date


class ReportSummary(BaseModel):
    id: UUID
    contact_point_id: UUID
    draft_id: UUID
    submitted_on: date
    suggestions: int = Field(description="how many suggestions the report carried")
    decided: int = Field(description="how many of them have the congress's decision")
    draft_title: str
    contact_point_name: str


class DecisionIn(BaseModel):
    suggestion_id: UUID
    outcome: Outcome
    final_article: int | None = Field(
        None, ge=1, le=MAX_ARTICLE, description="in the latest text, or the law as passed"
    )
    note: str | None = Field(None, max_length=MAX_REASON)


class DecisionsIn(BaseModel):
    decisions: list[DecisionIn] = Field(min_length=1, max_length=2000)


class DecisionsOut(BaseModel):
    report_id: UUID
    recorded: list[UUID] = Field(description="suggestions whose decision this call recorded")
    unchanged: list[UUID] = Field(description="suggestions already decided the same way")


class FeedbackIn(BaseModel):
    message: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_CONTENT,
        description="one message for every outcome; the default per outcome when left out",
    )


class FeedbackOut(BaseModel):
    fed_back: int = Field(description="persons told by this call (merged opinions included)")


class ExportFormat(StrEnum):
    CSV = "csv"
    DOCX = "docx"


MEDIA = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def report_out(report: Report) -> ReportOut:
    return ReportOut.model_validate(report)


@router.post("", status_code=status.HTTP_201_CREATED)
def submit(body: ReportIn, user: CurrentUser, liaison: LiaisonDep) -> ReportOut:
    """Send accepted suggestions of one draft upward; each becomes reported."""
    report = liaison.app.submit_report(
        body.contact_point_id, body.draft_id, body.suggestion_ids, body.submitted_on, user
    )
    return report_out(report)


@router.get("")
def inbox(
    user: CurrentUser,
    liaison: LiaisonDep,
    status: ReportStatus | None = None,
    contact_point_id: UUID | None = None,
) -> list[ReportSummary]:
    """Reports upward, newest first, each with how many suggestions it carried and decided."""
    rows = liaison.queries.reports(user, contact_point_id, status)
    return [ReportSummary(**row) for row in rows]


@router.post("/{report_id}/decisions")
def decide(
    report_id: UUID, body: DecisionsIn, user: CurrentUser, liaison: LiaisonDep
) -> DecisionsOut:
    """Record the congress's decisions on a report's suggestions: all of them, or none."""
    rulings = [
        Ruling(d.suggestion_id, d.outcome.value, d.final_article, d.note) for d in body.decisions
    ]
    try:
        decided = liaison.app.decide_report(report_id, rulings, user)
    except DecisionsRefusedError as refused:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, _problems(refused)) from None
    return DecisionsOut(report_id=report_id, recorded=decided.recorded, unchanged=decided.unchanged)


def _problems(refused: DecisionsRefusedError) -> list[dict[str, object]]:
    """Each bad decision named as a validation error is: where it is, and what is wrong."""
    return [
        {
            "loc": ["body", "decisions", p.index, p.field],
            "msg": p.message,
            "type": "value_error",
            "suggestion_id": str(p.suggestion_id),
        }
        for p in refused.problems
    ]


@router.post("/{report_id}/feedback")
def feed_back(
    report_id: UUID, user: CurrentUser, liaison: LiaisonDep, body: FeedbackIn | None = None
) -> FeedbackOut:
    """Tell every person behind the report's decided suggestions not told yet, merged ones too."""
    message = None if body is None else body.message
    messages = None if message is None else dict.fromkeys(Outcome, message)
    told = liaison.app.feed_back_report(user, report_id, messages)
    return FeedbackOut(fed_back=told)


@router.get("/{report_id}")
def get_one(report_id: UUID, user: CurrentUser, liaison: LiaisonDep) -> ReportOut:
    """One report and the suggestions it carried."""
    return report_out(liaison.app.report(user, report_id))


@router.get(
    "/{report_id}/export",
    response_class=Response,
    responses={200: {"content": {MEDIA[ExportFormat.CSV]: {}, MEDIA[ExportFormat.DOCX]: {}}}},
)
def export(
    report_id: UUID,
    user: CurrentUser,
    liaison: LiaisonDep,
    request: Request,
    format: ExportFormat = ExportFormat.CSV,
) -> Response:
    """The summary table sent upward, as CSV (UTF-8, BOM) or DOCX, sealed with the log head."""
    report = liaison.app.report(user, report_id)
    with liaison.engine.connect() as conn:  # given back before the audit asks for another
        summary = report_summary(liaison.app, liaison.chain, report, conn)
    liaison.audit.record(
        user.username,
        "export",
        f"report {report_id} as {format.value}",
        address=client_address(request),
    )
    content = as_csv(summary) if format is ExportFormat.CSV else as_docx(summary)
    return Response(
        content,
        media_type=MEDIA[format],
        headers={
            "Content-Disposition": attachment(
                summary.filename(format.value), f"report-{summary.submitted_on}.{format.value}"
            )
        },
    )


@router.get(
    "/{report_id}/letters",
    response_class=Response,
    responses={200: {"content": {MEDIA[ExportFormat.CSV]: {}, MEDIA[ExportFormat.DOCX]: {}}}},
)
def letters_of(
    report_id: UUID,
    user: CurrentUser,
    liaison: LiaisonDep,
    request: Request,
    format: ExportFormat = ExportFormat.DOCX,
) -> Response:
    """Letters to those told who agreed to be contacted: DOCX a page each, or CSV for SMS."""
    found = liaison.app.letters(user, report_id)
    liaison.audit.record(
        user.username,
        "export",
        f"letters of report {report_id} as {format.value}",
        address=client_address(request),
    )
    content = letters.as_csv(found) if format is ExportFormat.CSV else letters.as_docx(found)
    name = f"feedback-letters-{report_id}.{format.value}"
    return Response(
        content,
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def attachment(filename: str, fallback: str) -> str:
    """RFC 6266: an ASCII name for old clients, the real (Chinese) one as ``filename*``."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
