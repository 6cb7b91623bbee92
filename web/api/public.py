"""Routes anyone may call: open drafts, comments on them, and receipts to follow them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from domain.draft import Draft, DraftStatus
from domain.rules import MAX_ARTICLE, MAX_CONTENT, MAX_NAME
from domain.suggestion import Outcome, Status, Suggestion, step_after
from liaison.bootstrap import Liaison
from liaison.commands.admission import Opinion, Visit
from liaison.errors import NotFoundError
from liaison.idempotency import fingerprint
from liaison.rights import PUBLIC
from web.api.common import ERRORS
from web.api.contact_points import ContactPointOut
from web.api.drafts import DraftOut, DraftSummary, draft_out
from web.deps import LiaisonDep
from web.errors import client_address
from web.observe import COMMENTS

router = APIRouter(prefix="/api/v1/public", tags=["public"], responses=ERRORS)


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
    feedback: str | None = Field(
        description="what the person was told (a merged one: as the suggestion it joined)"
    )
    history: list[ReceiptStep]


# first of the routes: the busiest, matched before the others are tried
@router.post(
    "/drafts/{draft_id}/comments",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentOut,
    response_class=JSONResponse,
)
async def comment(
    draft_id: UUID,
    body: CommentIn,
    liaison: LiaisonDep,
    request: Request,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> JSONResponse:
    """Comment on an open draft (or one article); the answer carries the receipt code."""
    # async: the request waits for the writer on the event loop, not in a pool's thread
    opinion, visit = comment_of(liaison, client_address(request), draft_id, body, idempotency_key)
    answer = (await liaison.app.comment_async(opinion, visit))[1]
    COMMENTS.inc()
    # built from a CommentOut already (``_comment_out``): sent as it is, not validated again
    return JSONResponse(answer, status_code=status.HTTP_201_CREATED)


@router.get("/contact-points")
def contact_points(liaison: LiaisonDep) -> list[ContactPointOut]:
    """The contact points a comment can be addressed to."""
    return [ContactPointOut(**row) for row in liaison.queries.contact_points()]


@router.get("/drafts")
def open_drafts(liaison: LiaisonDep) -> list[DraftSummary]:
    """Drafts open for comment now."""
    open_now = liaison.queries.drafts(PUBLIC, DraftStatus.OPEN.value)
    return [DraftSummary(**row) for row in open_now]


@router.get("/drafts/{draft_id}")
def open_draft(draft_id: UUID, liaison: LiaisonDep) -> DraftOut:
    """One open draft with its articles."""
    draft = liaison.app.get(draft_id, Draft)
    if draft.status is not DraftStatus.OPEN:
        raise NotFoundError(f"no open draft {draft_id}")
    return draft_out(draft, liaison)


def _comment_out(suggestion: Suggestion) -> dict[str, Any]:
    return CommentOut(
        receipt=suggestion.receipt,
        status=Status.RECEIVED,
        draft_id=suggestion.draft_id,
        article=suggestion.article,
        received_on=suggestion.received_on,
    ).model_dump(mode="json")


def submit_comment(
    liaison: Liaison, address: str, draft_id: UUID, body: CommentIn, idempotency_key: str | None
) -> dict[str, Any]:
    """Record a public comment once per Idempotency-Key, within the address's rate limit:
    the draft page's form (the API's route does the same from the event loop)."""
    answer = liaison.app.comment(*comment_of(liaison, address, draft_id, body, idempotency_key))
    COMMENTS.inc()
    return answer[1]


def comment_of(
    liaison: Liaison, address: str, draft_id: UUID, body: CommentIn, idempotency_key: str | None
) -> tuple[Opinion, Visit]:
    """The opinion a comment gives, and how it came (its key, fingerprint and address)."""
    request_print = (
        "" if idempotency_key is None else fingerprint(str(draft_id), body.model_dump(mode="json"))
    )
    opinion = Opinion(
        body.contact_point_id,
        draft_id,
        body.content,
        article=body.article,
        name=body.name,
        phone=body.phone,
    )
    visit = Visit(
        address, idempotency_key, request_print, _comment_out, liaison.settings.comments_per_minute
    )
    return opinion, visit


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
        after = step_after(event)
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
        feedback=suggestion.feedback or decided.feedback,
        history=steps,
    )
