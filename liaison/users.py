"""Staff, congress and admin accounts; passwords hashed with argon2id.

Admin creates accounts with a one-time password (shown once, stored only as a hash) that
must be replaced before anything else; resets give a new one; deactivation ends the
account's page sessions and bearer tokens at once. Whichever door asks (API, pages, the
console), the rights are checked here (``ADMINISTRATION``: admin alone) and each change is
audited in the transaction that makes it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from domain.errors import DomainError, InvalidValueError
from liaison.audit import audit_log
from liaison.database import users
from liaison.errors import NotFoundError
from liaison.rights import (
    ACCOUNT_ROLES,
    ADMINISTRATION,
    BOUND,
    Actor,
    ForbiddenError,
    Role,
    operator,
    require_role,
)
from liaison.sessions import web_sessions
from projections.tables import contact_points

MIN_PASSWORD = 10
MAX_PASSWORD = 200  # the sign-in form reads no more
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
_SYMBOLS = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/i/l: read aloud or copied by hand
CONSOLE = operator("console")
"""Whoever runs ``liaison users add`` (and the demo loader, and tests' seeding)."""


class UserExistsError(InvalidValueError):
    def __init__(self, username: str) -> None:
        super().__init__("username", f"{username!r} already exists")


class AccountInactiveError(DomainError):
    """The account was deactivated: nothing more is done to it (409)."""


class PasswordChangeRequiredError(ForbiddenError):
    """Signed in with a one-time password: it must be replaced before anything else (403)."""

    def __init__(self) -> None:
        super().__init__(
            "the one-time password must be changed first: POST /api/v1/account/password"
        )


@dataclass(frozen=True)
class Account:
    """An account as admin sees it (never its password)."""

    username: str
    role: Role
    contact_point_id: UUID | None
    active: bool
    must_change: bool
    created_at: datetime


def one_time_password() -> str:
    """Twelve symbols from 31 in groups of four (about 59 random bits): xxxx-xxxx-xxxx."""
    symbols = "".join(secrets.choice(_SYMBOLS) for _ in range(12))
    return "-".join(symbols[i : i + 4] for i in range(0, 12, 4))


class UserDirectory:
    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self.hasher = hasher or PasswordHasher()

    # --- administration (admin only) -------------------------------------------------

    def add(
        self,
        username: str,
        role: str,
        password: str,
        contact_point_id: UUID | None,
        *,
        actor: Actor = CONSOLE,
        must_change: bool = False,
    ) -> Actor:
        """An account with the password given (the console's way: ``liaison users add``)."""
        require_role(actor, ADMINISTRATION)
        checked_role = _checked_account(username, role, contact_point_id)
        _checked_password(password)
        hashed = self.hasher.hash(password)  # slow on purpose: before the transaction
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(users).values(
                        username=username,
                        role=checked_role.value,
                        contact_point_id=contact_point_id.hex if contact_point_id else None,
                        password_hash=hashed,
                        must_change=must_change,
                    )
                )
                _audit(conn, actor, "user_created", f"{username} as {checked_role.value}")
        except IntegrityError:
            raise UserExistsError(username) from None
        return Actor(username, checked_role, contact_point_id)

    def create(
        self, actor: Actor, username: str, role: str, contact_point_id: UUID | None
    ) -> tuple[Actor, str]:
        """An account with a one-time password, returned this once and never stored."""
        require_role(actor, ADMINISTRATION)
        if contact_point_id is not None and not self._point_exists(contact_point_id):
            raise InvalidValueError("contact_point", "no such contact point")
        password = one_time_password()
        user = self.add(username, role, password, contact_point_id, actor=actor, must_change=True)
        return user, password

    def accounts(self, actor: Actor) -> list[Account]:
        """Every account, by name."""
        require_role(actor, ADMINISTRATION)
        return self._accounts(select(users).order_by(users.c.username))

    def account(self, actor: Actor, username: str) -> Account:
        require_role(actor, ADMINISTRATION)
        found = self._accounts(select(users).where(users.c.username == username))
        if not found:
            raise NotFoundError(f"no account {username!r}")
        return found[0]

    def _accounts(self, query: Any) -> list[Account]:
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            Account(
                row.username,
                Role(row.role),
                UUID(row.contact_point_id) if row.contact_point_id else None,
                bool(row.active),
                bool(row.must_change),
                row.created_at,
            )
            for row in rows
        ]

    def reset(self, actor: Actor, username: str) -> str:
        """A new one-time password; the old password, sessions and tokens stop working."""
        require_role(actor, ADMINISTRATION)
        _not_oneself(actor, username, "reset")
        password = one_time_password()
        hashed = self.hasher.hash(password)
        with self.engine.begin() as conn:
            self._active_row(conn, username)
            _end_sessions_and_tokens(conn, username, password_hash=hashed, must_change=True)
            _audit(conn, actor, "password_reset", username)
        return password

    def deactivate(self, actor: Actor, username: str) -> None:
        """No more sign-ins; every page session and bearer token of the account ends now."""
        require_role(actor, ADMINISTRATION)
        _not_oneself(actor, username, "deactivate")
        with self.engine.begin() as conn:
            self._active_row(conn, username)
            _end_sessions_and_tokens(conn, username, active=False)
            _audit(conn, actor, "deactivated", username)

    # --- one's own account -------------------------------------------------------------

    def change_password(
        self, actor: Actor, new_password: str, current_password: str | None = None
    ) -> None:
        """Replace one's own password. The current one must be given, and right, unless
        the account still has the one-time password it has just signed in with (the page
        then asks only for the new one). Every session and token of the account ends: the
        caller starts a new one."""
        _checked_password(new_password, "new_password")
        hashed = self.hasher.hash(new_password)
        with self.engine.begin() as conn:
            row = self._active_row(conn, actor.username)
            asked = current_password is not None or not row.must_change
            if asked and not self._verifies(row, current_password or ""):
                raise InvalidValueError("current_password", "is not the current password")
            if self._verifies(row, new_password):
                raise InvalidValueError("new_password", "must differ from the current one")
            _end_sessions_and_tokens(conn, actor.username, password_hash=hashed, must_change=False)
            _audit(conn, actor, "password_changed", actor.username)

    # --- signing in ----------------------------------------------------------------------

    def get(self, username: str) -> Actor | None:
        row = self._row(username)
        return _user(row) if row is not None and row.active else None

    def authenticate(self, username: str, password: str) -> Actor | None:
        """The user, or ``None`` for a wrong name or password or a deactivated account
        (never saying which)."""
        row = self._row(username)
        if row is None:
            self.hasher.hash(password)  # spend the same time as a real check
            return None
        if not self._verifies(row, password) or not row.active:
            return None
        return _user(row)

    def generation(self, username: str) -> int:
        """The generation a token issued now belongs to."""
        row = self._row(username)
        return int(row.generation) if row is not None else 0

    def bearer(self, user: Actor, generation: int, *, settled: bool = True) -> Actor | None:
        """The token's user if the token still counts (the account active, not reset or
        deactivated since it was issued), else ``None``. One read by primary key.
        ``settled``: refuse an account that has yet to replace its one-time password."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(users.c.active, users.c.must_change, users.c.generation).where(
                    users.c.username == user.username
                )
            ).first()
        if row is None or not row.active or row.generation != generation:
            return None
        if settled and row.must_change:
            raise PasswordChangeRequiredError()
        return user

    def _point_exists(self, contact_point_id: UUID) -> bool:
        with self.engine.connect() as conn:
            found = conn.execute(
                select(contact_points.c.id).where(contact_points.c.id == contact_point_id.hex)
            ).first()
        return found is not None

    def _verifies(self, row: Any, password: str) -> bool:
        try:
            return bool(self.hasher.verify(row.password_hash, password))
        except VerificationError:
            return False

    def _active_row(self, conn: Connection, username: str) -> Any:
        row = conn.execute(select(users).where(users.c.username == username)).first()
        if row is None:
            raise NotFoundError(f"no account {username!r}")
        if not row.active:
            raise AccountInactiveError(f"{username!r} is deactivated")
        return row

    def _row(self, username: str):  # type: ignore[no-untyped-def]
        with self.engine.connect() as connection:
            return connection.execute(select(users).where(users.c.username == username)).first()


def _checked_account(username: str, role: str, contact_point_id: UUID | None) -> Role:
    if not _USERNAME.match(username):
        raise InvalidValueError("username", "2–64 letters, digits, '.', '_' or '-'")
    try:
        checked_role = Role(role)
    except ValueError:
        checked_role = Role.PUBLIC
    if checked_role not in ACCOUNT_ROLES:
        raise InvalidValueError("role", "must be admin, staff, congress or collector")
    if (checked_role in BOUND) != (contact_point_id is not None):
        raise InvalidValueError(
            "contact_point", "staff and collectors, and only they, belong to a contact point"
        )
    return checked_role


def _checked_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidValueError(field, f"must be at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidValueError(field, f"must be at most {MAX_PASSWORD} characters")


def _not_oneself(actor: Actor, username: str, what: str) -> None:
    if actor.username == username:
        raise InvalidValueError("username", f"you cannot {what} your own account here")


def _end_sessions_and_tokens(conn: Connection, username: str, **values: Any) -> None:
    conn.execute(
        update(users)
        .where(users.c.username == username)
        .values(generation=users.c.generation + 1, **values)
    )
    conn.execute(delete(web_sessions).where(web_sessions.c.username == username))


def _audit(conn: Connection, actor: Actor, action: str, target: str) -> None:
    conn.execute(
        insert(audit_log).values(
            at=datetime.now(UTC),
            actor=actor.username[:64],
            action=action,
            target=target[:200],
            outcome="ok",
            address="",
        )
    )


def _user(row) -> Actor:  # type: ignore[no-untyped-def]
    cp = row.contact_point_id
    return Actor(row.username, Role(row.role), UUID(cp) if cp else None)
