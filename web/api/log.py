"""The event log itself, paged by position, and the integrity of its hash chain."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from web.api.common import ERRORS, MAX_POSITION, FromRecord
from web.auth import CurrentUser
from web.deps import LiaisonDep

router = APIRouter(prefix="/api/v1", tags=["event log"], responses=ERRORS)


class EventItem(BaseModel):
    position: int
    originator_id: UUID
    version: int
    type: str
    at: datetime
    hash: str | None


class EventPage(BaseModel):
    items: list[EventItem]
    next: int | None


class IntegrityOut(FromRecord):
    events: int
    head_hash: str
    ok: bool
    first_broken: int | None = None
    reason: str | None = None


@router.get("/events")
def events(
    user: CurrentUser,
    liaison: LiaisonDep,
    after: int = Query(0, ge=0, le=MAX_POSITION, description="the last position already seen"),
    limit: int = Query(100, ge=1, le=1000),
) -> EventPage:
    """The whole log in order; `next` is the cursor for the following page."""
    items = [EventItem(**vars(e)) for e in liaison.ledger.page(user, after, limit)]
    return EventPage(items=items, next=items[-1].position if len(items) == limit else None)


@router.get("/integrity")
def integrity(user: CurrentUser, liaison: LiaisonDep) -> IntegrityOut:
    """Recompute the hash chain over the whole log and say where it first breaks."""
    return IntegrityOut.model_validate(liaison.ledger.verify(user))
