"""Pages for liaison staff of one contact point: what needs doing, sessions, screening, reports."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from projections.dashboard import (
    decisions_arrived,
    draft_suggestions,
    drafts_with_counts,
    newly_asked,
    open_drafts,
    reports_awaiting,
    status_counts,
    to_do,
    upcoming_sessions,
)
from projections.listings import list_sessions
from projections.statistics import Period, figures
from web.deps import LiaisonDep, ReadDep
from web.pages import (
    staff_confirm,
    staff_letters,
    staff_opinions,
    staff_people,
    staff_reports,
    staff_screening,
    staff_session_edit,
    staff_sessions,
    staff_undo,
)
from web.pages.staff_desk import DeskDep, choose_contact_point, show

router = APIRouter(include_in_schema=False)

NEAR_DAYS = 7  # a deadline this close is shown as urgent


@router.get("/staff", response_class=HTMLResponse)
def dashboard(request: Request, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep) -> HTMLResponse:
    """What needs doing at the desk today, and the contact point's figures for this year."""
    if desk.choosing:
        return choose_contact_point(request, desk, conn)
    today = liaison.app.clock.today()
    drafts = open_drafts(conn, desk.cp)
    for draft in drafts:
        draft["days_left"] = (draft["deadline"] - today).days
        draft["near"] = draft["days_left"] <= NEAR_DAYS
    year = Period(date(today.year, 1, 1), date(today.year, 12, 31))
    return show(
        request,
        desk,
        "staff_dashboard.html",
        {
            "today": today,
            "open_drafts": drafts,
            "newly_asked": newly_asked(conn, desk.cp),
            "awaiting": reports_awaiting(conn, desk.cp),
            "arrived": decisions_arrived(conn, desk.cp),
            "sessions": upcoming_sessions(conn, desk.cp),
            "figures": figures(conn, desk.cp, year),
            "year": today.year,
            **to_do(conn, desk.cp),
        },
    )


@router.get("/staff/drafts", response_class=HTMLResponse)
def drafts_page(request: Request, desk: DeskDep, conn: ReadDep) -> HTMLResponse:
    """Every draft with how many of this desk's suggestions are in each status."""
    if desk.choosing:
        return choose_contact_point(request, desk, conn)
    return show(request, desk, "staff_drafts.html", {"drafts": drafts_with_counts(conn, desk.cp)})


@router.get("/staff/drafts/{draft_id}", response_class=HTMLResponse)
def draft_page(
    request: Request, draft_id: UUID, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep
) -> HTMLResponse:
    """One draft at this desk: its sessions and suggestions, and the work on them."""
    draft = liaison.app.draft(desk.actor, draft_id)
    if desk.choosing:
        return choose_contact_point(request, desk, conn)
    rows = draft_suggestions(conn, desk.cp, draft_id)
    return show(
        request,
        desk,
        "staff_draft.html",
        {
            "draft": draft,
            "headings": {a.number: a.heading for a in draft.consulted.articles},
            "counts": status_counts(conn, desk.cp).get(draft_id.hex, {}),
            "suggestions": rows,
            "sessions": list_sessions(conn, desk.cp, draft_id),
            "today": liaison.app.clock.today(),
        },
    )


PARTS = (
    staff_sessions,
    staff_session_edit,
    staff_opinions,
    staff_screening,
    staff_reports,
    staff_people,
    staff_letters,
    staff_undo,
    staff_confirm,
)
"""The desk's other pages, each a module with its router (in this order)."""
for part in PARTS:
    router.include_router(part.router)
