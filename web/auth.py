"""Who is asking: OAuth2 bearer tokens. What they may do is the application's to decide
(``liaison.rights``); the web only maps its refusals to 403 and 404."""

from __future__ import annotations

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


@dataclass(frozen=True)
class TokenSigner:
    key: str
    minutes: int

    def issue(self, user: Actor) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": user.username,
            "role": user.role.value,
            "cp": user.contact_point_id.hex if user.contact_point_id else None,
            "iat": now,
            "exp": now + timedelta(minutes=self.minutes),
        }
        return jwt.encode(claims, self.key, algorithm=ALGORITHM)

    def read(self, token: str) -> Actor | None:
        try:
            claims = jwt.decode(
                token, self.key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
            )
            cp = claims.get("cp")
            return Actor(str(claims["sub"]), Role(claims["role"]), UUID(cp) if cp else None)
        except (jwt.PyJWTError, ValueError, KeyError):
            return None


UNAUTHORIZED = HTTPException(
    status.HTTP_401_UNAUTHORIZED, "not signed in", headers={"WWW-Authenticate": "Bearer"}
)


def current_user(request: Request, token: Annotated[str | None, Depends(bearer)]) -> Actor:
    signer: TokenSigner = request.app.state.signer
    user = signer.read(token) if token else None
    if user is None:
        raise UNAUTHORIZED
    request.state.user = user
    return user


CurrentUser = Annotated[Actor, Depends(current_user)]
