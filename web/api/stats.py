"""The figures reported upward and the ranking of contact points, by business date."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from projections.statistics import Period
from web.api.common import ERRORS, IsoDate
from web.auth import CurrentUser
from web.deps import LiaisonDep

router = APIRouter(prefix="/api/v1/stats", tags=["statistics"], responses=ERRORS)

From = Annotated[IsoDate | None, Query(alias="from", description="first day, inclusive")]
To = Annotated[IsoDate | None, Query(alias="to", description="last day, inclusive")]


class DraftCounts(BaseModel):
    total: int
    national: int
    municipal: int
    district: int


class SuggestionCounts(BaseModel):
    received: int
    merged: int
    rejected: int
    reported: int
    adopted: int
    partially_adopted: int
    not_adopted: int
    awaiting_outcome: int


class StatsOut(BaseModel):
    drafts: DraftCounts
    sessions: int
    attendances: int
    participants: int
    suggestions: SuggestionCounts
    adopted_total: int
    adoption_rate: float
    decided_persons: int = Field(
        description="opinions decided in reports of the period, those merged into them included"
    )
    fed_back: int = Field(description="of those, the opinions whose person has been told")
    feedback_rate: float = Field(description="fed_back / decided_persons (0 when none)")


class RankingRow(BaseModel):
    contact_point_id: UUID
    name: str
    reported: int
    adopted_total: int


def period(start: date | None, end: date | None) -> Period:
    if start and end and end < start:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "to: must not be before from")
    return Period(start, end)


@router.get("")
def stats(
    user: CurrentUser,
    liaison: LiaisonDep,
    start: From = None,
    end: To = None,
    contact_point_id: UUID | None = None,
) -> StatsOut:
    """The figures for a contact point (or all) over an inclusive period."""
    counted = liaison.queries.figures(user, contact_point_id, period(start, end))
    return StatsOut(**counted.as_dict())


@router.get("/ranking")
def rank(
    user: CurrentUser, liaison: LiaisonDep, start: From = None, end: To = None
) -> list[RankingRow]:
    """Contact points by suggestions reported, then adopted, in the period."""
    return [RankingRow(**row) for row in liaison.queries.ranking(user, period(start, end))]
