"""Opinions that did not come at a session: a letter, a phone call, a collector's notes.

Each is dated the day it was received (a letter's postmark, the call, the day the collector
heard it) and enters by the application's one way in (``record_suggestion``), which checks
the date, the draft and the words as for any opinion.

A phone call is its own channel (``phone``), not a letter: the report's source column and
the figures by channel then say what really happened.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from domain.draft import Draft
from domain.errors import DomainError
from domain.suggestion import Channel
from liaison.bootstrap import Liaison
from web.deps import LiaisonDep, ReadDep
from web.pages.rendering import CheckedForm, redirect
from web.pages.staff_desk import (
    MESSAGES,
    Desk,
    DeskDep,
    choose_contact_point,
    form_values,
    parse_article,
    parse_date,
    refusal,
    show_form,
)

router = APIRouter(include_in_schema=False)

CHANNELS = (Channel.LETTER.value, Channel.PHONE.value, Channel.COLLECTOR.value)
FIELDS = ("channel", "received_on", "article", "content", "name", "phone")


def _form(
    request: Request,
    desk: Desk,
    draft: Draft,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    context = {"draft": draft, "channels": CHANNELS}
    return show_form(request, desk, "staff_letter.html", context, values, errors)


@router.get("/staff/drafts/{draft_id}/letters", response_class=HTMLResponse)
def letter_form(
    request: Request, draft_id: UUID, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep
) -> HTMLResponse:
    """The form for an opinion received by letter, phone or through a collector."""
    if desk.choosing:
        return choose_contact_point(request, desk, conn)
    draft = liaison.app.get(draft_id, Draft)
    channel = request.query_params.get("channel", "")
    values = {
        "channel": channel if channel in CHANNELS else Channel.LETTER.value,
        "received_on": liaison.app.clock.today().isoformat(),
    }
    return _form(request, desk, draft, values)


def _record(liaison: Liaison, desk: Desk, draft_id: UUID, values: dict[str, str]) -> str:
    """Records the opinion; its receipt code."""
    opinion = liaison.app.record_suggestion(
        desk.cp,
        draft_id,
        values["content"],
        values["channel"],
        desk.actor,
        article=parse_article(values["article"]) if values["article"] else None,
        received_on=parse_date(values["received_on"]),
        name=values["name"] or None,
        phone=values["phone"] or None,
    )
    return opinion.receipt


@router.post("/staff/drafts/{draft_id}/letters", response_class=HTMLResponse)
def record_letter(
    request: Request,
    draft_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Record one opinion by letter, phone or collector; then the form again for the next."""
    draft = liaison.app.get(draft_id, Draft)
    values = form_values(form, *FIELDS)
    errors: dict[str, str] = {}
    if values["channel"] not in CHANNELS:
        errors["channel"] = MESSAGES["channel"]
    if parse_date(values["received_on"]) is None:
        errors["received_on"] = MESSAGES["received_on"]
    if values["article"] and parse_article(values["article"]) is None:
        errors["article"] = MESSAGES["article"]
    if not errors:
        try:
            receipt = _record(liaison, desk, draft_id, values)
            return redirect(
                desk.link(
                    f"/staff/drafts/{draft_id}/letters",
                    channel=values["channel"],
                    saved=receipt,
                    done="opinion",
                )
            )
        except DomainError as refused:
            field, message = refusal(refused, "content")
            errors[field] = message
    return _form(request, desk, draft, values, errors)
