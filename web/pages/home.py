"""The residents' pages: open drafts, a draft with its articles."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from domain.draft import Draft, DraftStatus
from projections.drafts import list_drafts
from web.deps import LiaisonDep, ReadDep
from web.templating import templates

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, conn: ReadDep) -> HTMLResponse:
    """Open drafts first, then the others, newest first."""
    drafts = list_drafts(conn)
    open_now = [d for d in drafts if d["status"] == DraftStatus.OPEN.value]
    others = [d for d in drafts if d["status"] != DraftStatus.OPEN.value]
    return templates.TemplateResponse(
        request, "home.html", {"open_drafts": open_now, "other_drafts": others}
    )


@router.get("/drafts/{draft_id}", response_class=HTMLResponse)
def draft_page(request: Request, draft_id: UUID, liaison: LiaisonDep) -> HTMLResponse:
    """A draft with its articles, grouped by chapter."""
    draft = liaison.app.get(draft_id, Draft)
    return templates.TemplateResponse(request, "draft.html", {"draft": draft})
