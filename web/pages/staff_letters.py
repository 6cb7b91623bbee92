"""Opinions that did not come at a session: a letter, a phone call, a collector's notes.

Each is dated the day it was received (a letter's postmark, the call, the day the collector
heard it) and enters by the application's one way in (``record_suggestion``), which checks
the date, the draft and the words as for any opinion.

A phone call is its own channel (``phone``), not a letter: the report's source column and
the figures by channel then say what really happened.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from domain.draft import Draft
from domain.errors import DomainError
from domain.suggestion import Channel
from web.pages.desk_page import DeskPage, PageDep, note_refusal
from web.pages.rendering import CheckedForm
from web.pages.staff_desk import MESSAGES, form_values, parse_article, parse_date

router = APIRouter(include_in_schema=False)

CHANNELS = (Channel.LETTER.value, Channel.PHONE.value, Channel.COLLECTOR.value)
FIELDS = ("channel", "received_on", "article", "content", "name", "phone")


def _form(
    page: DeskPage, draft: Draft, values: dict[str, str], errors: dict[str, str] | None = None
) -> HTMLResponse:
    context = {"draft": draft, "channels": CHANNELS}
    return page.form("staff_letter.html", context, values, errors)


@router.get("/staff/drafts/{draft_id}/letters", response_class=HTMLResponse)
def letter_form(draft_id: UUID, page: PageDep) -> HTMLResponse:
    """The form for an opinion received by letter, phone or through a collector."""
    if page.desk.choosing:
        return page.choose()
    draft = page.liaison.app.get(draft_id, Draft)
    channel = page.request.query_params.get("channel", "")
    values = {
        "channel": channel if channel in CHANNELS else Channel.LETTER.value,
        "received_on": page.liaison.app.clock.today().isoformat(),
    }
    return _form(page, draft, values)


def _record(page: DeskPage, draft_id: UUID, values: dict[str, str]) -> str:
    """Records the opinion; its receipt code."""
    opinion = page.liaison.app.record_suggestion(
        page.desk.cp,
        draft_id,
        values["content"],
        values["channel"],
        page.desk.actor,
        article=parse_article(values["article"]) if values["article"] else None,
        received_on=parse_date(values["received_on"]),
        name=values["name"] or None,
        phone=values["phone"] or None,
    )
    return opinion.receipt


@router.post("/staff/drafts/{draft_id}/letters", response_class=HTMLResponse)
def record_letter(draft_id: UUID, form: CheckedForm, page: PageDep) -> Response:
    """Record one opinion by letter, phone or collector; then the form again for the next."""
    draft = page.liaison.app.get(draft_id, Draft)
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
            receipt = _record(page, draft_id, values)
            letters = f"/staff/drafts/{draft_id}/letters"
            return page.go(letters, channel=values["channel"], saved=receipt, done="opinion")
        except DomainError as refused:
            note_refusal(errors, refused, "content")
    return _form(page, draft, values, errors)
