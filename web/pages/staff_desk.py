"""What the staff pages share: whose desk this is, how to link within it, how to say no.

Staff work for their own contact point only; another contact point's records are answered
as if they did not exist (404). Admins pick a contact point with ``?contact_point_id=``,
which every link and form of the desk then carries along.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from domain.draft import Draft
from domain.errors import (
    DomainError,
    InvalidValueError,
    MismatchError,
    ParticipantErasedError,
    SessionCancelledError,
    UnknownArticleError,
    WrongStateError,
)
from liaison.bootstrap import Liaison
from liaison.errors import ConflictError, NotFoundError
from liaison.rights import KEEPERS, Actor, ForbiddenError, HiddenError, Role, desk
from liaison.sessions import PageSession
from projections.listings import list_contact_points
from web.deps import LiaisonDep
from web.i18n import N_, language, translator
from web.pages.rendering import render, signed_in


@dataclass(frozen=True)
class Desk:
    """One contact point's desk, as seen by one signed-in user."""

    session: PageSession
    contact_point_id: UUID | None
    contact_point_name: str = ""

    @property
    def actor(self) -> Actor:
        return self.session.user

    @property
    def is_admin(self) -> bool:
        return self.session.user.role is Role.ADMIN

    @property
    def choosing(self) -> bool:
        """An admin who has not said which contact point yet."""
        return self.contact_point_id is None

    @property
    def cp(self) -> UUID:
        if self.contact_point_id is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "choose a contact point first")
        return self.contact_point_id

    def link(self, path: str, **params: Any) -> str:
        """A link within the desk; an admin's choice of contact point goes along."""
        query = {k: str(v) for k, v in params.items() if v not in (None, "")}
        if self.is_admin and self.contact_point_id is not None:
            query["contact_point_id"] = str(self.contact_point_id)
        return f"{path}?{urlencode(query)}" if query else path


def _desk(
    session: Annotated[PageSession, signed_in(*KEEPERS)],
    liaison: LiaisonDep,
    contact_point_id: Annotated[str | None, Query(max_length=40)] = None,
) -> Desk:
    wanted = _uuid(contact_point_id) if contact_point_id else None
    if contact_point_id and wanted is None:
        raise HiddenError("no such contact point")
    point = desk(session.user, wanted)
    if point is None:
        return Desk(session, None)
    name = liaison.queries.contact_point_name(point)
    if name is None:
        raise NotFoundError(f"no ContactPoint {point}")
    return Desk(session, point, name)


DeskDep = Annotated[Desk, Depends(_desk)]


def record_desk(desk: Desk, liaison: Liaison, contact_point_id: UUID) -> Desk:
    """The desk a record belongs to, once the application has let the user see the record:
    the user's own, or (admin) the record's."""
    if desk.contact_point_id == contact_point_id:
        return desk
    return Desk(
        desk.session, contact_point_id, liaison.queries.contact_point_name(contact_point_id) or ""
    )


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


DONE = {
    "opinion": N_("The opinion was recorded."),
    "erased": N_("The participant's personal data was erased. Their opinions stay, counted."),
    "unrejected": N_("The rejection was withdrawn; the suggestion waits to be screened again."),
    "unmerged": N_("The merge was undone; both suggestions are as they were before it."),
    "cancelled": N_("The session was cancelled."),
    "held": N_("The session was marked as held."),
    "attended": N_("Attendance was recorded."),
    "registered": N_("The newcomer was registered and recorded as present."),
    "withdrawn": N_(
        "The attendee was removed from those who came; the figures no longer count them."
    ),
    "rescheduled": N_("The session's details were changed."),
    "fed_back": N_(
        "Everyone behind the decided suggestions was told what became of their words; "
        "their receipts show it now."
    ),
}
"""What an action did, said at the top of the page it leads to (``?done=…``)."""


