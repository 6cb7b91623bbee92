"""Suggestions: recorded, organised (merge, reword, screen), decided and fed back."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from domain.rules import MAX_ARTICLE, MAX_CONTENT, MAX_REASON
from domain.suggestion import Channel, Decision, Outcome, Status, Suggestion
from web.api.common import ERRORS, FromRecord, IsoDate
from web.api.history import HistoryItem, history_item
from web.auth import CurrentUser
from web.deps import LiaisonDep, ReadDep

router = APIRouter(prefix="/api/v1/suggestions", tags=["suggestions"], responses=ERRORS)


class SuggestionIn(BaseModel):
    contact_point_id: UUID
    draft_id: UUID
    article: int | None = Field(None, ge=1, le=MAX_ARTICLE)
    content: str = Field(min_length=1, max_length=MAX_CONTENT)
    participant_id: UUID | None = None
    session_id: UUID | None = None
    channel: Channel
    received_on: IsoDate | None = None


class MergeIn(BaseModel):
    into: UUID


class ReviseIn(BaseModel):
    content: str = Field(min_length=1, max_length=MAX_CONTENT)


class ScreenIn(BaseModel):
    decision: Decision
    reason: str | None = Field(None, max_length=MAX_REASON)


class OutcomeIn(BaseModel):
    outcome: Outcome
    final_article: int | None = Field(None, ge=1, le=MAX_ARTICLE)
    note: str | None = Field(None, max_length=MAX_REASON)


class FeedbackIn(BaseModel):
    message: str = Field(min_length=1, max_length=MAX_CONTENT)


class SuggestionOut(FromRecord):
    id: UUID
    receipt: str
    contact_point_id: UUID
    draft_id: UUID
    draft_version: str
    article: int | None
    content: str
    original_content: str
    channel: Channel
    participant_id: UUID | None
    session_id: UUID | None
    received_on: date
    status: Status
    reason: str | None
    merged_into: UUID | None
    absorbed: list[UUID]
    report_id: UUID | None
    outcome: Outcome | None
    final_article: int | None
    note: str | None
    feedback: str | None


class SuggestionSummary(BaseModel):
    cursor: str = Field(description="pass as `after` to get the items after this one")
    id: UUID
    receipt: str
    contact_point_id: UUID
    draft_id: UUID
    article: int | None
    content: str
    original_content: str
    channel: Channel
    received_on: date
    status: Status
    merged_into: UUID | None
    report_id: UUID | None
    outcome: Outcome | None


def suggestion_out(s: Suggestion) -> SuggestionOut:
    return SuggestionOut.model_validate(s)


@router.post("", status_code=status.HTTP_201_CREATED)
def record(body: SuggestionIn, user: CurrentUser, liaison: LiaisonDep) -> SuggestionOut:
    """Record an opinion given at a session, through a collector, by letter or online."""
    suggestion = liaison.app.record_suggestion(**body.model_dump(), actor=user)
    return suggestion_out(suggestion)


@router.get("")
def list_all(
    user: CurrentUser,
    liaison: LiaisonDep,
    draft_id: UUID | None = None,
    contact_point_id: UUID | None = None,
    status: Status | None = None,
    limit: int = Query(500, ge=1, le=1000),
    after: str | None = Query(None, max_length=64, description="cursor: the last item's `cursor`"),
) -> list[SuggestionSummary]:
    """Suggestions, oldest first, by draft, contact point and status."""
    rows = liaison.queries.suggestions(
        user,
        contact_point_id,
        draft_id,
        status.value if status else None,
        limit,
        after,
    )
    return [SuggestionSummary(cursor=f"{row['received_on']}~{row['id']}", **row) for row in rows]


@router.get("/{suggestion_id}")
def get_one(suggestion_id: UUID, user: CurrentUser, liaison: LiaisonDep) -> SuggestionOut:
    """One suggestion: its words as first given and as reworded, and what became of it."""
    return suggestion_out(liaison.app.suggestion(user, suggestion_id))


@router.post("/{suggestion_id}/merge")
def merge(
    suggestion_id: UUID, body: MergeIn, user: CurrentUser, liaison: LiaisonDep
) -> SuggestionOut:
    """Fold a duplicate into another suggestion of the same draft."""
    return suggestion_out(liaison.app.merge_suggestion(suggestion_id, body.into, user))


@router.post("/{suggestion_id}/revise")
def revise(
    suggestion_id: UUID, body: ReviseIn, user: CurrentUser, liaison: LiaisonDep
) -> SuggestionOut:
    """Reword for the report; the words as first given stay readable."""
    return suggestion_out(liaison.app.revise_suggestion(suggestion_id, body.content, user))


@router.post("/{suggestion_id}/screen")
def screen(
    suggestion_id: UUID, body: ScreenIn, user: CurrentUser, liaison: LiaisonDep
) -> SuggestionOut:
    """Accept for reporting, or reject with a reason."""
    return suggestion_out(
        liaison.app.screen_suggestion(suggestion_id, body.decision.value, user, reason=body.reason)
    )


@router.post("/{suggestion_id}/outcome")
def record_outcome(
    suggestion_id: UUID, body: OutcomeIn, user: CurrentUser, liaison: LiaisonDep
) -> SuggestionOut:
    """Record the congress's decision on a reported suggestion."""
    return suggestion_out(
        liaison.app.record_outcome(
            suggestion_id,
            body.outcome.value,
            user,
            final_article=body.final_article,
            note=body.note,
        )
    )


@router.post("/{suggestion_id}/feedback")
def feed_back(
    suggestion_id: UUID, body: FeedbackIn, user: CurrentUser, liaison: LiaisonDep
) -> SuggestionOut:
    """Tell the people behind the suggestion what became of it."""
    return suggestion_out(liaison.app.send_feedback(suggestion_id, body.message, user))


@router.get("/{suggestion_id}/history")
def history(
    suggestion_id: UUID, user: CurrentUser, liaison: LiaisonDep, conn: ReadDep
) -> list[HistoryItem]:
    """The suggestion's events from the log, oldest first."""
    liaison.app.suggestion(user, suggestion_id)
    events = list(liaison.app.events.get(suggestion_id))
    positions = liaison.chain.positions_of(conn, suggestion_id)
    return [history_item(e, positions.get(e.originator_version)) for e in events]
