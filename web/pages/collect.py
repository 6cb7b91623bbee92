"""The collector's page (信息员): works offline once opened, keeps opinions on the device and
sends them when the network is back; a plain form without JavaScript too. And the receipt slip
a collector prints or shows for the resident."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from uuid import uuid4

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from domain.suggestion import Channel
from liaison.collecting import drafts_to_collect
from liaison.errors import NotFoundError
from liaison.rights import GATHERERS
from liaison.sessions import PageSession
from web.api.collect import record_batch
from web.api.public import receipt_out
from web.deps import LiaisonDep
from web.pages import posters, staff_collectors
from web.pages.rendering import CheckedForm, page_session, redirect, render, signed_in
from web.sessions import tokens_match

router = APIRouter(include_in_schema=False)
router.include_router(posters.router)  # the posters collectors put up on notice boards
router.include_router(staff_collectors.router)  # what collectors brought, for the desk
STATIC = Path(__file__).resolve().parents[1] / "static"
Collector = Annotated[PageSession, signed_in(*GATHERERS)]
MAX_BODY_ITEMS = 500


def _drafts(liaison: Any, session: PageSession) -> list[dict[str, Any]]:
    return [
        {
            "id": str(d.id),
            "title": d.title,
            "deadline": d.deadline.isoformat(),
            "articles": [{"number": a.number, "text": a.text[:60]} for a in d.current.articles],
        }
        for d in drafts_to_collect(liaison, session.user)
    ]


@router.get("/collect", response_class=HTMLResponse)
def collect_page(request: Request, liaison: LiaisonDep, session: Collector) -> HTMLResponse:
    """The collector's page: their point's open drafts, a form, what waits, what was sent."""
    drafts = _drafts(liaison, session)
    point = session.user.contact_point_id
    return render(
        request,
        "collect.html",
        {
            "drafts": drafts,
            "drafts_json": json.dumps(drafts, ensure_ascii=False),
            "point_id": str(point) if point else "",
            "point_name": liaison.queries.contact_point_name(point) if point else "",
            "client_key": uuid4().hex,
            "recent": liaison.queries.collected(session.user, limit=20),
        },
        session=session,
    )


@router.post("/collect", response_class=HTMLResponse)
def collect_form(
    request: Request, liaison: LiaisonDep, session: Collector, form: CheckedForm
) -> Response:
    """Without JavaScript: one opinion, once per the form's key; then its slip."""
    values = {k: str(form.get(k, "")).strip() for k in FIELDS}
    item: dict[str, Any] = {
        "client_key": values["client_key"],
        "contact_point_id": str(session.user.contact_point_id or ""),
        "draft_id": values["draft_id"],
        "article": int(values["article"]) if values["article"].isdigit() else None,
        "said_by": values["said_by"],
        "content": values["note"] or values["said_by"],
        "channel": Channel.COLLECTOR.value,
    }
    if values["consent"]:
        item |= {
            "name": values["name"] or None,
            "phone": values["phone"] or None,
            "neighbourhood": values["neighbourhood"] or None,
        }
    [result] = record_batch(liaison, session.user, [item])
    if result.status == "invalid":
        return render(
            request,
            "collect.html",
            {
                "drafts": (drafts := _drafts(liaison, session)),
                "drafts_json": json.dumps(drafts, ensure_ascii=False),
                "point_id": item["contact_point_id"],
                "point_name": "",
                "client_key": values["client_key"],
                "recent": [],
                "values": values,
                "errors": result.errors,
            },
            status_code=422,
            session=session,
        )
    return redirect(f"/receipts/{result.receipt}/slip?new=1")


FIELDS = (
    "client_key",
    "draft_id",
    "article",
    "said_by",
    "note",
    "name",
    "phone",
    "neighbourhood",
    "consent",
)


@router.post("/collect/batch")
async def collect_batch(request: Request, liaison: LiaisonDep) -> JSONResponse:
    """The page's queue, sent when online: the items of ``/api/v1/suggestions/batch``, with
    the session's cookie and its CSRF token in ``X-CSRF-Token``."""
    session = await run_in_threadpool(page_session, request)
    if session is None or session.must_change:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not signed in")
    if not tokens_match(session.csrf, request.headers.get("x-csrf-token", "")):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the page has expired; reload it")
    body = await request.json()
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or len(items) > MAX_BODY_ITEMS:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "items: a list")
    items = [i if isinstance(i, dict) else {} for i in items]
    results = await run_in_threadpool(record_batch, liaison, session.user, items)
    return JSONResponse(
        {
            "results": [
                {
                    "client_key": r.client_key,
                    "status": r.status,
                    "receipt": r.receipt,
                    "errors": r.errors or None,
                }
                for r in results
            ]
        }
    )


@router.get("/collect/sw.js")
def service_worker() -> FileResponse:
    """The collector page's service worker, scoped to /collect (a file under web/static)."""
    return FileResponse(
        STATIC / "collect-sw.js",
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/collect", "Cache-Control": "no-cache"},
    )


@router.get("/receipts/{code}/slip", response_class=HTMLResponse)
def receipt_slip(request: Request, liaison: LiaisonDep, code: str) -> HTMLResponse:
    """A slip to print or show: the receipt code large, where to follow it, what comes next."""
    try:
        receipt = receipt_out(liaison, code.strip())
    except NotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such receipt") from None
    follow = str(request.base_url).rstrip("/") + f"/receipts/{receipt.receipt}"
    return render(
        request,
        "receipt_slip.html",
        {"receipt": receipt, "follow": follow, "new": request.query_params.get("new") == "1"},
        session=page_session(request),
    )
