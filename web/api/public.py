"""Routes anyone may call: open drafts and their articles."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from domain.draft import Draft, DraftStatus
from liaison.errors import NotFoundError
from projections.drafts import list_drafts
from web.deps import LiaisonDep, ReadDep

router = APIRouter(prefix="/api/v1/public", tags=["public"])


class ArticleOut(BaseModel):
    number: int
    heading: str
    text: str
    chapter: str | None


class DraftSummary(BaseModel):
    id: UUID
    title: str
    level: str
    issuer: str
    status: str
    received_on: date
    deadline: date


class DraftOut(DraftSummary):
    articles: list[ArticleOut]


def draft_out(draft: Draft) -> DraftOut:
    return DraftOut(
        id=draft.id,
        title=draft.title,
        level=draft.level.value,
        issuer=draft.issuer,
        status=draft.status.value,
        received_on=draft.received_on,
        deadline=draft.deadline,
        articles=[
            ArticleOut(number=a.number, heading=a.heading, text=a.text, chapter=a.chapter)
            for a in draft.current.articles
        ],
    )


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
