"""Sessions at the desk: schedule, record who came, held or cancelled, and opinions as said."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from domain.draft import Draft, DraftStatus
from domain.errors import DomainError
from domain.participant import Participant, ParticipantKind
from domain.session import ConsultationSession, SessionKind, SessionStatus
from liaison.bootstrap import Liaison
from projections.dashboard import regulars, session_opinions
from projections.drafts import list_drafts
from projections.listings import list_sessions
from web.deps import LiaisonDep, ReadDep
from web.pages.rendering import CheckedForm, redirect
from web.pages.staff_desk import (
    CANCELLED,
    MESSAGES,
    SAME_NAME,
    Desk,
    DeskDep,
    choose_contact_point,
    form_values,
    parse_date,
    parse_start,
    parse_uuid,
    record_desk,
    refusal,
    show,
    show_form,
)

router = APIRouter(include_in_schema=False)

SCHEDULE_FIELDS = ("kind", "title", "starts_on", "starts_at", "venue")
PERSON_FIELDS = ("name", "kind", "neighbourhood", "phone")


def _schedulable(conn: Connection, contact_point_id: UUID) -> list[dict[str, Any]]:
    """Drafts that asked this contact point for opinions and are not law yet."""
    asked = list_drafts(conn, contact_point_id=contact_point_id)
    drafts = [d for d in asked if d["status"] != DraftStatus.ENACTED.value]
    return sorted(drafts, key=lambda d: (d["status"] != DraftStatus.OPEN.value, d["deadline"]))


@router.get("/staff/sessions", response_class=HTMLResponse)
def sessions_page(request: Request, desk: DeskDep, conn: ReadDep) -> HTMLResponse:
    """The desk's sessions: scheduled ones first, then those held or cancelled."""
    if desk.choosing:
        return choose_contact_point(request, desk, conn)
    rows = list_sessions(conn, desk.cp)
    scheduled = [r for r in rows if r["status"] == SessionStatus.SCHEDULED.value]
    return show(
        request,
        desk,
        "staff_sessions.html",
        {"scheduled": scheduled[::-1], "past": [r for r in rows if r not in scheduled]},
    )


@router.get("/staff/sessions/new", response_class=HTMLResponse)
def new_session(request: Request, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep) -> Response:
    """The form to schedule a session on one or more drafts."""
    if desk.choosing:
        return choose_contact_point(request, desk, conn)
    values = {"starts_on": liaison.app.clock.today().isoformat(), "starts_at": "14:00"}
    return _schedule_form(request, desk, conn, values, [], {})


def _schedule_form(
    request: Request,
    desk: Desk,
    conn: Connection,
    values: dict[str, str],
    ticked: list[str],
    errors: dict[str, str],
) -> HTMLResponse:
    context = {
        "drafts": _schedulable(conn, desk.cp),
        "kinds": [k.value for k in SessionKind],
        "ticked": ticked,
    }
    return show_form(request, desk, "staff_session_new.html", context, values, errors)


@router.post("/staff/sessions", response_class=HTMLResponse)
def schedule(
    request: Request, form: CheckedForm, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep
) -> Response:
    """Schedule the session; then its page, to record who came and what they said."""
    values = form_values(form, *SCHEDULE_FIELDS)
    ticked = [str(v) for v in form.getlist("draft_ids")][:20]
    draft_ids = [d for d in (parse_uuid(t) for t in ticked) if d is not None]
    errors: dict[str, str] = {}
    starts_at = parse_start(values, liaison.app.clock.zone, errors)
    if not draft_ids:
        errors["draft_ids"] = MESSAGES["draft_ids"]
    if not errors and starts_at is not None:
        try:
            session = liaison.app.schedule_session(
                desk.cp,
                draft_ids,
                values["kind"],
                values["title"],
                starts_at,
                desk.actor,
                venue=values["venue"] or None,
            )
            return redirect(desk.link(f"/staff/sessions/{session.id}"))
        except DomainError as refused:
            field, message = refusal(refused, "draft_ids")
            errors[field] = message
    return _schedule_form(request, desk, conn, values, ticked, errors)


def own_session(
    liaison: Liaison, conn: Connection, desk: Desk, session_id: UUID
) -> tuple[ConsultationSession, Desk]:
    session = liaison.app.session(desk.actor, session_id)
    return session, record_desk(desk, liaison, session.contact_point_id)


def people(liaison: Liaison, ids: list[UUID]) -> list[dict[str, Any]]:
    """Participants by id with their name and neighbourhood (never the phone)."""
    found = []
    for participant_id in ids:
        participant = liaison.app.get(participant_id, Participant)
        vault = liaison.app.vault
        found.append(
            {
                "id": str(participant.id),
                "name": vault.open(participant.id, "name", participant.sealed_name),
                "neighbourhood": vault.open(
                    participant.id, "neighbourhood", participant.sealed_neighbourhood
                ),
                "kind": participant.kind.value,
                "erased": participant.erased,
            }
        )
    return found


