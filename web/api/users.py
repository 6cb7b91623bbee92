"""Accounts, for admin: create with a one-time password, list, reset, deactivate; and one's
own password, which an account created or reset by admin must change before anything else."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field

from liaison.rights import Role
from liaison.users import MAX_PASSWORD, MIN_PASSWORD
from web.api.common import ERRORS, aware
from web.api.token import TokenOut
from web.auth import CurrentAccount, CurrentUser
from web.deps import LiaisonDep

router = APIRouter(prefix="/api/v1", tags=["users"], responses=ERRORS)


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    role: Role
    contact_point_id: UUID | None = Field(None, description="staff only, and required for staff")


class UserCreated(BaseModel):
    username: str
    role: Role
    contact_point_id: UUID | None
    one_time_password: str = Field(description="shown this once; changed at first sign-in")


class UserOut(BaseModel):
    username: str
    role: Role
    contact_point_id: UUID | None
    active: bool
    must_change_password: bool
    created_at: datetime


class OneTimePassword(BaseModel):
    one_time_password: str


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD)
    new_password: str = Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create(body: UserIn, user: CurrentUser, liaison: LiaisonDep) -> UserCreated:
    """Create an account; its one-time password is in this answer and nowhere else."""
    account, password = liaison.users.create(
        user, body.username, body.role.value, body.contact_point_id
    )
    return UserCreated(
        username=account.username,
        role=account.role,
        contact_point_id=account.contact_point_id,
        one_time_password=password,
    )


@router.get("/users")
def list_all(user: CurrentUser, liaison: LiaisonDep) -> list[UserOut]:
    """Every account, by name (no passwords)."""
    return [
        UserOut(
            username=a.username,
            role=a.role,
            contact_point_id=a.contact_point_id,
            active=a.active,
            must_change_password=a.must_change,
            created_at=aware(a.created_at),
        )
        for a in liaison.users.accounts(user)
    ]


@router.post("/users/{username}/reset")
def reset(username: str, user: CurrentUser, liaison: LiaisonDep) -> OneTimePassword:
    """A new one-time password; the account's sessions and tokens end."""
    return OneTimePassword(one_time_password=liaison.users.reset(user, username))


@router.post("/users/{username}/deactivate", status_code=status.HTTP_204_NO_CONTENT)
def deactivate(username: str, user: CurrentUser, liaison: LiaisonDep) -> Response:
    """No more sign-ins; the account's sessions and tokens end at once."""
    liaison.users.deactivate(user, username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/account/password")
def change_password(
    body: PasswordChange, request: Request, user: CurrentAccount, liaison: LiaisonDep
) -> TokenOut:
    """Replace one's own password; every earlier token ends and a new one is returned."""
    liaison.users.change_password(user, body.new_password, body.current_password)
    return TokenOut(access_token=request.app.state.signer.issue(user), role=user.role.value)
