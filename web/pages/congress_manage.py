"""One draft's page for the congress: who was asked, its readings, and what can be done next:
open or close the consultation (each confirmed first), add a reading or enact the text as
passed, each previewed beside the reading before, article by article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

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


@router.get("/congress/drafts/{draft_id}/open", response_class=HTMLResponse)
@router.get("/congress/drafts/{draft_id}/close", response_class=HTMLResponse)
def confirm(
    request: Request, draft_id: UUID, liaison: LiaisonDep, session: PageSession = Registrar
) -> Response:
    """Ask before opening or closing the consultation: it changes what many people see."""
    draft = liaison.app.get(draft_id, Draft)
    action = request.url.path.rsplit("/", 1)[-1]
    if draft.status not in ACTIONS[action]:
        return redirect(f"/congress/drafts/{draft.id}/manage")
    context = {"draft": draft, "action": action}
    return render(request, "congress_confirm.html", context, session=session)


@router.post("/congress/drafts/{draft_id}/open")
@router.post("/congress/drafts/{draft_id}/close")
def open_or_close(
    request: Request,
    draft_id: UUID,
    form: CheckedForm,
    liaison: LiaisonDep,
    session: PageSession = Registrar,
) -> Response:
    """Open or close the consultation, once confirmed."""
    if request.url.path.endswith("/open"):
        liaison.app.open_draft(draft_id, session.user)
        return redirect(f"/congress/drafts/{draft_id}/manage?done=opened")
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


@dataclass(frozen=True)
class _Posted:
    """A later reading or the text as passed, as posted, with its preview (if it has one)."""

    request: Request
    liaison: Liaison
    session: PageSession
    form: FormData
    draft: Draft
    text: str
    preview: Preview | None
    uploaded: bool
    errors: dict[str, str]

    def ready(self, action: str) -> bool:
        """Whether the form asks to ``action`` the very text previewed, with nothing wrong."""
        if str(self.form.get("action")) != action or self.errors or self.uploaded:
            return False
        if str(self.form.get("previewed", "")) != digest(self.text):
            self.errors["form"] = MESSAGES["changed"]
            return False
        return True

    def again(self, part: str, label: str, values: dict[str, str]) -> HTMLResponse:
        """The draft's page with the form (``part``) filled in and the preview beside the
        reading before."""
        preview, status_code = self.preview, 422 if self.errors else 200
        filled = {
            "values": {**values, "text": self.text},
            "preview": preview,
            "previewed": digest(self.text) if preview else "",
            "diffs": compared(self.draft, preview, label) if preview else [],
            "errors": _translated(self.request, self.errors),
        }
        return _page(
            self.request, self.session, self.liaison, self.draft, status_code, **{part: filled}
        )


def _posted(
    request: Request,
    draft_id: UUID,
    form: IntakeForm,
    liaison: LiaisonDep,
    session: PageSession = Registrar,
) -> _Posted:
    draft = liaison.app.get(draft_id, Draft)
    errors: dict[str, str] = {}
    text, preview, uploaded = previewed(liaison, session.user, form, errors)
    return _Posted(request, liaison, session, form, draft, text, preview, uploaded, errors)


Posted = Annotated[_Posted, Depends(_posted)]


@router.post("/congress/drafts/{draft_id}/readings", response_class=HTMLResponse)
def add_reading(posted: Posted) -> Response:
    """Preview a later reading beside the one before; once previewed, add it."""
    draft, errors = posted.draft, posted.errors
    label = str(posted.form.get("label", "")).strip()
    if not label or len(label) > 50 or any(v.label == label for v in draft.versions):
        errors["label"] = MESSAGES["label"]
    if posted.ready("add"):
        try:
            posted.liaison.app.add_draft_version(draft.id, label, posted.text, posted.session.user)
            return redirect(f"/congress/drafts/{draft.id}/manage?done=reading")
        except InvalidValueError as refused:
            errors.update(_refusal(refused))
    return posted.again("reading", label, {"label": label})


@router.post("/congress/drafts/{draft_id}/enact", response_class=HTMLResponse)
def enact(posted: Posted) -> Response:
    """Preview the text as passed beside the last reading; once previewed, record it."""
    given = str(posted.form.get("enacted_on", "")).strip()
    enacted_on = parse_date(given)
    if enacted_on is None or enacted_on < posted.draft.received_on:
        posted.errors["enacted_on"] = MESSAGES["enacted_on"]
    elif posted.ready("enact"):
        app, actor = posted.liaison.app, posted.session.user
        try:
            app.enact_draft(posted.draft.id, enacted_on, posted.text, actor)
            return redirect(f"/congress/drafts/{posted.draft.id}/manage?done=enacted")
        except InvalidValueError as refused:
            posted.errors.update(_refusal(refused))
    return posted.again("enacting", "final", {"enacted_on": given})
