"""Drafts: previewed and registered by admin or congress (asking some contact points or all),
read by everyone signed in (staff: those that asked their contact point); their trace."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Query, UploadFile, status
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from domain.draft import Draft, DraftLevel, DraftStatus
from domain.preview import Preview, WarningKind
from domain.rules import MAX_ARTICLE, MAX_DRAFT_TEXT, MAX_LABEL, MAX_TITLE
from liaison import summary
from liaison.bootstrap import Liaison
from liaison.errors import NotFoundError
from projections.traceability import ARTICLE_LIMIT, OVERVIEW_LIMIT, Article
from web.api.common import ERRORS, MAX_POSITION, FromRecord, IsoDate
from web.auth import CurrentUser
from web.deps import LiaisonDep

router = APIRouter(prefix="/api/v1/drafts", tags=["drafts"], responses=ERRORS)


class DraftIn(BaseModel):
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    level: DraftLevel
    issuer: str = Field(min_length=1, max_length=MAX_TITLE)
    received_on: IsoDate
    deadline: IsoDate
    text: str = Field(min_length=1, max_length=MAX_DRAFT_TEXT)
    contact_point_ids: list[UUID] | None = Field(
        None,
        min_length=1,
        max_length=10_000,
        description="the contact points asked for opinions; absent: every contact point",
    )


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_DRAFT_TEXT)


class ArticleOut(FromRecord):
    number: int
    heading: str
    text: str
    chapter: str | None = None
    section: str | None = None


class PreviewWarning(FromRecord):
    kind: WarningKind
    message: str
    blocking: bool = Field(description="registration would be refused (a repeated number)")
    first: int | None = None
    last: int | None = None
    excerpt: str = ""


class PreviewOut(BaseModel):
    preamble: str
    chapters: list[str]
    articles: list[ArticleOut]
    warnings: list[PreviewWarning]


class TextOut(BaseModel):
    text: str


class VersionIn(BaseModel):
    label: str = Field(min_length=1, max_length=MAX_LABEL)
    text: str = Field(min_length=1, max_length=MAX_DRAFT_TEXT)


class EnactIn(BaseModel):
    enacted_on: IsoDate
    text: str = Field(min_length=1, max_length=MAX_DRAFT_TEXT)


class VersionOut(BaseModel):
    label: str
    on: date
    articles: int


class DraftSummary(BaseModel):
    id: UUID
    title: str
    level: DraftLevel
    issuer: str
    status: DraftStatus
    received_on: date
    deadline: date
    enacted_on: date | None = None


class DraftOut(DraftSummary):
    preamble: str
    articles: list[ArticleOut]
    versions: list[VersionOut]
    contact_point_ids: list[UUID] = Field(
        description="the contact points asked for opinions (every one's, when all were asked)"
    )


def draft_out(draft: Draft, liaison: Liaison) -> DraftOut:
    asked = (
        [UUID(cp["id"]) for cp in liaison.queries.contact_points()]
        if draft.asks_all
        else list(draft.contact_point_ids or ())
    )
    return DraftOut(
        contact_point_ids=asked,
        id=draft.id,
        title=draft.title,
        level=draft.level,
        issuer=draft.issuer,
        status=draft.status,
        received_on=draft.received_on,
        deadline=draft.deadline,
        enacted_on=draft.enacted_on,
        preamble=draft.current.preamble,
        articles=[ArticleOut(**vars(a)) for a in draft.current.articles],
        versions=[
            VersionOut(label=v.label, on=v.on, articles=len(v.articles)) for v in draft.versions
        ],
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def receive(body: DraftIn, user: CurrentUser, liaison: LiaisonDep) -> DraftOut:
    """Register a draft received for consultation; its text is split into articles."""
    draft = liaison.app.receive_draft(
        body.title,
        body.level.value,
        body.issuer,
        body.received_on,
        body.deadline,
        body.text,
        user,
        body.contact_point_ids,
    )
    return draft_out(draft, liaison)


def preview_out(preview: Preview) -> PreviewOut:
    return PreviewOut(
        preamble=preview.preamble,
        chapters=list(preview.chapters),
        articles=[ArticleOut.model_validate(a) for a in preview.articles],
        warnings=[PreviewWarning.model_validate(w) for w in preview.warnings],
    )


@router.post("/preview")
def preview(body: TextIn, user: CurrentUser, liaison: LiaisonDep) -> PreviewOut:
    """How a draft's text splits into chapters and articles, with warnings; nothing is saved."""
    return preview_out(liaison.app.preview_draft(user, body.text))


@router.post("/text")
async def upload_text(
    user: CurrentUser,
    liaison: LiaisonDep,
    file: Annotated[UploadFile, File(description=".docx, or .txt in UTF-8 or GB18030")],
) -> TextOut:
    """The plain text of an uploaded draft (.docx, or .txt in UTF-8 or GB18030)."""
    content = await file.read()
    text = await run_in_threadpool(liaison.app.read_draft_file, user, file.filename or "", content)
    return TextOut(text=text)


