"""The audit log, for admin: who signed in, who was refused, who revealed, exported, erased."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from liaison.audit import days
from web.api.common import ERRORS, MAX_POSITION, IsoDate, aware
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
    actor: str | None = Query(None, max_length=64, description="one account's entries"),
    from_: Annotated[IsoDate | None, Query(alias="from", description="first day")] = None,
    to: Annotated[IsoDate | None, Query(description="last day, inclusive")] = None,
    before: int | None = Query(
        None, ge=1, le=MAX_POSITION, description="the smallest id already seen"
    ),
    limit: int = Query(200, ge=1, le=1000),
) -> list[AuditEntry]:
    """Audit entries, newest first."""
    since, until = days(from_, to, liaison.app.clock.zone)
    entries = liaison.audit.entries(user, limit, before, action, by=actor, since=since, until=until)
    return [
        AuditEntry(**(row | {"at": aware(row["at"])}))  # stored in UTC; SQLite drops the offset
        for row in entries
    ]
