"""Who is asking, and may they: OAuth2 bearer tokens and the roles of API.md.

admin does everything; congress reads everything and records outcomes; staff read and write
only their own contact point's records. A record of another contact point is answered as if it
did not exist (404), an explicit request for another contact point with 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated
from uuid import UUID

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from liaison.errors import NotFoundError
from liaison.users import Role, User

ALGORITHM = "HS256"
bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/token", auto_error=False)


@dataclass(frozen=True)
class TokenSigner:
    key: str
    minutes: int

    def issue(self, user: User) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": user.username,
            "role": user.role.value,
            "cp": user.contact_point_id.hex if user.contact_point_id else None,
            "iat": now,
            "exp": now + timedelta(minutes=self.minutes),
        }
        return jwt.encode(claims, self.key, algorithm=ALGORITHM)

    def read(self, token: str) -> User | None:
        try:
            claims = jwt.decode(
                token, self.key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
            )
            cp = claims.get("cp")
            return User(str(claims["sub"]), Role(claims["role"]), UUID(cp) if cp else None)
        except (jwt.PyJWTError, ValueError, KeyError):
            return None


UNAUTHORIZED = HTTPException(
    status.HTTP_401_UNAUTHORIZED, "not signed in", headers={"WWW-Authenticate": "Bearer"}
)


class Denied(HTTPException):
    """A signed-in user asked for something their role or contact point does not allow;
    answered 403 and written to the audit log."""

    def __init__(self, detail: str) -> None:
        super().__init__(status.HTTP_403_FORBIDDEN, detail)


class HiddenError(NotFoundError):
    """Another contact point's record, fetched by id: answered as unknown, and audited."""


def current_user(request: Request, token: Annotated[str | None, Depends(bearer)]) -> User:
    signer: TokenSigner = request.app.state.signer
    user = signer.read(token) if token else None
    if user is None:
        raise UNAUTHORIZED
    request.state.user = user
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def allow(*roles: Role):  # type: ignore[no-untyped-def]
    """A dependency admitting only the given roles (admin is always admitted)."""

    def check(user: CurrentUser) -> User:
        if user.role is not Role.ADMIN and user.role not in roles:
            raise Denied("your role may not do this")
        return user

    return Depends(check)


Admin = Annotated[User, allow()]
Staff = Annotated[User, allow(Role.STAFF)]
Registrar = Annotated[User, allow(Role.CONGRESS)]
Congress = Annotated[User, allow(Role.CONGRESS)]
Decider = Annotated[User, allow(Role.CONGRESS, Role.STAFF)]
Reader = Annotated[User, allow(Role.CONGRESS, Role.STAFF)]


def require_contact_point(user: User, contact_point_id: UUID) -> None:
    """A request that names a contact point: staff may name only their own."""
    if user.role is Role.STAFF and user.contact_point_id != contact_point_id:
        raise Denied("staff act for their own contact point only")


def require_visible(user: User, contact_point_id: UUID, what: str) -> None:
    """A record fetched by id: another contact point's records do not exist for staff."""
    if user.role is Role.STAFF and user.contact_point_id != contact_point_id:
        raise HiddenError(f"no {what}")


def scope(user: User, requested: UUID | None) -> UUID | None:
    """The contact point a read covers: staff always their own; others what they ask."""
    if user.role is Role.STAFF:
        if requested is not None:
            require_contact_point(user, requested)
        return user.contact_point_id
    return requested