@router.get("")
def list_all(
    user: CurrentUser, liaison: LiaisonDep, status: DraftStatus | None = None
) -> list[DraftSummary]:
    """Drafts, newest first, optionally by status (staff: those that asked their point)."""
    listed = liaison.queries.drafts(user, status.value if status else None)
    return [DraftSummary(**row) for row in listed]


@router.get("/{draft_id}")
def get_one(draft_id: UUID, user: CurrentUser, liaison: LiaisonDep) -> DraftOut:
    """One draft with the articles of its latest version."""
    return draft_out(liaison.app.draft(user, draft_id), liaison)


@router.post("/{draft_id}/open")
def open_for_comments(draft_id: UUID, user: CurrentUser, liaison: LiaisonDep) -> DraftOut:
    """Open the draft for comments."""
    return draft_out(liaison.app.open_draft(draft_id, user), liaison)


@router.post("/{draft_id}/close")
def close_for_comments(draft_id: UUID, user: CurrentUser, liaison: LiaisonDep) -> DraftOut:
    """Close the draft for comments."""
    return draft_out(liaison.app.close_draft(draft_id, user), liaison)


@router.post("/{draft_id}/versions", status_code=status.HTTP_201_CREATED)
def add_version(
    draft_id: UUID, body: VersionIn, user: CurrentUser, liaison: LiaisonDep
) -> DraftOut:
    """Record a later reading of the draft."""
    return draft_out(liaison.app.add_draft_version(draft_id, body.label, body.text, user), liaison)


@router.post("/{draft_id}/enact")
def enact(draft_id: UUID, body: EnactIn, user: CurrentUser, liaison: LiaisonDep) -> DraftOut:
    """Record the law as passed: its final text."""
    return draft_out(liaison.app.enact_draft(draft_id, body.enacted_on, body.text, user), liaison)


MAX_TRACE_LIMIT = 500
DEFAULT_PER_ARTICLE = 100
"""Suggestions per article when a client does not ask: every one for any draft the API
served before it was paged (the demo city's busiest article has a few dozen); ``limit=5``
is the congress page's overview."""


class TracedSuggestion(BaseModel):
    id: UUID
    receipt: str
    content: str
    original_content: str
    status: str
    channel: str
    received_on: date
    outcome: str | None
    report_id: UUID | None
    reported_on: date | None
    final_article: int | None
    final_article_text: str | None
    merged_into: UUID | None
    absorbed: list[UUID]


class TracedArticle(BaseModel):
    number: int
    heading: str
    chapter: str | None
    text: str
    final_text: str | None
    suggestion_count: int
    suggestions: list[TracedSuggestion]


class TracedDraft(BaseModel):
    id: UUID
    title: str
    level: str
    status: str
    consulted_version: str
    enacted_on: date | None


class TraceOut(BaseModel):
    draft: TracedDraft
    suggestion_count: int
    adopted_total: int
    general_count: int
    articles: list[TracedArticle]
    general: list[TracedSuggestion]


@router.get("/{draft_id}/trace", response_model=TraceOut)
def trace_draft(
    draft_id: UUID,
    user: CurrentUser,
    liaison: LiaisonDep,
    contact_point_id: UUID | None = None,
    article: Annotated[
        str | None,
        Query(
            pattern=rf"^(general|[1-9][0-9]{{0,{len(str(MAX_ARTICLE)) - 1}}})$",
            description="only this article (a number, or general: on the whole draft)",
        ),
    ] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_POSITION, description="skip this many")] = 0,
    limit: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_TRACE_LIMIT,
            description=f"suggestions per article (default {DEFAULT_PER_ARTICLE}, "
            f"or {ARTICLE_LIMIT} for one article; the page shows {OVERVIEW_LIMIT})",
        ),
    ] = None,
) -> Response:
    """Per article: how many suggestions, and a page of them with rewording, merges, report,
    outcome and final text."""
    draft = liaison.app.draft(user, draft_id)
    chosen: Article | None = None
    if article == "general":
        chosen = "general"
    elif article is not None:
        chosen = int(article)
        if chosen not in {a.number for a in draft.consulted.articles}:
            raise NotFoundError(f"no article {chosen} in the version consulted")
    if limit is None:
        limit = DEFAULT_PER_ARTICLE if chosen is None else ARTICLE_LIMIT
    traced = liaison.queries.trace(user, draft, contact_point_id, limit, chosen, offset)
    return JSONResponse(traced)  # JSON-ready already: validating hundreds of items cost ~10 ms


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get(
    "/{draft_id}/summary.docx", response_class=Response, responses={200: {"content": {DOCX: {}}}}
)
def summary_docx(
    draft_id: UUID, user: CurrentUser, liaison: LiaisonDep, contact_point_id: UUID | None = None
) -> Response:
    """The summary published after enactment: per article, who spoke, groups, adopted, final."""
    draft = liaison.app.draft(user, draft_id)
    traced = liaison.queries.summary(user, draft, contact_point_id)
    point = contact_point_id or user.contact_point_id
    scope = (liaison.queries.contact_point_name(point) if point else None) or "各基层立法联系点"
    return Response(
        summary.as_docx(traced, scope),
        media_type=DOCX,
        headers={"Content-Disposition": f'attachment; filename="summary-{draft_id}.docx"'},
    )
