"""What every page shares: the reader's language, their sign-in, CSRF on every form."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.routing import Match

from liaison.rights import Role, require_role
from liaison.sessions import PageSession
from web.i18n import COOKIE, LOCALES, language, translator
from web.ops import notice
from web.sessions import ANONYMOUS_CSRF, anonymous_csrf, cookie_name, tokens_match
from web.templating import templates

STAFF_AND_CONGRESS = ("/staff", "/congress")
"""Pages that say when the read models lag or projection has stopped."""


def page_session(request: Request) -> PageSession | None:
    liaison = request.app.state.liaison
    session = liaison.sessions.find(request.cookies.get(cookie_name(request)))
    if session is not None:
        request.state.user = session.user
    return session


MaybeSignedIn = Annotated[PageSession | None, Depends(page_session)]


class SignInRequired(Exception):
    """Raised by pages that need a signed-in user of some role; answered with a redirect
    to ``page`` (the sign-in form), which sends the user back to ``next_path``."""

    page = "/login"

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class PasswordChangeRequired(SignInRequired):
    """Signed in with a one-time password: the password page comes before any other."""

    page = "/account/password"


def signed_in(*roles: Role):  # type: ignore[no-untyped-def]
    """A dependency for pages of the given roles (admin always admitted), once any
    one-time password has been replaced."""

    def check(request: Request, session: MaybeSignedIn) -> PageSession:
        if session is None:
            raise SignInRequired(request.url.path)
        if session.must_change:
            raise PasswordChangeRequired(request.url.path)
        require_role(session.user, roles)
        return session

    return Depends(check)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths: a sign-in must never redirect to another site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def switch_href(request: Request, lang: str) -> str:
    """The link that shows this page in the other language. After a POST (a refused form) the
    address answers POST only, so the link goes to the nearest page above it that answers GET
    (``/drafts/{id}/comments`` → ``/drafts/{id}``); a GET keeps its query (filters, codes)."""
    other = next(code for code in LOCALES if code != lang)
    if request.method == "GET":
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        return f"{request.url.path}?{urlencode([*query, ('lang', other)])}"
    path = request.url.path.rstrip("/") or "/"
    while path != "/" and not _answers_get(request, path):
        path = path.rsplit("/", 1)[0] or "/"
    return f"{path}?lang={other}"


def _answers_get(request: Request, path: str) -> bool:
    if path.startswith(("/api/", "/static/")):
        return False
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    return any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    session: PageSession | None = None,
) -> HTMLResponse:
    lang = language(request)
    if session is not None:
        csrf, new_cookie = session.csrf, False
    else:
        csrf, new_cookie = anonymous_csrf(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "_": translator(lang),
            "lang": lang,
            "user": session.user if session else None,
            "csrf_token": csrf,
            "path": request.url.path,
            **(notice(request) if request.url.path.startswith(STAFF_AND_CONGRESS) else {}),
            "switch_href": switch_href(request, lang),
            **(context or {}),
        },
        status_code=status_code,
    )
    secure = request.url.scheme == "https"
    if new_cookie:
        response.set_cookie(
            ANONYMOUS_CSRF, csrf, httponly=True, samesite="lax", secure=secure, path="/"
        )
    if request.query_params.get("lang") == lang:
        response.set_cookie(
            COOKIE, lang, max_age=365 * 86400, samesite="lax", secure=secure, path="/"
        )
    return response


def redirect(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=status.HTTP_303_SEE_OTHER)


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the session's (or the visitor's cookie)."""
    form = await request.form()
    session = await run_in_threadpool(page_session, request)
    expected = session.csrf if session else request.cookies.get(ANONYMOUS_CSRF)
    if not tokens_match(expected, str(form.get("csrf_token", ""))):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the form has expired; reload the page")
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]
