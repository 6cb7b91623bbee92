"""Contact points: designated and renamed by admin, listed for everyone signed in."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from domain.rules import MAX_TITLE
from web.api.common import ERRORS
from web.auth import CurrentUser
from web.deps import LiaisonDep

router = APIRouter(prefix="/api/v1/contact-points", tags=["contact points"], responses=ERRORS)


class ContactPointIn(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_TITLE)
    district: str = Field(min_length=1, max_length=MAX_TITLE)


class RenameIn(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_TITLE)


class ContactPointOut(BaseModel):
    id: UUID
    name: str
    district: str


@router.post("", status_code=status.HTTP_201_CREATED)
def designate(body: ContactPointIn, user: CurrentUser, liaison: LiaisonDep) -> ContactPointOut:
    """Designate a contact point."""
    cp = liaison.app.designate_contact_point(body.name, body.district, user)
    return ContactPointOut(id=cp.id, name=cp.name, district=cp.district)


@router.get("")
def list_all(user: CurrentUser, liaison: LiaisonDep) -> list[ContactPointOut]:
    """Every contact point, by name."""
    return [ContactPointOut(**row) for row in liaison.queries.contact_points()]


@router.patch("/{contact_point_id}")
def rename(
    contact_point_id: UUID, body: RenameIn, user: CurrentUser, liaison: LiaisonDep
) -> ContactPointOut:
    """Rename a contact point; its records stay with it."""
    cp = liaison.app.rename_contact_point(contact_point_id, body.name, user)
    return ContactPointOut(id=cp.id, name=cp.name, district=cp.district)
