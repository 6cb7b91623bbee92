"""Traceability for the congress: every draft, and per article the suggestions from their first
words to the outcome, beside the article as consulted and as enacted (marked up)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from domain.draft import Draft, DraftStatus
from domain.lineage import Lineage
from liaison.bootstrap import Liaison
from liaison.errors import NotFoundError
from liaison.rights import Actor, Role
from liaison.sessions import PageSession
from projections.drafts import list_drafts
from projections.listings import list_contact_points
from projections.traceability import ARTICLE_LIMIT, OVERVIEW_LIMIT, Article
from web.deps import LiaisonDep, ReadDep
from web.i18n import N_, language, translator
from web.pages.journeys import change, consulted_index, journey
from web.pages.rendering import render, signed_in

router = APIRouter(include_in_schema=False)
Congress = signed_in(Role.CONGRESS)


@router.get("/congress/drafts", response_class=HTMLResponse)
def congress_drafts(
    request: Request, conn: ReadDep, session: PageSession = Congress
) -> HTMLResponse:
    """Every draft, newest first, each leading to its trace."""
    return render(request, "congress_drafts.html", {"drafts": list_drafts(conn)}, session=session)


@router.get("/congress/drafts/{draft_id}", response_class=HTMLResponse)
def congress_trace(
    request: Request,
    draft_id: UUID,
    liaison: LiaisonDep,
    conn: ReadDep,
    contact_point: str = "",
    article: Annotated[str, Query(max_length=12)] = "",
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
    session: PageSession = Congress,
) -> HTMLResponse:
    """One draft article by article: suggestions, their fate, and the text as enacted."""
    draft = liaison.app.get(draft_id, Draft)
    points = list_contact_points(conn)
    chosen, errors = _contact_point(contact_point, points)
    context = {
        "draft": draft,
        "contact_points": points,
        "chosen": str(chosen) if chosen else "",
        "errors": {k: translator(language(request))(v) for k, v in errors.items()},
        **traced(liaison, session.user, draft, chosen, _article(article, draft), offset),
        **followed(draft, liaison.queries.lineage(session.user, draft)),
    }
    return render(request, "congress_trace.html", context, 422 if errors else 200, session=session)


def _article(given: str, draft: Draft) -> Article | None:
    """The one article asked for (a number of the version consulted, or ``general``)."""
    if not given:
        return None
    if given == "general":
        return "general"
    if given.isdigit() and int(given) in {a.number for a in draft.consulted.articles}:
        return int(given)
    raise NotFoundError(f"no article {given} in the version consulted")


def _contact_point(given: str, points: list[dict[str, Any]]) -> tuple[UUID | None, dict[str, str]]:
    if not given.strip():
        return None, {}
    try:
        chosen = UUID(given.strip())
    except ValueError:
        chosen = None
    if chosen is None or chosen.hex not in {p["id"] for p in points}:
        return None, {"contact_point": N_("Please choose a contact point from the list.")}
    return chosen, {}


def traced(
    liaison: Liaison,
    actor: Actor,
    draft: Draft,
    contact_point_id: UUID | None,
    article: Article | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    """A page of the trace (a few suggestions per article, or a page of one article from
    ``offset``), with merged suggestions nested under the one they were folded into when
    both are on the page."""
    size = OVERVIEW_LIMIT if article is None else ARTICLE_LIMIT
    data = liaison.queries.trace(actor, draft, contact_point_id, size, article, offset)
    everything = data["general"] + [s for a in data["articles"] for s in a["suggestions"]]
    by_id = {s["id"]: s for s in everything}

    def shown(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = [s for s in items if not (s["merged_into"] and s["merged_into"] in by_id)]
        return [s | {"merged": [by_id[i] for i in s["absorbed"] if i in by_id]} for s in kept]

    def paging(count: int, on_page: int) -> dict[str, Any]:
        return {
            "first": offset + 1 if on_page else 0,
            "last": offset + on_page,
            "count": count,
            "more": offset + on_page < count,
            "next": offset + size,
            "previous": max(0, offset - ARTICLE_LIMIT) if offset else None,
        }

    articles = [
        a
        | {
            "suggestions": shown(a["suggestions"]),
            "paging": paging(a["suggestion_count"], len(a["suggestions"])),
        }
        for a in data["articles"]
    ]
    consulted = {a.number for a in draft.consulted.articles}
    return {
        "trace": data,
        "articles": articles,
        "general": shown(data["general"]),
        "general_paging": paging(data["general_count"], len(data["general"])),
        "narrowed": article,
        "enacted": draft.status is DraftStatus.ENACTED,
        "counts": {
            "suggestions": data["suggestion_count"],
            "adopted": data["adopted_total"],
            "articles": len(consulted),
        },
    }


def followed(draft: Draft, lineage: Lineage) -> dict[str, Any]:
    """Per article of the version consulted, its journey through the readings and its
    change into the enacted text, matched by lineage (readings renumber articles); and the
    articles the enacted text added."""
    asked, last = consulted_index(draft), len(draft.versions) - 1
    enacted = draft.status is DraftStatus.ENACTED
    by_number = {n: line for line in lineage.lines if (n := line.numbers[asked]) is not None}
    return {
        "journeys": {n: journey(lineage, line) for n, line in by_number.items()},
        "diffs": {n: change(line, asked, last) for n, line in by_number.items()} if enacted else {},
        "added": [
            change(line, asked, last)
            for line in lineage.lines
            if enacted and line.at(asked) is None and line.at(last) is not None
        ],
    }
