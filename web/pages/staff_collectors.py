"""The desk's figures of where opinions came from: by channel, and per information collector
(信息员) how many each brought and on which days, first and last."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from projections.statistics import Period
from web.deps import LiaisonDep, ReadDep
from web.pages.staff_desk import DeskDep, choose_contact_point, show

router = APIRouter(include_in_schema=False)


@router.get("/staff/collectors", response_class=HTMLResponse)
def collectors_page(
    request: Request,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> HTMLResponse:
    """Opinions by channel and by collector at this contact point, in a period or ever."""
    if desk.choosing:
        return choose_contact_point(request, desk, conn)
    found = liaison.queries.channels(desk.actor, desk.cp, Period(start, end))
    return show(
        request,
        desk,
        "staff_collectors.html",
        {
            "channels": found["channels"],
            "total": sum(found["channels"].values()),
            "collectors": found["collectors"],
            "start": start,
            "end": end,
        },
    )
