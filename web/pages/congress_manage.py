"""One draft's page for the congress: who was asked, its readings, and what can be done next:
open or close the consultation (each confirmed first), add a reading or enact the text as
passed, each previewed beside the reading before, article by article."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from domain.draft import ArticleText, Draft, DraftStatus, DraftVersion
from domain.errors import InvalidValueError
from domain.preview import Preview
from liaison.bootstrap import Liaison
from liaison.sessions import PageSession
from projections.diff import diff_versions
from web.deps import LiaisonDep
from web.i18n import N_, language, translator
from web.pages.congress_intake import MESSAGES, IntakeForm, Registrar, digest, previewed
from web.pages.rendering import CheckedForm, redirect, render
from web.pages.staff_desk import parse_date

router = APIRouter(include_in_schema=False)

DONE = {
    "registered": N_(
        "The draft was registered. Open the consultation when the contact points "
        "should start taking opinions."
    ),
    "opened": N_(
        "The consultation is open: the contact points asked and residents can now give opinions."
    ),
    "closed": N_("The consultation is closed: no more opinions are taken."),
    "reading": N_("The new reading was added. Residents now see its text."),
    "enacted": N_("The text as passed was recorded. The draft is now law."),
}
ACTIONS = {
    "open": (DraftStatus.RECEIVED, DraftStatus.CLOSED),
    "close": (DraftStatus.OPEN,),
}


def _page(
    request: Request,
    session: PageSession,
    liaison: Liaison,
    draft: Draft,
    status_code: int = 200,
    **extra: Any,
) -> HTMLResponse:
    _ = translator(language(request))
    done = request.query_params.get("done", "")
    asked = liaison.queries.asked_contact_points(draft)
    context = {
        "draft": draft,
        "asked": asked,
        "asks_all": draft.asks_all,
        "done": _(DONE[done]) if done in DONE else "",
        "today": liaison.app.clock.today().isoformat(),
        "reading": {},
        "enacting": {},
        **extra,
    }
    return render(request, "congress_draft_manage.html", context, status_code, session)


@router.get("/congress/drafts/{draft_id}/manage", response_class=HTMLResponse)
def manage(
    request: Request, draft_id: UUID, liaison: LiaisonDep, session: PageSession = Registrar
) -> HTMLResponse:
    """The draft, who was asked, its readings, and the actions its state allows."""
    return _page(request, session, liaison, liaison.app.get(draft_id, Draft))


def _confirm(request: Request, draft: Draft, action: str, session: PageSession) -> Response:
    """Ask before opening or closing the consultation: it changes what many people see."""
    if draft.status not in ACTIONS[action]:
        return redirect(f"/congress/drafts/{draft.id}/manage")
    context = {"draft": draft, "action": action}
    return render(request, "congress_confirm.html", context, session=session)


@router.get("/congress/drafts/{draft_id}/open", response_class=HTMLResponse)
def confirm_open(
    request: Request, draft_id: UUID, liaison: LiaisonDep, session: PageSession = Registrar
) -> Response:
    """Ask before opening the consultation."""
    return _confirm(request, liaison.app.get(draft_id, Draft), "open", session)


@router.get("/congress/drafts/{draft_id}/close", response_class=HTMLResponse)
def confirm_close(
    request: Request, draft_id: UUID, liaison: LiaisonDep, session: PageSession = Registrar
) -> Response:
    """Ask before closing the consultation."""
    return _confirm(request, liaison.app.get(draft_id, Draft), "close", session)


@router.post("/congress/drafts/{draft_id}/open")
def open_consultation(
    draft_id: UUID, form: CheckedForm, liaison: LiaisonDep, session: PageSession = Registrar
) -> Response:
    """Open the consultation, once confirmed."""
    liaison.app.open_draft(draft_id, session.user)
    return redirect(f"/congress/drafts/{draft_id}/manage?done=opened")


@router.post("/congress/drafts/{draft_id}/close")
def close_consultation(
    draft_id: UUID, form: CheckedForm, liaison: LiaisonDep, session: PageSession = Registrar
) -> Response:
    """Close the consultation, once confirmed."""
    liaison.app.close_draft(draft_id, session.user)
    return redirect(f"/congress/drafts/{draft_id}/manage?done=closed")


def compared(draft: Draft, preview: Preview, label: str) -> list[Any]:
    """Each article of the latest reading beside the one previewed (by number)."""
    version = DraftVersion(
        label,
        draft.current.on,
        preview.preamble,
        tuple(ArticleText(**vars(a)) for a in preview.articles),
    )
    return diff_versions(draft.current, version)


def _refusal(refused: InvalidValueError) -> dict[str, str]:
    """The form field a refusal is about, and what to say; about the text, the only refusal
    left once it was previewed is a repeated article number."""
    if refused.field in ("label", "enacted_on"):
        return {refused.field: MESSAGES[refused.field]}
    return {"text": MESSAGES["repeated"]}


def _translated(request: Request, errors: dict[str, str]) -> dict[str, str]:
    _ = translator(language(request))
    return {k: _(v) for k, v in errors.items()}


@router.post("/congress/drafts/{draft_id}/readings", response_class=HTMLResponse)
def add_reading(
    request: Request,
    draft_id: UUID,
    form: IntakeForm,
    liaison: LiaisonDep,
    session: PageSession = Registrar,
) -> Response:
    """Preview a later reading beside the one before; once previewed, add it."""
    draft = liaison.app.get(draft_id, Draft)
    errors: dict[str, str] = {}
    text, preview, uploaded = previewed(liaison, session.user, form, errors)
    label = str(form.get("label", "")).strip()
    if not label or len(label) > 50 or any(v.label == label for v in draft.versions):
        errors["label"] = MESSAGES["label"]
    if str(form.get("action")) == "add" and not errors and not uploaded:
        if str(form.get("previewed", "")) != digest(text):
            errors["form"] = MESSAGES["changed"]
        else:
            try:
                liaison.app.add_draft_version(draft_id, label, text, session.user)
                return redirect(f"/congress/drafts/{draft_id}/manage?done=reading")
            except InvalidValueError as refused:
                errors.update(_refusal(refused))
    reading = {
        "values": {"label": label, "text": text},
        "preview": preview,
        "previewed": digest(text) if preview else "",
        "diffs": compared(draft, preview, label) if preview else [],
        "errors": _translated(request, errors),
    }
    return _page(request, session, liaison, draft, 422 if errors else 200, reading=reading)


@router.post("/congress/drafts/{draft_id}/enact", response_class=HTMLResponse)
def enact(
    request: Request,
    draft_id: UUID,
    form: IntakeForm,
    liaison: LiaisonDep,
    session: PageSession = Registrar,
) -> Response:
    """Preview the text as passed beside the last reading; once previewed, record it."""
    draft = liaison.app.get(draft_id, Draft)
    errors: dict[str, str] = {}
    text, preview, uploaded = previewed(liaison, session.user, form, errors)
    given = str(form.get("enacted_on", "")).strip()
    enacted_on = parse_date(given)
    if enacted_on is None or enacted_on < draft.received_on:
        errors["enacted_on"] = MESSAGES["enacted_on"]
    if str(form.get("action")) == "enact" and not errors and not uploaded:
        if str(form.get("previewed", "")) != digest(text):
            errors["form"] = MESSAGES["changed"]
        elif enacted_on is not None:
            try:
                liaison.app.enact_draft(draft_id, enacted_on, text, session.user)
                return redirect(f"/congress/drafts/{draft_id}/manage?done=enacted")
            except InvalidValueError as refused:
                errors.update(_refusal(refused))
    enacting = {
        "values": {"enacted_on": given, "text": text},
        "preview": preview,
        "previewed": digest(text) if preview else "",
        "diffs": compared(draft, preview, "final") if preview else [],
        "errors": _translated(request, errors),
    }
    return _page(request, session, liaison, draft, 422 if errors else 200, enacting=enacting)