def _local(moment: datetime, zone: tzinfo) -> datetime:
    """A session's start in the contact point's time zone (a time without a zone is taken
    to be local already, as the demo data records it)."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _session_page(
    request: Request,
    liaison: Liaison,
    conn: Connection,
    desk: Desk,
    session: ConsultationSession,
    failed: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    namesakes: list[dict[str, Any]] | None = None,
) -> HTMLResponse:
    more = request.query_params.get("more") == "1"
    q = request.query_params.get("q", "").strip()[:100] if request.method == "GET" else ""
    if q:  # names are sealed: the desk's own participants' names are opened and searched
        everyone = liaison.queries.participant_ids(desk.actor, session.contact_point_id)
        absent = [p for p in everyone if p not in session.participant_ids]
        found, has_more = liaison.app.people(desk.actor, absent, q), False
    else:
        others, has_more = regulars(conn, session.contact_point_id, session.participant_ids)
        if more:
            others, has_more = regulars(
                conn, session.contact_point_id, session.participant_ids, 500
            )
        found = people(liaison, [UUID(p) for p in others])
    drafts = [liaison.app.get(d, Draft) for d in session.draft_ids]
    context = {
        "session": session,
        "drafts": drafts,
        "attendees": people(liaison, session.participant_ids),
        "others": found,
        "q": q,
        "namesakes": namesakes or [],
        "has_more": has_more and not more,
        "opinions": len(session_opinions(conn, session.id)),
        "kinds": [k.value for k in ParticipantKind],
        "failed": failed,
        "local_start": _local(session.starts_at, liaison.app.clock.zone),
    }
    return show_form(request, desk, "staff_session.html", context, values, errors)


@router.get("/staff/sessions/{session_id}", response_class=HTMLResponse)
def session_page(
    request: Request, session_id: UUID, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep
) -> HTMLResponse:
    """One session: who came, held or cancelled, and where to enter the opinions."""
    session, desk = own_session(liaison, conn, desk, session_id)
    return _session_page(request, liaison, conn, desk, session)


@router.post("/staff/sessions/{session_id}/attendance", response_class=HTMLResponse)
def attend(
    request: Request,
    session_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Tick participants of the contact point who came."""
    session, desk = own_session(liaison, conn, desk, session_id)
    ticked = [p for p in (parse_uuid(str(v)) for v in form.getlist("participant_ids")) if p]
    errors: dict[str, str] = {}
    if not ticked:
        errors["participant_ids"] = MESSAGES["participant_ids"]
    else:
        try:
            liaison.app.record_attendance(session_id, ticked, desk.actor)
            page = desk.link(f"/staff/sessions/{session_id}", done="attended")
            return redirect(page + "#attendance")
        except DomainError as refused:
            field, message = refusal(refused, "participant_ids")
            errors[field] = message
    return _session_page(request, liaison, conn, desk, session, "attend", {}, errors)


@router.post("/staff/sessions/{session_id}/participants", response_class=HTMLResponse)
def register_and_attend(
    request: Request,
    session_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Register a newcomer of the contact point and record that they came."""
    session, desk = own_session(liaison, conn, desk, session_id)
    values = form_values(form, *PERSON_FIELDS)
    consent = form.get("consent_to_contact") == "yes"
    values["consent_to_contact"] = "yes" if consent else ""
    errors: dict[str, str] = {}
    same: list[dict[str, Any]] = []
    if session.status is SessionStatus.CANCELLED:
        errors["form"] = CANCELLED
    elif form.get("another_person") != "yes" and (
        same := liaison.app.namesakes(
            desk.actor,
            liaison.queries.participant_ids(desk.actor, session.contact_point_id),
            values["name"],
        )
    ):
        errors["name"] = SAME_NAME
    else:
        try:
            person = liaison.app.register_participant(
                session.contact_point_id,
                values["name"],
                values["kind"],
                desk.actor,
                neighbourhood=values["neighbourhood"] or None,
                phone=values["phone"] or None,
                consent_to_contact=consent,
            )
            liaison.app.record_attendance(session_id, [person.id], desk.actor)
            page = desk.link(f"/staff/sessions/{session_id}", done="registered")
            return redirect(page + "#attendance")
        except DomainError as refused:
            field, message = refusal(refused, "name")
            errors[field] = message
    return _session_page(request, liaison, conn, desk, session, "register", values, errors, same)


@router.post("/staff/sessions/{session_id}/complete", response_class=HTMLResponse)
def complete(
    request: Request,
    session_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Record that the session was held, with its minutes."""
    session, desk = own_session(liaison, conn, desk, session_id)
    values = form_values(form, "minutes", "held_on")
    errors: dict[str, str] = {}
    held_on = parse_date(values["held_on"]) if values["held_on"] else None
    if values["held_on"] and held_on is None:
        errors["held_on"] = MESSAGES["held_on"]
    else:
        try:
            liaison.app.complete_session(
                session_id, desk.actor, minutes=values["minutes"] or None, held_on=held_on
            )
            return redirect(desk.link(f"/staff/sessions/{session_id}", done="held"))
        except DomainError as refused:
            field, message = refusal(refused, "minutes")
            errors[field] = message
    return _session_page(request, liaison, conn, desk, session, "complete", values, errors)


@router.post("/staff/sessions/{session_id}/cancel", response_class=HTMLResponse)
def cancel(
    request: Request,
    session_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Cancel a scheduled session (the reason is optional)."""
    session, desk = own_session(liaison, conn, desk, session_id)
    values = form_values(form, "reason")
    try:
        liaison.app.cancel_session(session_id, desk.actor, reason=values["reason"] or None)
        return redirect(desk.link(f"/staff/sessions/{session_id}", done="cancelled"))
    except DomainError as refused:
        field, message = refusal(refused, "reason")
        errors = {"cancel_reason" if field == "reason" else field: message}
    return _session_page(request, liaison, conn, desk, session, "cancel", values, errors)
