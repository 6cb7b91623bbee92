"""Campaigns: opinions sent by many in the same words, grouped and merged in one action."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from web.api.common import ERRORS
from web.api.suggestions import SuggestionOut, suggestion_out
from web.auth import CurrentUser
from web.deps import LiaisonDep

router = APIRouter(prefix="/api/v1", tags=["campaigns"], responses=ERRORS)


class GroupOut(BaseModel):
    size: int
    exact: bool
    sample: str
    suggestion_ids: list[UUID]
    contact_point_id: UUID


class MergeManyIn(BaseModel):
    suggestion_ids: list[UUID] = Field(min_length=1, max_length=100_000)
    into: UUID


@router.get("/drafts/{draft_id}/groups")
def groups(
    draft_id: UUID,
    user: CurrentUser,
    liaison: LiaisonDep,
    contact_point_id: UUID | None = None,
    min_size: Annotated[int, Query(ge=2, le=100_000)] = 2,
) -> list[GroupOut]:
    """Opinions identical once normalised, or near-identical, in groups, largest first."""
    found = liaison.queries.groups(user, draft_id, contact_point_id, min_size)
    return [GroupOut(**g) for g in found]


@router.post("/suggestions/merge")
def merge_many(body: MergeManyIn, user: CurrentUser, liaison: LiaisonDep) -> SuggestionOut:
    """Merge a whole group into one suggestion: all of it, or nothing."""
    return suggestion_out(liaison.app.merge_suggestions(body.suggestion_ids, body.into, user))
