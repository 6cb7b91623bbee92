"""Draft intake for the congress (and admin): paste or upload a draft, see how it splits into
chapters and articles and what looks wrong, then register it with the contact points asked.

Forms here are multipart (a file may come with them), so they are read with a part size as
large as the body limit: a long draft pasted into the text box is one large field.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from domain.draft import DraftLevel
from domain.errors import DomainError, InvalidValueError
from domain.preview import Preview
from liaison.bootstrap import Liaison
from liaison.rights import REGISTRARS, Actor
from liaison.sessions import PageSession
from web.deps import LiaisonDep
from web.i18n import N_, language, translator
from web.pages.rendering import checked_form, redirect, render, signed_in
from web.pages.staff_desk import parse_date

router = APIRouter(include_in_schema=False)
Registrar = signed_in(*REGISTRARS)
DEADLINE_DAYS = 30
"""The deadline offered for a new draft: consultations usually run about a month."""

MESSAGES = {
    "text": N_("Please paste the text of the draft, or choose a file."),
    "file": N_("Please choose a .docx file, or a .txt file in UTF-8 or GB18030."),
    "repeated": N_("Two articles share a number. Please correct the text and preview it again."),
    "title": N_("Please give a title (at most 200 characters)."),
    "level": N_("Please choose the level of the draft."),
    "issuer": N_("Please say who issued the draft (at most 200 characters)."),
    "received_on": N_("Please give the date as year-month-day, for example 2021-03-20."),
    "deadline": N_("Please give a deadline on or after the day the draft was received."),
    "contact_point_ids": N_("Please tick at least one contact point."),
    "label": N_("Please give a new name for this reading, such as 二审稿 (at most 50 characters)."),
    "enacted_on": N_("Please give the date it was passed, on or after the day it was received."),
    "changed": N_("The text changed since it was previewed. Please check the preview again."),
}


async def intake_form(request: Request) -> FormData:
    """The posted multipart form, its CSRF token checked."""
    limit = request.app.state.liaison.settings.max_body_bytes
    await request.form(max_part_size=limit)  # parsed once; checked_form reads it again
    return await checked_form(request)


IntakeForm = Annotated[FormData, Depends(intake_form)]


def digest(text: str) -> str:
    """What the preview showed: registering another text asks for a new preview."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def submitted_text(liaison: Liaison, actor: Actor, form: FormData) -> tuple[str, bool]:
    """The draft's text: the uploaded file's if one was chosen, else as pasted; and whether
    it came from a file. A file that cannot be read raises ``InvalidValueError`` (file)."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        content = upload.file.read()
        return liaison.app.read_draft_file(actor, upload.filename, content), True
    return str(form.get("text", "")).replace("\r\n", "\n").strip(), False


def previewed(
    liaison: Liaison, actor: Actor, form: FormData, errors: dict[str, str]
) -> tuple[str, Preview | None, bool]:
    """The text, its preview (``None`` with the error set when there is none), and whether
    it was just uploaded (then it must be looked at before it is saved)."""
    try:
        text, uploaded = submitted_text(liaison, actor, form)
    except InvalidValueError:
        errors["file"] = MESSAGES["file"]
        return str(form.get("text", "")).strip(), None, True
    if not text:
        errors["text"] = MESSAGES["text"]
        return text, None, uploaded
    try:
        preview = liaison.app.preview_draft(actor, text)
    except InvalidValueError:
        errors["text"] = MESSAGES["text"]
        return text, None, uploaded
    if not preview.registrable:
        errors["text"] = MESSAGES["repeated"]
    return text, preview, uploaded


def _points(liaison: Liaison) -> list[dict[str, Any]]:
    return liaison.queries.contact_points()


def _intake_page(
    request: Request,
    session: PageSession,
    liaison: Liaison,
    values: dict[str, str],
    ticked: list[str],
    preview: Preview | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    _ = translator(language(request))
    errors = {k: _(v) for k, v in (errors or {}).items()}
    context = {
        "values": values,
        "ticked": ticked,
        "contact_points": _points(liaison),
        "levels": [level.value for level in DraftLevel],
        "preview": preview,
        "previewed": digest(values["text"]) if preview else "",
        "errors": errors,
    }
    status_code = 422 if errors else 200
    return render(request, "congress_draft_new.html", context, status_code, session)


@router.get("/congress/drafts/new", response_class=HTMLResponse)
def new_draft(
    request: Request, liaison: LiaisonDep, session: PageSession = Registrar
) -> HTMLResponse:
    """Step one: paste the draft's text or choose its file."""
    values, ticked = _first_details(liaison)
    return _intake_page(request, session, liaison, {"text": ""} | values, ticked)