def show(
    request: Request,
    desk: Desk,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    done = DONE.get(request.query_params.get("done", "")) if request.method == "GET" else None
    return render(
        request,
        template,
        {
            "desk": desk,
            "errors": {},
            "values": {},
            "done": gettext(request)(done) if done else "",
            **(context or {}),
        },
        status_code=status_code,
        session=desk.session,
    )


def show_form(
    request: Request,
    desk: Desk,
    template: str,
    context: dict[str, Any],
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page with forms: what was typed comes back in them with what was wrong with it
    (translated), and the answer is 422 when something was."""
    errors = errors or {}
    filled = {**context, "values": values or {}, "errors": translated(request, errors)}
    return show(request, desk, template, filled, 422 if errors else 200)


def headings(draft: Draft) -> dict[int, str]:
    """Article number → heading, as in the version consulted on."""
    return {a.number: a.heading for a in draft.consulted.articles}


def choose_contact_point(request: Request, desk: Desk, conn: Connection) -> HTMLResponse:
    """An admin first picks the contact point whose desk to open."""
    return show(request, desk, "staff_choose.html", {"contact_points": list_contact_points(conn)})


def gettext(request: Request) -> Any:
    return translator(language(request))


def parse_uuid(value: str) -> UUID | None:
    return _uuid(value.strip()) if value and value.strip() else None


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_time(value: str) -> time | None:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_start(values: dict[str, str], zone: tzinfo, errors: dict[str, str]) -> datetime | None:
    """A session's start from its day and time fields, in the contact points' zone; what is
    wrong with either is added to ``errors``."""
    day, at = parse_date(values["starts_on"]), parse_time(values["starts_at"])
    if day is None:
        errors["starts_on"] = MESSAGES["starts_on"]
    if at is None:
        errors["starts_at"] = MESSAGES["starts_at"]
    return None if day is None or at is None else datetime.combine(day, at, zone)


def parse_article(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else None


MESSAGES = {
    "content": N_("Please write the opinion (at most 5,000 characters)."),
    "reason": N_("Please give the reason for not taking it up (at most 1,000 characters)."),
    "into": N_("Please choose the suggestion to merge it into."),
    "title": N_("Please give a title (at most 200 characters)."),
    "venue": N_("The venue can be at most 200 characters."),
    "kind": N_("Please choose one of the kinds."),
    "draft_ids": N_("Please tick at least one draft."),
    "starts_on": N_("Please give the date as year-month-day, for example 2021-03-20."),
    "starts_at": N_("Please give the time as hours:minutes, for example 14:30."),
    "minutes": N_("The minutes can be at most 20,000 characters."),
    "held_on": N_("Please give the date as year-month-day, for example 2021-03-20."),
    "name": N_("Please give the name (at most 100 characters)."),
    "neighbourhood": N_("The neighbourhood can be at most 200 characters."),
    "phone": N_("Please give a phone number of 7 to 20 digits, or leave it empty."),
    "participant_ids": N_("Please tick at least one participant."),
    "participant_id": N_("Please choose a participant of this session, or anonymous."),
    "article": N_("Please choose an article of this draft."),
    "suggestion_ids": N_("Please tick at least one suggestion."),
    "submitted_on": N_("Please give the date as year-month-day, for example 2021-03-20."),
    "outcome": N_("Please choose what the congress decided."),
    "final_article": N_(
        "Please give the number of the article in the final text, or leave it empty."
    ),
    "note": N_("The note can be at most 1,000 characters."),
    "message": N_("Please write the message (at most 5,000 characters)."),
    "channel": N_("Please choose how the opinion came: letter, phone or collector."),
    "received_on": N_("Please give the date as year-month-day, for example 2021-03-20."),
    "reason_undo": N_("Please say why this is undone (at most 1,000 characters)."),
}
CHANGED = N_("Someone changed this in the meantime. Please look at it again.")
CANCELLED = N_("This session was cancelled; nothing more can be recorded for it.")
SAME_NAME = N_(
    "Someone of this name is already registered here: tick them among those who came, or say"
    " that this is another person."
)
ERASED = N_("This participant's personal data was erased; nothing new can be attributed to them.")


def refusal(error: Exception, default_field: str) -> tuple[str, str]:
    """The field a refused command is wrong in, and what to say there (a message id).

    Another contact point's record is not a mistake in a field: it stays a 404."""
    if isinstance(error, HiddenError | ForbiddenError):
        raise error
    if isinstance(error, InvalidValueError):
        field = error.field if error.field in MESSAGES else default_field
        return field, MESSAGES.get(field, N_("Please check this field."))
    if isinstance(error, UnknownArticleError):
        return "article", MESSAGES["article"]
    if isinstance(error, SessionCancelledError):
        return "form", CANCELLED
    if isinstance(error, ParticipantErasedError):
        return "participant_id", ERASED
    if isinstance(error, WrongStateError | ConflictError | MismatchError):
        return "form", CHANGED
    if isinstance(error, NotFoundError) and not isinstance(error, HiddenError):
        return default_field, MESSAGES.get(default_field, N_("Please check this field."))
    if isinstance(error, DomainError):
        return "form", CHANGED
    raise error


def translated(request: Request, errors: dict[str, str]) -> dict[str, str]:
    _ = gettext(request)
    return {field: _(message) for field, message in errors.items()}


def form_values(form: Any, *names: str) -> dict[str, str]:
    """The named fields, stripped; browsers send a textarea's new lines as CR LF."""
    return {name: str(form.get(name, "")).replace("\r\n", "\n").strip() for name in names}
