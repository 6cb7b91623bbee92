"""Accounts (admin): the list, a new account with its one-time password shown once, a reset,
a deactivation after a confirmation step."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from domain.errors import InvalidValueError
from liaison.bootstrap import Liaison
from liaison.rights import ACCOUNT_ROLES, ADMINISTRATION
from liaison.sessions import PageSession
from web.deps import LiaisonDep
from web.i18n import N_, language, translator
from web.pages.rendering import CheckedForm, redirect, render, signed_in

router = APIRouter(include_in_schema=False)
Admin = signed_in(*ADMINISTRATION)

MESSAGES = {
    "username": N_(
        "Please give a name of 2 to 64 letters, digits, '.', '_' or '-' that is not taken."
    ),
    "role": N_("Please choose a role."),
    "contact_point": N_("Staff, and only staff, belong to a contact point: please choose one."),
}
DONE = {"deactivated": N_("{name} can no longer sign in; their sessions have ended.")}


def _account_name(username: str) -> str:
    return username[:64]  # no account's name is longer


AccountName = Annotated[str, Depends(_account_name)]
"""The account named in the path."""


def _accounts_page(
    request: Request,
    liaison: Liaison,
    session: PageSession,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    _ = translator(language(request))
    points = liaison.queries.contact_points()
    names = {cp["id"]: cp["name"] for cp in points}
    accounts = [
        {
            "account": a,
            "point": names.get(a.contact_point_id.hex, "") if a.contact_point_id else "",
        }
        for a in liaison.users.accounts(session.user)
    ]
    done = DONE.get(request.query_params.get("done", ""))
    context = {
        "accounts": accounts,
        "contact_points": points,
        "roles": [r.value for r in ACCOUNT_ROLES],
        "values": values or {"role": "staff"},
        "errors": {field: _(message) for field, message in (errors or {}).items()},
        "done": _(done, name=request.query_params.get("name", "")[:64]) if done else "",
    }
    return render(request, "admin_users.html", context, 422 if errors else 200, session)


def _password_page(
    request: Request, session: PageSession, username: str, password: str, new: bool
) -> HTMLResponse:
    """The one-time password, this once: the page must not be kept by any cache."""
    context = {"username": username, "password": password, "new": new}
    answer = render(request, "admin_password.html", context, session=session)
    answer.headers["Cache-Control"] = "no-store"
    return answer


@router.get("/admin/users", response_class=HTMLResponse)
def accounts(request: Request, liaison: LiaisonDep, session: PageSession = Admin) -> Response:
    """Every account with its role, contact point and state, and a form to add one."""
    return _accounts_page(request, liaison, session)


@router.post("/admin/users", response_class=HTMLResponse)
async def create(
    request: Request, form: CheckedForm, liaison: LiaisonDep, session: PageSession = Admin
) -> Response:
    """Add an account; its one-time password is shown on the page that answers, once."""
    values = {k: str(form.get(k, "")).strip()[:100] for k in ("username", "role", "contact_point")}
    try:
        point = UUID(values["contact_point"]) if values["contact_point"] else None
    except ValueError:
        return _accounts_page(
            request, liaison, session, values, {"contact_point": MESSAGES["contact_point"]}
        )
    try:
        user, password = await run_in_threadpool(
            liaison.users.create, session.user, values["username"], values["role"], point
        )
    except InvalidValueError as refused:
        field = refused.field if refused.field in MESSAGES else "username"
        return _accounts_page(request, liaison, session, values, {field: MESSAGES[field]})
    return _password_page(request, session, user.username, password, new=True)


@router.post("/admin/users/{username}/reset", response_class=HTMLResponse)
async def reset(
    request: Request,
    form: CheckedForm,
    name: AccountName,
    liaison: LiaisonDep,
    session: PageSession = Admin,
) -> Response:
    """A new one-time password for the account, shown once; its sessions end."""
    password = await run_in_threadpool(liaison.users.reset, session.user, name)
    return _password_page(request, session, name, password, new=False)


@router.get("/admin/users/{username}/deactivate", response_class=HTMLResponse)
def confirm_deactivation(
    request: Request, name: AccountName, liaison: LiaisonDep, session: PageSession = Admin
) -> Response:
    """Ask once more before an account is shut."""
    account = liaison.users.account(session.user, name)
    return render(request, "admin_deactivate.html", {"account": account}, session=session)


@router.post("/admin/users/{username}/deactivate", response_class=HTMLResponse)
async def deactivate(
    form: CheckedForm, name: AccountName, liaison: LiaisonDep, session: PageSession = Admin
) -> Response:
    """Shut the account: no more sign-ins, its sessions and tokens end now."""
    await run_in_threadpool(liaison.users.deactivate, session.user, name)
    return redirect("/admin/users?" + urlencode({"done": "deactivated", "name": name}))
