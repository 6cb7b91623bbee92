"""Administration pages (admin): contact points, accounts (``admin_users``), the audit log.

Every read and change goes through the application with the signed-in actor, which decides
that only admin may; the pages parse, call, and show what happened.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from domain.errors import InvalidValueError
from liaison.audit import days
from liaison.bootstrap import Liaison
from liaison.rights import ADMINISTRATION
from liaison.sessions import PageSession
from web.api.common import aware
from web.deps import LiaisonDep
from web.i18n import N_, language, translator
from web.pages import admin_users
from web.pages.rendering import CheckedForm, redirect, render, signed_in
from web.pages.staff_desk import parse_date

router = APIRouter(include_in_schema=False)
Admin = signed_in(*ADMINISTRATION)
PAGE = 50  # audit entries a page

MESSAGES = {
    "name": N_("Please give the name (at most 200 characters)."),
    "district": N_("Please give the district (at most 200 characters)."),
    "from": N_("Please give the date as year-month-day, for example 2021-03-20."),
    "to": N_("Please give the date as year-month-day, for example 2021-03-20."),
}
DONE = {
    "designated": N_("Contact point {name} was added."),
    "renamed": N_("The contact point is now called {name}."),
}


def show(
    request: Request, session: PageSession, template: str, context: dict[str, Any]
) -> HTMLResponse:
    """An administration page; the fields refused (``context["errors"]``) come back with what
    was wrong, translated (422)."""
    _ = translator(language(request))
    errors = context.get("errors") or {}
    shown = {field: _(message) for field, message in errors.items()}
    filled = {"values": {}, **context, "errors": shown}
    return render(request, template, filled, 422 if errors else 200, session)


def done_message(request: Request, messages: dict[str, str]) -> str:
    """What the last action did, from ``?done=…&name=…`` (a redirect after it)."""
    message = messages.get(request.query_params.get("done", ""))
    if message is None:
        return ""
    name = request.query_params.get("name", "")[:200]
    return str(translator(language(request))(message, name=name))


@router.get("/admin", response_class=HTMLResponse)
def overview(request: Request, liaison: LiaisonDep, session: PageSession = Admin) -> Response:
    """What an administrator looks after, with the latest audit entries."""
    accounts = liaison.users.accounts(session.user)
    context = {
        "points": len(liaison.queries.contact_points()),
        "accounts": sum(a.active for a in accounts),
        "waiting": sum(a.active and a.must_change for a in accounts),
        "latest": liaison.audit.entries(session.user, 5),
    }
    return show(request, session, "admin_home.html", context)


@router.get("/admin/contact-points", response_class=HTMLResponse)
def contact_points(request: Request, liaison: LiaisonDep, session: PageSession = Admin) -> Response:
    """Every contact point, a form to add one, and a way to rename each."""
    return _points_page(request, liaison, session)


def _points_page(
    request: Request,
    liaison: Liaison,
    session: PageSession,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    failed: str = "",
) -> HTMLResponse:
    context = {
        "contact_points": liaison.queries.contact_points(),
        "values": values or {},
        "failed": failed,
        "done": done_message(request, DONE),
        "errors": errors,
    }
    return show(request, session, "admin_contact_points.html", context)


@router.post("/admin/contact-points", response_class=HTMLResponse)
async def designate(
    request: Request, form: CheckedForm, liaison: LiaisonDep, session: PageSession = Admin
) -> Response:
    """Add a contact point; then the list, saying so."""
    values = {k: str(form.get(k, "")).strip()[:400] for k in ("name", "district")}
    try:
        point = await run_in_threadpool(
            liaison.app.designate_contact_point, values["name"], values["district"], session.user
        )
    except InvalidValueError as refused:
        field = refused.field if refused.field in ("name", "district") else "name"
        return _points_page(request, liaison, session, values, {field: MESSAGES[field]}, "new")
    return redirect(_done("/admin/contact-points", "designated", point.name))


@router.post("/admin/contact-points/{contact_point_id}/rename", response_class=HTMLResponse)
async def rename(
    request: Request,
    contact_point_id: UUID,
    form: CheckedForm,
    liaison: LiaisonDep,
    session: PageSession = Admin,
) -> Response:
    """Give a contact point a new name; its records stay with it."""
    name = str(form.get("name", "")).strip()[:400]
    try:
        point = await run_in_threadpool(
            liaison.app.rename_contact_point, contact_point_id, name, session.user
        )
    except InvalidValueError:
        errors = {"name": MESSAGES["name"]}
        failed = contact_point_id.hex
        return _points_page(request, liaison, session, {"name": name}, errors, failed)
    return redirect(_done("/admin/contact-points", "renamed", point.name))


def _done(path: str, what: str, name: str) -> str:
    return f"{path}?{urlencode({'done': what, 'name': name})}"


@router.get("/admin/audit", response_class=HTMLResponse)
def audit(request: Request, liaison: LiaisonDep, session: PageSession = Admin) -> Response:
    """The audit log, newest first, by account, action and days, a page at a time."""
    query = request.query_params
    values = {k: query.get(k, "").strip()[:64] for k in ("actor", "action", "from", "to")}
    errors = {
        field: MESSAGES[field]
        for field in ("from", "to")
        if values[field] and parse_date(values[field]) is None
    }
    before = query.get("before", "")
    context: dict[str, Any] = {"values": values, "entries": [], "older": None, "paged": False}
    if not errors:
        since, until = days(
            parse_date(values["from"]) if values["from"] else None,
            parse_date(values["to"]) if values["to"] else None,
            liaison.app.clock.zone,
        )
        entries = liaison.audit.entries(
            session.user,
            PAGE + 1,
            int(before) if before.isdigit() and 0 < int(before) < 2**63 else None,
            values["action"] or None,
            by=values["actor"] or None,
            since=since,
            until=until,
        )
        zone = liaison.app.clock.zone
        shown = [e | {"at": aware(e["at"]).astimezone(zone)} for e in entries]
        context |= {
            "entries": shown[:PAGE],
            "older": _page_link(values, shown[PAGE - 1]["id"]) if len(shown) > PAGE else None,
            "paged": bool(before),
            "newest": _page_link(values, None),
        }
    return show(request, session, "admin_audit.html", {**context, "errors": errors})


def _page_link(values: dict[str, str], before: int | None) -> str:
    query = {k: v for k, v in values.items() if v}
    if before is not None:
        query["before"] = str(before)
    return "/admin/audit" + (f"?{urlencode(query)}" if query else "")


router.include_router(admin_users.router)
