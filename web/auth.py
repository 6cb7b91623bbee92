"""Who is asking: OAuth2 bearer tokens. What they may do is the application's to decide
(``liaison.rights``); the web only maps its refusals to 403 and 404.

A token names the account's generation when it was issued (``gen``); each request reads the
account by primary key and refuses a token of an older generation or of a deactivated
account, so a reset or deactivation ends every token at once. Tokens issued before
generations existed count as generation 0, the generation of every account then."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated
from uuid import UUID

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from liaison.rights import Actor, Role

ALGORITHM = "HS256"
bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/token", auto_error=False)


def _first_generation(_username: str) -> int:
    return 0


@dataclass(frozen=True)
class TokenSigner:
    key: str
    minutes: int
    generation_of: Callable[[str], int] = _first_generation
    """The account's current generation (``UserDirectory.generation``)."""

    def issue(self, user: Actor) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": user.username,
            "role": user.role.value,
            "cp": user.contact_point_id.hex if user.contact_point_id else None,
            "gen": self.generation_of(user.username),
            "iat": now,
            "exp": now + timedelta(minutes=self.minutes),
        }
        return jwt.encode(claims, self.key, algorithm=ALGORITHM)

    def verify(self, token: str) -> tuple[Actor, int] | None:
        """The user a well-signed, unexpired token names, and its generation."""
        try:
            claims = jwt.decode(
                token, self.key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
            )
            cp = claims.get("cp")
            user = Actor(str(claims["sub"]), Role(claims["role"]), UUID(cp) if cp else None)
            return user, int(claims.get("gen", 0))
        except (jwt.PyJWTError, ValueError, KeyError, TypeError):
            return None

    def read(self, token: str) -> Actor | None:
        found = self.verify(token)
        return found[0] if found else None


UNAUTHORIZED = HTTPException(
    status.HTTP_401_UNAUTHORIZED, "not signed in", headers={"WWW-Authenticate": "Bearer"}
)


def _bearer_user(request: Request, token: str | None, settled: bool) -> Actor:
    signer: TokenSigner = request.app.state.signer
    found = signer.verify(token) if token else None
    if found is None:
        raise UNAUTHORIZED
    request.state.user = found[0]  # who a refusal is audited as
    user: Actor | None = request.app.state.liaison.users.bearer(*found, settled=settled)
    if user is None:  # deactivated, or reset since the token was issued
        del request.state.user
        raise UNAUTHORIZED
    return user


def current_user(request: Request, token: Annotated[str | None, Depends(bearer)]) -> Actor:
    """The token's user; 403 while the account must still replace a one-time password."""
    return _bearer_user(request, token, settled=True)


def current_account(request: Request, token: Annotated[str | None, Depends(bearer)]) -> Actor:
    """The token's user, one-time password or not: for changing that password."""
    return _bearer_user(request, token, settled=False)


CurrentUser = Annotated[Actor, Depends(current_user)]
CurrentAccount = Annotated[Actor, Depends(current_account)]
