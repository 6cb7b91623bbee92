"""Consultation sessions of a contact point: scheduled, attended, held or cancelled."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from domain.rules import MAX_MINUTES, MAX_PARTICIPANTS_PER_CALL, MAX_TITLE
from domain.session import ConsultationSession, SessionKind, SessionStatus
from liaison.bootstrap import Liaison
from web.api.common import ERRORS, FromRecord, IsoDate, IsoDateTime, aware
from web.auth import CurrentUser
from web.deps import LiaisonDep

router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"], responses=ERRORS)


class SessionIn(BaseModel):
    contact_point_id: UUID
    draft_ids: list[UUID] = Field(min_length=1, max_length=20)
    kind: SessionKind
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    starts_at: IsoDateTime
    venue: str | None = Field(None, max_length=MAX_TITLE)


class AttendanceIn(BaseModel):
    participant_ids: list[UUID] = Field(min_length=1, max_length=MAX_PARTICIPANTS_PER_CALL)


class CompleteIn(BaseModel):
    minutes: str | None = Field(None, max_length=MAX_MINUTES)
    held_on: IsoDate | None = Field(None, description="default: the day it was to start")


class CancelIn(BaseModel):
    reason: str | None = Field(None, max_length=MAX_TITLE)


class SessionSummary(BaseModel):
    id: UUID
    contact_point_id: UUID
    kind: SessionKind
    title: str
    status: SessionStatus
    starts_on: date
    held_on: date | None = None


class SessionOut(FromRecord):
    id: UUID
    contact_point_id: UUID
    draft_ids: list[UUID]
    kind: SessionKind
    title: str
    starts_at: datetime
    venue: str | None
    status: SessionStatus
    held_on: date | None
    minutes: str | None
    participant_ids: list[UUID]


def session_out(session: ConsultationSession, zone: tzinfo = UTC) -> SessionOut:
    """``zone``: where a start recorded without an offset (the demo's, say) took place."""
    out = SessionOut.model_validate(session)
    return out.model_copy(update={"starts_at": aware(session.starts_at, zone)})


def _out(liaison: Liaison, session: ConsultationSession) -> SessionOut:
    return session_out(session, ZoneInfo(liaison.settings.timezone))


@router.post("", status_code=status.HTTP_201_CREATED)
def schedule(body: SessionIn, user: CurrentUser, liaison: LiaisonDep) -> SessionOut:
    """Schedule a session on one or more drafts."""
    session = liaison.app.schedule_session(**body.model_dump(), actor=user)
    return _out(liaison, session)


@router.post("/{session_id}/attendance")
def record_attendance(
    session_id: UUID, body: AttendanceIn, user: CurrentUser, liaison: LiaisonDep
) -> SessionOut:
    """Record who attended (people already recorded are not counted twice)."""
    return _out(liaison, liaison.app.record_attendance(session_id, body.participant_ids, user))


@router.post("/{session_id}/complete")
def complete(
    session_id: UUID, user: CurrentUser, liaison: LiaisonDep, body: CompleteIn | None = None
) -> SessionOut:
    """Record that the session was held, with its minutes."""
    body = body or CompleteIn()
    return _out(
        liaison,
        liaison.app.complete_session(session_id, user, minutes=body.minutes, held_on=body.held_on),
    )


@router.post("/{session_id}/cancel")
def cancel(
    session_id: UUID, user: CurrentUser, liaison: LiaisonDep, body: CancelIn | None = None
) -> SessionOut:
    """Cancel a scheduled session."""
    reason = body.reason if body else None
    return _out(liaison, liaison.app.cancel_session(session_id, user, reason=reason))


@router.get("")
def list_all(
    user: CurrentUser,
    liaison: LiaisonDep,
    contact_point_id: UUID | None = None,
    draft_id: UUID | None = None,
) -> list[SessionSummary]:
    """Sessions, newest first, by contact point and draft."""
    return [
        SessionSummary(**row) for row in liaison.queries.sessions(user, contact_point_id, draft_id)
    ]


@router.get("/{session_id}")
def get_one(session_id: UUID, user: CurrentUser, liaison: LiaisonDep) -> SessionOut:
    """One session with its attendance."""
    return _out(liaison, liaison.app.session(user, session_id))
