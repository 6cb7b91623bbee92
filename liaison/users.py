"""Staff, congress and admin accounts; passwords hashed with argon2id."""

from __future__ import annotations

import re
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from domain.errors import InvalidValueError
from liaison.database import users
from liaison.rights import ACCOUNT_ROLES, Actor, Role

MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")


class UserExistsError(InvalidValueError):
    def __init__(self, username: str) -> None:
        super().__init__("username", f"{username!r} already exists")


class UserDirectory:
    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self.hasher = hasher or PasswordHasher()

    def add(self, username: str, role: str, password: str, contact_point_id: UUID | None) -> Actor:
        if not _USERNAME.match(username):
            raise InvalidValueError("username", "2–64 letters, digits, '.', '_' or '-'")
        try:
            checked_role = Role(role)
        except ValueError:
            checked_role = Role.PUBLIC
        if checked_role not in ACCOUNT_ROLES:
            raise InvalidValueError("role", "must be admin, staff or congress")
        if (checked_role is Role.STAFF) != (contact_point_id is not None):
            raise InvalidValueError(
                "contact_point", "staff, and only staff, belong to a contact point"
            )
        if len(password) < MIN_PASSWORD:
            raise InvalidValueError("password", f"must be at least {MIN_PASSWORD} characters")
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(users).values(
                        username=username,
                        role=checked_role.value,
                        contact_point_id=contact_point_id.hex if contact_point_id else None,
                        password_hash=self.hasher.hash(password),
                    )
                )
        except IntegrityError:
            raise UserExistsError(username) from None
        return Actor(username, checked_role, contact_point_id)

    def get(self, username: str) -> Actor | None:
        row = self._row(username)
        return _user(row) if row else None

    def authenticate(self, username: str, password: str) -> Actor | None:
        """The user, or ``None`` for a wrong name or password (never saying which)."""
        row = self._row(username)
        try:
            if row is None:
                self.hasher.hash(password)  # spend the same time as a real check
                return None
            self.hasher.verify(row.password_hash, password)
        except VerificationError:
            return None
        return _user(row)

    def _row(self, username: str):  # type: ignore[no-untyped-def]
        with self.engine.connect() as connection:
            return connection.execute(select(users).where(users.c.username == username)).first()


def _user(row) -> Actor:  # type: ignore[no-untyped-def]
    cp = row.contact_point_id
    return Actor(row.username, Role(row.role), UUID(cp) if cp else None)