def _first_details(liaison: Liaison) -> tuple[dict[str, str], list[str]]:
    """What the details start as: received today, a month to give opinions, every contact
    point asked."""
    today = liaison.app.clock.today()
    values = {
        "received_on": today.isoformat(),
        "deadline": (today + timedelta(days=DEADLINE_DAYS)).isoformat(),
    }
    return values, [cp["id"] for cp in _points(liaison)]


FIELDS = ("title", "level", "issuer", "received_on", "deadline", "previewed")


@router.post("/congress/drafts/new", response_class=HTMLResponse)
def preview_or_register(
    request: Request, form: IntakeForm, liaison: LiaisonDep, session: PageSession = Registrar
) -> Response:
    """Preview the text (warnings first); once previewed, register it with its details."""
    actor = session.user
    values = {name: str(form.get(name, "")).strip() for name in FIELDS}
    ticked = [str(v) for v in form.getlist("contact_point_ids")]
    if not form.get("details"):  # the first preview: the details were not shown yet
        first, ticked = _first_details(liaison)
        values |= first
    errors: dict[str, str] = {}
    text, preview, uploaded = previewed(liaison, actor, form, errors)
    values["text"] = text
    if preview is not None and not values["title"]:
        values["title"] = _title_from(preview)
    wants = str(form.get("action", "preview"))
    if wants != "register" or errors or uploaded:
        return _intake_page(request, session, liaison, values, ticked, preview, errors)
    if values["previewed"] != digest(text):
        errors["form"] = MESSAGES["changed"]
        return _intake_page(request, session, liaison, values, ticked, preview, errors)
    errors = _details_errors(values, ticked)
    received_on, deadline = parse_date(values["received_on"]), parse_date(values["deadline"])
    if not errors and received_on and deadline:
        try:
            draft = liaison.app.receive_draft(
                values["title"],
                values["level"],
                values["issuer"],
                received_on,
                deadline,
                text,
                actor,
                _asked(ticked, _points(liaison)),
            )
            return redirect(f"/congress/drafts/{draft.id}/manage?done=registered")
        except InvalidValueError as refused:
            errors[_field(refused)] = MESSAGES[_field(refused)]
    return _intake_page(request, session, liaison, values, ticked, preview, errors)


def _title_from(preview: Preview) -> str:
    """The first line before the first article usually is the title (……法（草案）)."""
    first = preview.preamble.split("\n", 1)[0].strip()
    return first if 0 < len(first) <= 200 else ""


def _details_errors(values: dict[str, str], ticked: list[str]) -> dict[str, str]:
    """What is missing or malformed, every field at once; the domain checks the rest."""
    errors = {}
    for name in ("title", "issuer"):
        if not values[name] or len(values[name]) > 200:
            errors[name] = MESSAGES[name]
    if values["level"] not in {level.value for level in DraftLevel}:
        errors["level"] = MESSAGES["level"]
    received_on, deadline = parse_date(values["received_on"]), parse_date(values["deadline"])
    if received_on is None:
        errors["received_on"] = MESSAGES["received_on"]
    if deadline is None or (received_on is not None and deadline < received_on):
        errors["deadline"] = MESSAGES["deadline"]
    if not [t for t in ticked if _uuid(t)]:
        errors["contact_point_ids"] = MESSAGES["contact_point_ids"]
    return errors


def _asked(ticked: list[str], points: list[dict[str, Any]]) -> list[UUID] | None:
    """The contact points ticked; ``None`` (every one, those designated later too) when
    every box is ticked."""
    chosen = [u for u in (_uuid(t) for t in ticked) if u is not None]
    if {u.hex for u in chosen} >= {cp["id"] for cp in points}:
        return None
    return chosen


def _field(error: DomainError) -> str:
    field = getattr(error, "field", "")
    if field in MESSAGES:
        return str(field)
    if field == "text":
        return "repeated"
    raise error


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value.strip())
    except ValueError:
        return None
