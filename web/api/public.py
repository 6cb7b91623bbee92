"""Routes anyone may call: open drafts, comments on them, and receipts to follow them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Header, Request, status
from pydantic import BaseModel, Field

from domain.draft import Draft, DraftStatus
from domain.rules import MAX_ARTICLE, MAX_CONTENT, MAX_NAME
from domain.suggestion import Outcome, Status, Suggestion
from liaison.bootstrap import Liaison
from liaison.errors import ConflictError, NotFoundError
from liaison.idempotency import fingerprint
from liaison.rate_limits import RateLimitedError
from projections.drafts import list_drafts
from projections.listings import list_contact_points
from web.api.common import ERRORS
from web.api.contact_points import ContactPointOut
from web.api.drafts import DraftOut, DraftSummary, draft_out
from web.deps import LiaisonDep, ReadDep
from web.errors import client_address

router = APIRouter(prefix="/api/v1/public", tags=["public"], responses=ERRORS)

STATUS_AFTER = {
    "Received": Status.RECEIVED,
    "Accepted": Status.ACCEPTED,
    "Rejected": Status.REJECTED,
    "Merged": Status.MERGED,
    "Reported": Status.REPORTED,
    "FedBack": Status.FED_BACK,
}


class CommentIn(BaseModel):
    contact_point_id: UUID
    article: int | None = Field(None, ge=1, le=MAX_ARTICLE)
    content: str = Field(min_length=1, max_length=MAX_CONTENT)
    name: str | None = Field(None, max_length=MAX_NAME)
    phone: str | None = Field(None, max_length=32)


class CommentOut(BaseModel):
    receipt: str
    status: Status
    draft_id: UUID
    article: int | None
    received_on: date


class ReceiptStep(BaseModel):
    at: datetime
    on: date
    status: Status


class ReceiptOut(BaseModel):
    receipt: str
    status: Status
    draft_title: str
    article: int | None
    received_on: date
    merged: bool = Field(description="folded into a similar suggestion; outcome is that one's")
    outcome: Outcome | None
    feedback: str | None
    history: list[ReceiptStep]


@router.get("/contact-points")
def contact_points(conn: ReadDep) -> list[ContactPointOut]:
    """The contact points a comment can be addressed to."""
    return [ContactPointOut(**row) for row in list_contact_points(conn)]


@router.get("/drafts")
def open_drafts(conn: ReadDep) -> list[DraftSummary]:
    """Drafts open for comment now."""
    return [DraftSummary(**row) for row in list_drafts(conn, DraftStatus.OPEN.value)]


@router.get("/drafts/{draft_id}")
def open_draft(draft_id: UUID, liaison: LiaisonDep) -> DraftOut:
    """One open draft with its articles."""
    draft = liaison.app.get(draft_id, Draft)
    if draft.status is not DraftStatus.OPEN:
        raise NotFoundError(f"no open draft {draft_id}")
    return draft_out(draft)


def _comment_out(suggestion: Suggestion) -> dict[str, Any]:
    return CommentOut(
        receipt=suggestion.receipt,
        status=Status.RECEIVED,
        draft_id=suggestion.draft_id,
        article=suggestion.article,
        received_on=suggestion.received_on,
    ).model_dump(mode="json")


@router.post("/drafts/{draft_id}/comments", status_code=status.HTTP_201_CREATED)
def comment(
    draft_id: UUID,
    body: CommentIn,
    liaison: LiaisonDep,
    request: Request,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> CommentOut:
    """Comment on an open draft (or one article); the answer carries the receipt code."""
    return CommentOut(
        **submit_comment(liaison, client_address(request), draft_id, body, idempotency_key)
    )


def submit_comment(
    liaison: Liaison, address: str, draft_id: UUID, body: CommentIn, idempotency_key: str | None
) -> dict[str, Any]:
    """Record a public comment once per Idempotency-Key, within the address's rate limit.
    Shared by the API and the draft page's form."""
    app = liaison.app

    def saved(suggestion_id: UUID) -> tuple[int, dict[str, Any]] | None:
        """The answer for a comment already in the log (an attempt that died after saving)."""
        try:
            return 201, _comment_out(app.get(suggestion_id, Suggestion))
        except NotFoundError:
            return None

    def record(suggestion_id: UUID) -> tuple[int, dict[str, Any]]:
        """Runs once per new comment: repeats of a key get the stored answer."""
        found = saved(suggestion_id)
        if found is not None:
            return found
        wait = liaison.limiter.take(f"comment:{address}", liaison.settings.comments_per_minute, 60)
        if wait:
            raise RateLimitedError("too many comments from this address; please wait", wait)
        try:
            suggestion = app.comment_publicly(
                draft_id,
                body.contact_point_id,
                body.content,
                article=body.article,
                name=body.name,
                phone=body.phone,
                suggestion_id=suggestion_id,
            )
        except ConflictError:  # the first attempt saved it meanwhile
            suggestion = app.get(suggestion_id, Suggestion)
        return 201, _comment_out(suggestion)

    if idempotency_key is None:
        return record(uuid4())[1]
    request_print = fingerprint(str(draft_id), body.model_dump(mode="json"))
    return liaison.idempotency.run(idempotency_key, request_print, record, saved)[1]


@router.get("/receipts/{receipt}")
def follow_receipt(receipt: str, liaison: LiaisonDep) -> ReceiptOut:
    """What became of a suggestion: status, outcome and feedback, never personal data."""
    return receipt_out(liaison, receipt)


def receipt_out(liaison: Liaison, receipt: str) -> ReceiptOut:
    app = liaison.app
    suggestion_id = app.receipts.find(receipt)
    if suggestion_id is None:
        raise NotFoundError("no such receipt")
    suggestion = app.get(suggestion_id, Suggestion)
    decided = app.get(suggestion.merged_into, Suggestion) if suggestion.merged_into else suggestion
    steps = []
    for event in app.events.get(suggestion_id):
        name = type(event).__qualname__.split(".")[-1]
        after = Status(event.outcome) if name == "OutcomeRecorded" else STATUS_AFTER.get(name)
        if after is not None:
            steps.append(ReceiptStep(at=event.timestamp, on=event.occurred_on, status=after))
    return ReceiptOut(
        receipt=suggestion.receipt,
        status=suggestion.status,
        draft_title=app.get(suggestion.draft_id, Draft).title,
        article=suggestion.article,
        received_on=suggestion.received_on,
        merged=suggestion.merged_into is not None,
        outcome=decided.outcome,
        feedback=decided.feedback,
        history=steps,
    )
