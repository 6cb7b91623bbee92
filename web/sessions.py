"""Server-side sessions for the pages, and CSRF tokens for every form.

The cookie holds only a random id; the session lives in the database (keyed by the id's
hash), so signing out or expiry ends it for real: a replayed cookie finds nothing. The
cookie is HttpOnly and SameSite=Lax, and over HTTPS Secure with the ``__Host-`` prefix.
Forms carry a CSRF token: the session's own when signed in, otherwise a random value from a
cookie of its own (double submit), compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from fastapi import Request, Response
from sqlalchemy import Column, DateTime, Engine, String, Table, delete, insert, select

from liaison.database import metadata
from liaison.users import Role, User

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("contact_point_id", String(32)),
    Column("csrf", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

ANONYMOUS_CSRF = "liaison_csrf"


@dataclass(frozen=True)
class PageSession:
    user: User
    csrf: str


def cookie_name(request: Request) -> str:
    return "__Host-liaison" if request.url.scheme == "https" else "liaison_session"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, engine: Engine, minutes: int) -> None:
        self.engine = engine
        self.lifetime = timedelta(minutes=minutes)

    def start(self, user: User) -> str:
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                insert(web_sessions).values(
                    id_hash=_hash(token),
                    username=user.username,
                    role=user.role.value,
                    contact_point_id=user.contact_point_id.hex if user.contact_point_id else None,
                    csrf=secrets.token_urlsafe(32),
                    expires_at=datetime.now(UTC) + self.lifetime,
                )
            )
        return token

    def find(self, token: str | None) -> PageSession | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(web_sessions).where(web_sessions.c.id_hash == _hash(token))
            ).first()
        if row is None:
            return None
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        if expires <= datetime.now(UTC):
            self.end(token)
            return None
        cp = UUID(row.contact_point_id) if row.contact_point_id else None
        return PageSession(User(row.username, Role(row.role), cp), row.csrf)

    def end(self, token: str | None) -> None:
        if token:
            with self.engine.begin() as conn:
                conn.execute(delete(web_sessions).where(web_sessions.c.id_hash == _hash(token)))

    def end_all_expired(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(web_sessions).where(web_sessions.c.expires_at <= datetime.now(UTC)))


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
