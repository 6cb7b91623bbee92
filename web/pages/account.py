"""Sign-in and sign-out for staff, congress and admin."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from liaison.rights import Actor, Role
from web.api.token import checked_sign_in
from web.errors import client_address
from web.i18n import language, translator
from web.pages.rendering import CheckedForm, MaybeSignedIn, redirect, render, safe_next
from web.sessions import clear_session_cookie, cookie_name, set_session_cookie

router = APIRouter(include_in_schema=False)

HOMES = {
    Role.STAFF: "/staff",
    Role.CONGRESS: "/congress",
    Role.ADMIN: "/staff",
    Role.COLLECTOR: "/collect",
}


def home_of(user: Actor) -> str:
    return HOMES[user.role]


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: MaybeSignedIn, next: str | None = None) -> Response:
    """The sign-in form (a signed-in user goes straight on)."""
    if session is not None:
        return redirect(safe_next(next, home_of(session.user)))
    return render(request, "login.html", {"next": safe_next(next, "")})


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, form: CheckedForm) -> Response:
    """Check the password, start a server-side session, go on to where the user was going."""
    liaison = request.app.state.liaison
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:200]
    _ = translator(language(request))
    try:
        user = await run_in_threadpool(
            checked_sign_in, liaison, username, password, client_address(request)
        )
    except HTTPException as refused:
        message = (
            _("Too many failed attempts. Please wait and try again.")
            if refused.status_code == 429
            else _("Wrong username or password.")
        )
        answer = render(
            request,
            "login.html",
            {
                "error": message,
                "username": username,
                "next": safe_next(str(form.get("next", "")), ""),
            },
            status_code=refused.status_code,
        )
        if refused.headers:
            answer.headers.update(refused.headers)
        return answer
    token = await run_in_threadpool(liaison.sessions.start, user)
    response = redirect(safe_next(str(form.get("next", "")), home_of(user)))
    set_session_cookie(request, response, token, liaison.settings.session_minutes)
    return response


@router.post("/logout")
async def logout(request: Request, form: CheckedForm) -> Response:
    """End the session on the server; the cookie is worthless from now on."""
    liaison = request.app.state.liaison
    await run_in_threadpool(liaison.sessions.end, request.cookies.get(cookie_name(request)))
    response = redirect("/")
    clear_session_cookie(request, response)
    return response
