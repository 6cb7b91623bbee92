"""OAuth2 password flow: a username and password for an expiring bearer token.

Failed attempts are limited per account and per address (429 with Retry-After), and the
answer never says whether the account exists.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from liaison.bootstrap import Liaison
from liaison.rights import Actor
from web.api.common import ERRORS
from web.deps import LiaisonDep
from web.errors import client_address

router = APIRouter(prefix="/api/v1", tags=["auth"], responses=ERRORS)

WINDOW = 15 * 60


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str


def too_many(seconds: int) -> HTTPException:
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        "too many failed sign-ins; try again later",
        headers={"Retry-After": str(seconds)},
    )


def checked_sign_in(liaison: Liaison, username: str, password: str, address: str) -> Actor:
    """The user, or 401/429; every attempt is audited. Shared by the API and the pages."""
    limit = liaison.settings.sign_in_failures
    buckets = [(f"sign-in:user:{username[:64]}", limit), (f"sign-in:addr:{address}", 4 * limit)]
    wait = max(liaison.limiter.blocked_for(b, n, WINDOW) for b, n in buckets)
    if wait:
        liaison.audit.record(username[:64], "sign_in", outcome="throttled", address=address)
        raise too_many(wait)
    user = liaison.users.authenticate(username, password)
    if user is None:
        for bucket, _ in buckets:
            liaison.limiter.hit(bucket, WINDOW)
        liaison.audit.record(username[:64], "sign_in", outcome="failed", address=address)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    liaison.audit.record(user.username, "sign_in", address=address)
    return user


@router.post("/token")
def sign_in(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], liaison: LiaisonDep
) -> TokenOut:
    """Exchange a username and password for a bearer token."""
    user = checked_sign_in(liaison, form.username, form.password, client_address(request))
    return TokenOut(access_token=request.app.state.signer.issue(user), role=user.role.value)
