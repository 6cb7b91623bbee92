"""One's own password: replaced at the first sign-in with a one-time password (every other
page sends the user here until it is), or changed at any time."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from domain.errors import InvalidValueError
from liaison.sessions import PageSession
from liaison.users import MIN_PASSWORD
from web.i18n import N_, language, translator
from web.pages.account import home_of
from web.pages.rendering import (
    CheckedForm,
    MaybeSignedIn,
    SignInRequired,
    redirect,
    render,
    safe_next,
)
from web.sessions import set_session_cookie

router = APIRouter(include_in_schema=False)

MESSAGES = {
    "current_password": N_("This is not your current password."),
    "new_password": N_(
        "Please choose a password of at least {n} characters, different from the current one."
    ),
    "repeat": N_("The two new passwords are not the same."),
}


def _form(
    request: Request,
    session: PageSession,
    next_path: str,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    _ = translator(language(request))
    shown = {field: _(MESSAGES[field], n=MIN_PASSWORD) for field in errors or {}}
    return render(
        request,
        "account_password.html",
        {
            "next": next_path,
            "errors": shown,
            "min_length": MIN_PASSWORD,
            "session_must_change": session.must_change,
        },
        422 if errors else 200,
        session,
    )


def _signed_in(request: Request, session: PageSession | None) -> PageSession:
    if session is None:
        raise SignInRequired(request.url.path)
    return session


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, session: MaybeSignedIn, next: str | None = None) -> Response:
    """The form for a new password (and the current one, unless it is a one-time one)."""
    return _form(request, _signed_in(request, session), safe_next(next, ""))


@router.post("/account/password", response_class=HTMLResponse)
async def change_password(request: Request, form: CheckedForm, session: MaybeSignedIn) -> Response:
    """Replace the password; every session of the account ends and a new one begins here."""
    session = _signed_in(request, session)
    liaison = request.app.state.liaison
    next_path = safe_next(str(form.get("next", "")), "")
    current = None if session.must_change else str(form.get("current_password", ""))[:200]
    new = str(form.get("new_password", ""))[:200]
    if new != str(form.get("repeat", ""))[:200]:
        return _form(request, session, next_path, {"repeat": "repeat"})
    try:
        await run_in_threadpool(liaison.users.change_password, session.user, new, current)
    except InvalidValueError as refused:
        field = refused.field if refused.field in MESSAGES else "new_password"
        return _form(request, session, next_path, {field: field})
    token = await run_in_threadpool(liaison.sessions.start, session.user)
    response = redirect(safe_next(next_path, home_of(session.user)))
    set_session_cookie(request, response, token, liaison.settings.session_minutes)
    return response
