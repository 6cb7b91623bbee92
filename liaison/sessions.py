"""Server-side sessions for the pages.

The cookie holds only a random id; the session lives in the database under the id's hash,
so signing out or expiry ends it for real: a replayed cookie finds nothing. A session
counts only while its account is active (read with it, in the same query), and says
whether the account has yet to replace a one-time password.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import Column, DateTime, Engine, String, Table, delete, insert, select

from liaison.database import metadata, users
from liaison.rights import Actor, Role

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


@dataclass(frozen=True)
class PageSession:
    user: Actor
    csrf: str
    must_change: bool = False
    """Signed in with a one-time password: every page but the password's sends them there."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, engine: Engine, minutes: int) -> None:
        self.engine = engine
        self.lifetime = timedelta(minutes=minutes)

    def start(self, user: Actor) -> str:
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
                select(web_sessions, users.c.must_change)
                .join(users, users.c.username == web_sessions.c.username)
                .where(web_sessions.c.id_hash == _hash(token), users.c.active.is_(True))
            ).first()
        if row is None:
            return None
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        if expires <= datetime.now(UTC):
            self.end(token)
            return None
        cp = UUID(row.contact_point_id) if row.contact_point_id else None
        return PageSession(Actor(row.username, Role(row.role), cp), row.csrf, bool(row.must_change))

    def end(self, token: str | None) -> None:
        if token:
            with self.engine.begin() as conn:
                conn.execute(delete(web_sessions).where(web_sessions.c.id_hash == _hash(token)))
