"""OAuth2 password flow: a username and password for an expiring bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from web.api.common import ERRORS
from web.deps import LiaisonDep

router = APIRouter(prefix="/api/v1", tags=["auth"], responses=ERRORS)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str


@router.post("/token")
def sign_in(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], liaison: LiaisonDep
) -> TokenOut:
    """Exchange a username and password for a bearer token."""
    user = liaison.users.authenticate(form.username, form.password)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return TokenOut(access_token=request.app.state.signer.issue(user), role=user.role.value)
