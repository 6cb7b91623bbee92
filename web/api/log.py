"""The event log itself, paged by position, and the integrity of its hash chain."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from web.api.common import ERRORS, MAX_POSITION
from web.auth import Congress
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


class IntegrityOut(BaseModel):
    events: int
    head_hash: str
    ok: bool
    first_broken: int | None = None
    reason: str | None = None


@router.get("/events")
def events(
    user: Congress,
    liaison: LiaisonDep,
    after: int = Query(0, ge=0, le=MAX_POSITION, description="the last position already seen"),
    limit: int = Query(100, ge=1, le=1000),
) -> EventPage:
    """The whole log in order; `next` is the cursor for the following page."""
    # Catch up before taking a connection: holding one while the projector waits for
    # another can exhaust the pool when many readers come at once.
    liaison.projector.try_catch_up()  # every event listed is chained
    notifications = liaison.app.recorder.select_notifications(
        start=after, limit=limit, inclusive_of_start=False
    )
    with liaison.engine.connect() as conn:
        hashes = liaison.chain.hashes(conn, [n.id for n in notifications])
    items = []
    for n in notifications:
        event = liaison.app.mapper.to_domain_event(n)
        items.append(
            EventItem(
                position=n.id,
                originator_id=n.originator_id,
                version=n.originator_version,
                type=type(event).__qualname__,
                at=event.timestamp,
                hash=hashes.get(n.id),
            )
        )
    return EventPage(items=items, next=items[-1].position if len(items) == limit else None)


@router.get("/integrity")
def integrity(user: Congress, liaison: LiaisonDep) -> IntegrityOut:
    """Recompute the hash chain over the whole log and say where it first breaks."""
    liaison.projector.try_catch_up()
    result = liaison.chain.verify()
    return IntegrityOut(
        events=result.events,
        head_hash=result.head_hash,
        ok=result.ok,
        first_broken=result.first_broken,
        reason=result.reason,
    )
