"""Collectors' batches, a collector's own records, and opinions by channel and collector."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field, ValidationError

from domain.rules import MAX_ARTICLE, MAX_CONTENT, MAX_TITLE
from domain.suggestion import Channel, Status
from liaison.bootstrap import Liaison
from liaison.commands.batch import BatchItem, BatchResult, invalid
from liaison.rights import Actor
from projections.statistics import Period
from web.api.common import ERRORS, IsoDate
from web.api.stats import From, To
from web.auth import CurrentUser
from web.deps import LiaisonDep

router = APIRouter(prefix="/api/v1", tags=["collectors"], responses=ERRORS)

MAX_ITEMS = 500


class ItemIn(BaseModel):
    """One item, checked alone: a malformed item is answered ``invalid``, the others go on."""

    client_key: str = Field(min_length=1, max_length=128)
    contact_point_id: UUID
    draft_id: UUID
    article: int | None = Field(None, ge=1, le=MAX_ARTICLE)
    content: str = Field(min_length=1, max_length=MAX_CONTENT)
    said_by: str | None = Field(None, max_length=MAX_CONTENT)
    received_on: IsoDate | None = None
    channel: Channel = Channel.COLLECTOR
    name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=32)
    neighbourhood: str | None = Field(None, max_length=MAX_TITLE)


class BatchIn(BaseModel):
    items: list[dict[str, Any]] = Field(max_length=MAX_ITEMS)


class ItemOut(BaseModel):
    client_key: str
    status: Literal["created", "duplicate", "invalid"]
    receipt: str | None = None
    errors: list[dict[str, str]] | None = None


class BatchOut(BaseModel):
    results: list[ItemOut]


class CollectedOut(BaseModel):
    id: UUID
    receipt: str
    draft_id: UUID
    draft_title: str
    article: int | None
    content: str
    received_on: date
    status: Status


class CollectorOut(BaseModel):
    collector: str
    opinions: int
    first_on: date
    last_on: date


class ChannelsOut(BaseModel):
    channels: dict[str, int]
    collectors: list[CollectorOut]


@router.post("/suggestions/batch")
def batch(body: BatchIn, user: CurrentUser, liaison: LiaisonDep) -> BatchOut:
    """Record opinions gathered offline, each once per client_key; a bad item stops no other."""
    return BatchOut(results=[_out(r) for r in record_batch(liaison, user, body.items)])


def record_batch(liaison: Liaison, user: Actor, raw: list[dict[str, Any]]) -> list[BatchResult]:
    """Each item parsed alone, the well-formed recorded in order: shared by the collector's
    page, which sends the same items."""
    parsed: list[BatchItem | BatchResult] = []
    for item in raw:
        try:
            fields = ItemIn.model_validate(item)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "item"
            parsed.append(invalid(str(item.get("client_key", ""))[:128], where, first["msg"]))
            continue
        parsed.append(
            BatchItem(
                fields.client_key,
                fields.contact_point_id,
                fields.draft_id,
                fields.content,
                fields.article,
                fields.said_by,
                fields.received_on,
                fields.channel.value,
                fields.name,
                fields.phone,
                fields.neighbourhood,
            )
        )
    items = [p for p in parsed if isinstance(p, BatchItem)]
    done = iter(liaison.app.record_batch(user, items)) if items else iter(())
    return [p if isinstance(p, BatchResult) else next(done) for p in parsed]


def _out(result: BatchResult) -> ItemOut:
    return ItemOut(
        client_key=result.client_key,
        status=result.status,
        receipt=result.receipt,
        errors=result.errors or None,
    )


@router.get("/suggestions/collected")
def collected(user: CurrentUser, liaison: LiaisonDep) -> list[CollectedOut]:
    """The opinions the signed-in account recorded at its contact point, newest first."""
    return [
        CollectedOut(
            id=UUID(row["id"]),
            receipt=row["receipt"],
            draft_id=UUID(row["draft_id"]),
            draft_title=row["draft_title"],
            article=row["article"],
            content=row["original_content"],
            received_on=row["received_on"],
            status=row["status"],
        )
        for row in liaison.queries.collected(user)
    ]


@router.get("/stats/channels")
def channels(
    user: CurrentUser,
    liaison: LiaisonDep,
    contact_point_id: UUID | None = None,
    start: From = None,
    end: To = None,
) -> ChannelsOut:
    """Opinions by channel, and how many each collector brought and when."""
    found = liaison.queries.channels(user, contact_point_id, Period(start, end))
    return ChannelsOut.model_validate(found)
