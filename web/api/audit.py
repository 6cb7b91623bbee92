"""The audit log, for admin: who signed in, who was refused, who revealed, exported, erased."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel

from web.api.common import ERRORS, MAX_POSITION, aware
from web.auth import CurrentUser
from web.deps import LiaisonDep

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=ERRORS)


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    outcome: str
    address: str


@router.get("")
def recent(
    user: CurrentUser,
    liaison: LiaisonDep,
    action: str | None = Query(None, max_length=32),
    before: int | None = Query(
        None, ge=1, le=MAX_POSITION, description="the smallest id already seen"
    ),
    limit: int = Query(200, ge=1, le=1000),
) -> list[AuditEntry]:
    """Audit entries, newest first."""
    return [
        AuditEntry(**(row | {"at": aware(row["at"])}))  # stored in UTC; SQLite drops the offset
        for row in liaison.audit.entries(user, limit, before, action)
    ]
