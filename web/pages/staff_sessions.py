"""Sessions at the desk: schedule, record who came, held or cancelled, and opinions as said."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from domain.draft import DraftStatus
from domain.errors import DomainError
from domain.session import SessionKind, SessionStatus
from projections.drafts import list_drafts
from projections.listings import list_sessions
from web.pages.desk_page import DeskPage, PageDep, note_refusal
from web.pages.rendering import CheckedForm
from web.pages.staff_desk import (
    CANCELLED,
    MESSAGES,
    SAME_NAME,
    form_values,
    parse_date,
    parse_start,
    parse_uuid,
    refusal,
)
from web.pages.staff_session_page import OwnSession, session_page

router = APIRouter(include_in_schema=False)

SCHEDULE_FIELDS = ("kind", "title", "starts_on", "starts_at", "venue")
PERSON_FIELDS = ("name", "kind", "neighbourhood", "phone")


def _schedulable(conn: Connection, contact_point_id: UUID) -> list[dict[str, Any]]:
    """Drafts that asked this contact point for opinions and are not law yet."""
    asked = list_drafts(conn, contact_point_id=contact_point_id)
    drafts = [d for d in asked if d["status"] != DraftStatus.ENACTED.value]
    return sorted(drafts, key=lambda d: (d["status"] != DraftStatus.OPEN.value, d["deadline"]))


@router.get("/staff/sessions", response_class=HTMLResponse)
def sessions_page(page: PageDep) -> HTMLResponse:
    """The desk's sessions: scheduled ones first, then those held or cancelled."""
    if page.desk.choosing:
        return page.choose()
    rows = list_sessions(page.conn, page.desk.cp)
    scheduled = [r for r in rows if r["status"] == SessionStatus.SCHEDULED.value]
    past = [r for r in rows if r not in scheduled]
    return page.show("staff_sessions.html", {"scheduled": scheduled[::-1], "past": past})


@router.get("/staff/sessions/new", response_class=HTMLResponse)
def new_session(page: PageDep) -> Response:
    """The form to schedule a session on one or more drafts."""
    if page.desk.choosing:
        return page.choose()
    values = {"starts_on": page.liaison.app.clock.today().isoformat(), "starts_at": "14:00"}
    return _schedule_form(page, values, [], {})


def _schedule_form(
    page: DeskPage, values: dict[str, str], ticked: list[str], errors: dict[str, str]
) -> HTMLResponse:
    context = {
        "drafts": _schedulable(page.conn, page.desk.cp),
        "kinds": [k.value for k in SessionKind],
        "ticked": ticked,
    }
    return page.form("staff_session_new.html", context, values, errors)


@router.post("/staff/sessions", response_class=HTMLResponse)
def schedule(form: CheckedForm, page: PageDep) -> Response:
    """Schedule the session; then its page, to record who came and what they said."""
    values = form_values(form, *SCHEDULE_FIELDS)
    ticked = [str(v) for v in form.getlist("draft_ids")][:20]
    draft_ids = [d for d in (parse_uuid(t) for t in ticked) if d is not None]
    errors: dict[str, str] = {}
    starts_at = parse_start(values, page.liaison.app.clock.zone, errors)
    if not draft_ids:
        errors["draft_ids"] = MESSAGES["draft_ids"]
    if not errors and starts_at is not None:
        try:
            session = page.liaison.app.schedule_session(
                page.desk.cp,
                draft_ids,
                values["kind"],
                values["title"],
                starts_at,
                page.desk.actor,
                venue=values["venue"] or None,
            )
            return page.go(f"/staff/sessions/{session.id}")
        except DomainError as refused:
            note_refusal(errors, refused, "draft_ids")
    return _schedule_form(page, values, ticked, errors)


@router.get("/staff/sessions/{session_id}", response_class=HTMLResponse)
def session_view(own: OwnSession) -> HTMLResponse:
    """One session: who came, held or cancelled, and where to enter the opinions."""
    session, page = own
    return session_page(page, session)


@router.post("/staff/sessions/{session_id}/attendance", response_class=HTMLResponse)
def attend(form: CheckedForm, own: OwnSession) -> Response:
    """Tick participants of the contact point who came."""
    session, page = own
    ticked = [p for p in (parse_uuid(str(v)) for v in form.getlist("participant_ids")) if p]
    errors: dict[str, str] = {}
    if not ticked:
        errors["participant_ids"] = MESSAGES["participant_ids"]
    else:
        try:
            page.liaison.app.record_attendance(session.id, ticked, page.desk.actor)
            return page.go(f"/staff/sessions/{session.id}", "#attendance", done="attended")
        except DomainError as refused:
            note_refusal(errors, refused, "participant_ids")
    return session_page(page, session, "attend", {}, errors)


@router.post("/staff/sessions/{session_id}/participants", response_class=HTMLResponse)
def register_and_attend(form: CheckedForm, own: OwnSession) -> Response:
    """Register a newcomer of the contact point and record that they came."""
    session, page = own
    app, actor = page.liaison.app, page.desk.actor
    values = form_values(form, *PERSON_FIELDS)
    consent = form.get("consent_to_contact") == "yes"
    values["consent_to_contact"] = "yes" if consent else ""
    errors: dict[str, str] = {}
    same: list[dict[str, Any]] = []
    if session.status is SessionStatus.CANCELLED:
        errors["form"] = CANCELLED
    elif form.get("another_person") != "yes" and (
        same := app.namesakes(
            actor,
            page.liaison.queries.participant_ids(actor, session.contact_point_id),
            values["name"],
        )
    ):
        errors["name"] = SAME_NAME
    else:
        try:
            person = app.register_participant(
                session.contact_point_id,
                values["name"],
                values["kind"],
                actor,
                neighbourhood=values["neighbourhood"] or None,
                phone=values["phone"] or None,
                consent_to_contact=consent,
            )
            app.record_attendance(session.id, [person.id], actor)
            return page.go(f"/staff/sessions/{session.id}", "#attendance", done="registered")
        except DomainError as refused:
            note_refusal(errors, refused, "name")
    return session_page(page, session, "register", values, errors, same)


@router.post("/staff/sessions/{session_id}/complete", response_class=HTMLResponse)
def complete(form: CheckedForm, own: OwnSession) -> Response:
    """Record that the session was held, with its minutes."""
    session, page = own
    values = form_values(form, "minutes", "held_on")
    errors: dict[str, str] = {}
    held_on = parse_date(values["held_on"]) if values["held_on"] else None
    if values["held_on"] and held_on is None:
        errors["held_on"] = MESSAGES["held_on"]
    else:
        try:
            page.liaison.app.complete_session(
                session.id, page.desk.actor, minutes=values["minutes"] or None, held_on=held_on
            )
            return page.go(f"/staff/sessions/{session.id}", done="held")
        except DomainError as refused:
            note_refusal(errors, refused, "minutes")
    return session_page(page, session, "complete", values, errors)


@router.post("/staff/sessions/{session_id}/cancel", response_class=HTMLResponse)
def cancel(form: CheckedForm, own: OwnSession) -> Response:
    """Cancel a scheduled session (the reason is optional)."""
    session, page = own
    values = form_values(form, "reason")
    try:
        reason = values["reason"] or None
        page.liaison.app.cancel_session(session.id, page.desk.actor, reason=reason)
        return page.go(f"/staff/sessions/{session.id}", done="cancelled")
    except DomainError as refused:
        field, message = refusal(refused, "reason")
        errors = {"cancel_reason" if field == "reason" else field: message}
    return session_page(page, session, "cancel", values, errors)
