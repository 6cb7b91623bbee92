"""OAuth2 password flow: a username and password for an expiring bearer token.

Failed attempts slow down each (account, address) pair and are capped per address (429 with
Retry-After, ``liaison.sign_in``), and the answer never says whether the account exists.
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
    """The user, or 401/429; every attempt is audited. Shared by the API and the pages.

    Throttled per (account, address) with growing delays, and per address with a ceiling
    (``liaison.sign_in``): an attacker's failures never hold up the owner elsewhere."""
    name = username[:64]
    wait = liaison.sign_ins.wait(name, address)
    if wait:
        liaison.audit.record(name, "sign_in", outcome="throttled", address=address)
        raise too_many(wait)
    user = liaison.users.authenticate(username, password)
    if user is None:
        liaison.sign_ins.failed(name, address)
        liaison.audit.record(name, "sign_in", outcome="failed", address=address)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    liaison.sign_ins.succeeded(name, address)
    liaison.audit.record(user.username, "sign_in", address=address)
    return user


@router.post("/token")
def sign_in(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], liaison: LiaisonDep
) -> TokenOut:
    """Exchange a username and password for a bearer token."""
    user = checked_sign_in(liaison, form.username, form.password, client_address(request))
    return TokenOut(access_token=request.app.state.signer.issue(user), role=user.role.value)
