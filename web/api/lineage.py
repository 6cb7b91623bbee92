"""An article's journey through a draft's readings: one row per article, matched by text."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from domain.draft import FINAL_LABEL, Draft, DraftStatus
from web.api.common import ERRORS
from web.auth import CurrentUser
from web.deps import LiaisonDep

router = APIRouter(prefix="/api/v1/drafts", tags=["drafts"], responses=ERRORS)

FINAL = "final"
"""How the API names the law as passed among the versions."""


class LineageRow(BaseModel):
    numbers: list[int | None]
    texts: list[str | None]


class LineageOut(BaseModel):
    versions: list[str]
    articles: list[LineageRow]


@router.get("/{draft_id}/lineage")
def lineage(draft_id: UUID, user: CurrentUser, liaison: LiaisonDep) -> LineageOut:
    """Each article's number and text in every version, the law as passed last (`final`)."""
    draft = liaison.app.fetch(user, draft_id, Draft)
    found = liaison.queries.lineage(user, draft)
    enacted = draft.status is DraftStatus.ENACTED
    return LineageOut(
        versions=[
            FINAL if enacted and i == len(found.labels) - 1 and label == FINAL_LABEL else label
            for i, label in enumerate(found.labels)
        ],
        articles=[LineageRow(numbers=row.numbers, texts=row.texts) for row in found.lines],
    )
