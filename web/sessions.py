"""Session cookies and CSRF tokens for the pages.

The cookie is HttpOnly and SameSite=Lax, and over HTTPS Secure with the ``__Host-`` prefix.
Every form carries a CSRF token: the session's own when signed in, otherwise a random value
from a cookie of its own (double submit), compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response

ANONYMOUS_CSRF = "liaison_csrf"


def cookie_name(request: Request) -> str:
    return "__Host-liaison" if request.url.scheme == "https" else "liaison_session"


def set_session_cookie(request: Request, response: Response, token: str, minutes: int) -> None:
    https = request.url.scheme == "https"
    response.set_cookie(
        cookie_name(request),
        token,
        max_age=minutes * 60,
        path="/",
        httponly=True,
        secure=https,
        samesite="lax",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        cookie_name(request),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )


def anonymous_csrf(request: Request) -> tuple[str, bool]:
    """The visitor's CSRF value, and whether it is new (and must be set as a cookie)."""
    existing = request.cookies.get(ANONYMOUS_CSRF)
    if existing and 20 <= len(existing) <= 100:
        return existing, False
    return secrets.token_urlsafe(32), True


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
