"""The residents' pages: open drafts, a draft with a comment form on each article, receipts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID, uuid4

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from domain.draft import Draft, DraftStatus
from domain.errors import (
    ConsultationOverError,
    DomainError,
    InvalidValueError,
    UnknownArticleError,
    WrongStateError,
)
from domain.lineage import Lineage
from domain.suggestion import Outcome, Status, Suggestion
from liaison.bootstrap import Liaison
from liaison.errors import NotFoundError
from liaison.idempotency import fingerprint
from liaison.rate_limits import RateLimitedError
from liaison.receipts import normalised
from liaison.rights import PUBLIC
from projections.drafts import list_drafts
from web.api.public import CommentIn, receipt_out, submit_comment
from web.deps import LiaisonDep, ReadDep
from web.errors import client_address
from web.i18n import N_, language, translator
from web.pages.journeys import Step, change, consulted_index, journey
from web.pages.rendering import CheckedForm, MaybeSignedIn, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, conn: ReadDep, session: MaybeSignedIn) -> HTMLResponse:
    """Open drafts first, then the others, newest first."""
    drafts = list_drafts(conn)
    today = request.app.state.liaison.app.clock.today()
    open_now = [d for d in drafts if _takes_comments(d, today)]
    others = [d for d in drafts if not _takes_comments(d, today)]
    others.sort(key=_latest_day, reverse=True)
    return render(
        request, "home.html", {"open_drafts": open_now, "other_drafts": others}, session=session
    )


def _takes_comments(row: dict[str, Any], today: date) -> bool:
    """Open, and its deadline day not yet past: the list's version of
    ``Draft.consultation_over``."""
    return bool(row["status"] == DraftStatus.OPEN.value and _day(row["deadline"]) >= today)


def _latest_day(row: dict[str, Any]) -> date:
    """When an earlier draft was last heard of: enacted, else its deadline."""
    return _day(row.get("enacted_on") or row["deadline"])


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _draft_page(
    request: Request,
    liaison: LiaisonDep,
    conn: ReadDep,
    draft: Draft,
    session,
    preselect: str = "",
    **extra,
) -> HTMLResponse:  # type: ignore[no-untyped-def]
    """The draft and its forms, which offer only the contact points the draft asked; one of
    them is chosen already when the address names it (a poster's QR code) or it is the only
    one."""
    points = liaison.queries.asked_contact_points(draft)
    wanted = preselect.strip().replace("-", "").lower()
    if len(points) == 1:
        wanted = points[0]["id"]
    context = {
        "draft": draft,
        "consultation_over": draft.consultation_over(liaison.app.clock.today()),
        "late": False,
        "contact_points": points,
        "preselected": wanted if wanted in {cp["id"] for cp in points} else "",
        "idempotency_key": uuid4().hex,
        "errors": {},
        "values": {},
        **extra,
    }
    return render(
        request, "draft.html", context, status_code=extra.get("status_code", 200), session=session
    )


@router.get("/drafts/{draft_id}", response_class=HTMLResponse)
def draft_page(
    request: Request,
    draft_id: UUID,
    liaison: LiaisonDep,
    conn: ReadDep,
    session: MaybeSignedIn,
    contact_point_id: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """A draft with its articles, grouped by chapter, and a comment form while it is open;
    ``?contact_point_id=`` chooses the contact point in every form."""
    draft = liaison.app.get(draft_id, Draft)
    return _draft_page(request, liaison, conn, draft, session, contact_point_id)


@router.post("/drafts/{draft_id}/comments", response_class=HTMLResponse)
async def comment(
    request: Request,
    draft_id: UUID,
    form: CheckedForm,
    liaison: LiaisonDep,
    conn: ReadDep,
    session: MaybeSignedIn,
) -> Response:
    """A resident's comment from the form; then the receipt, shown big."""
    _ = translator(language(request))
    values = {
        k: str(form.get(k, "")).replace("\r\n", "\n").strip()
        for k in ("contact_point_id", "article", "content", "name", "phone")
    }
    late = False
    errors: dict[str, str] = {}
    try:
        body = CommentIn(
            contact_point_id=values["contact_point_id"] or None,
            article=int(values["article"]) if values["article"].isdigit() else None,
            content=values["content"],
            name=values["name"] or None,
            phone=values["phone"] or None,
        )
    except ValidationError as invalid:
        for error in invalid.errors():
            field = str(error["loc"][0]) if error["loc"] else "content"
            errors[field] = _(FIELD_MESSAGES.get(field, N_("Please check this field.")))
    if not errors:
        try:
            answer = await run_in_threadpool(
                submit_comment,
                liaison,
                client_address(request),
                draft_id,
                body,
                _comment_key(str(form.get("idempotency_key", "")), draft_id, body),
            )
            return redirect(f"/receipts/{answer['receipt']}?new=1")
        except RateLimitedError:
            errors["content"] = _(
                "You have sent many comments in a short time. Please wait a minute and try again."
            )
        except ConsultationOverError:
            late = True
            errors["content"] = _("The consultation on this draft is over.")
        except DomainError as refused:
            field, message = _refusal(refused)
            errors[field] = _(message)
    draft = await run_in_threadpool(liaison.app.get, draft_id, Draft)
    return _draft_page(
        request,
        liaison,
        conn,
        draft,
        session,
        errors=errors,
        values=values,
        late=late,
        status_code=422,
    )


def _comment_key(form_key: str, draft_id: UUID, body: CommentIn) -> str | None:
    """The form's key with what was written: sending the same words twice (a double tap, a
    reload) gives one receipt, while words changed after Back make a new comment instead of
    a key reused for a different request."""
    if not form_key:
        return None
    written = fingerprint(str(draft_id), body.model_dump(mode="json"))[:24]
    return f"{form_key[:96]}.{written}"


def _refusal(error: DomainError) -> tuple[str, str]:
    """Which field a refused comment is wrong in, and what to say there."""
    if isinstance(error, InvalidValueError) and error.field in FIELD_MESSAGES:
        return error.field, FIELD_MESSAGES[error.field]
    if isinstance(error, UnknownArticleError):
        return "article", FIELD_MESSAGES["article"]
    if isinstance(error, NotFoundError) and "ContactPoint" in str(error):
        return "contact_point_id", FIELD_MESSAGES["contact_point_id"]
    if isinstance(error, WrongStateError):
        return "content", N_("This draft is no longer open for comments.")
    raise error


FIELD_MESSAGES = {
    "contact_point_id": N_("Please choose your contact point."),
    "content": N_("Please write your opinion (at most 5,000 characters)."),
    "name": N_("Your name can be at most 100 characters."),
    "phone": N_("Please give a phone number of 7 to 20 digits, or leave it empty."),
    "article": N_("Please choose an article of this draft."),
}


@router.get("/receipts", response_class=HTMLResponse)
def find_receipt(request: Request, session: MaybeSignedIn, code: str = "") -> Response:
    """Look up a receipt code typed on the home page."""
    if code.strip():
        wanted = normalised(code[:80]) or code.strip()[:40]
        return redirect(f"/receipts/{quote(wanted)}")
    return render(request, "receipt_lookup.html", session=session)


@router.get("/receipts/{code}", response_class=HTMLResponse)
def receipt_page(
    request: Request, code: str, liaison: LiaisonDep, session: MaybeSignedIn, new: int = 0
) -> HTMLResponse:
    """What became of a suggestion: its status timeline, outcome and feedback."""
    try:
        receipt = receipt_out(liaison, code[:40])
    except NotFoundError:
        return render(
            request,
            "receipt_lookup.html",
            {"not_found": code[:40]},
            status_code=404,
            session=session,
        )
    context = {"receipt": receipt, "new": bool(new), **_receipt_details(liaison, receipt.receipt)}
    return render(request, "receipt.html", context, session=session)


def _receipt_details(liaison: Liaison, receipt: str) -> dict[str, Any]:
    """What the receipt page shows besides the public receipt: the opinion's own words, the
    reason it was not taken up, its draft, the article as the draft writes it (第三条), and
    the wall once the draft is law."""
    suggestion_id = liaison.app.receipts.find(receipt)
    assert suggestion_id is not None  # receipt_out found it
    suggestion = liaison.app.get(suggestion_id, Suggestion)
    draft = liaison.app.get(suggestion.draft_id, Draft)
    return {
        "words": suggestion.original_content,
        "reason": suggestion.reason if suggestion.status is Status.REJECTED else None,
        "draft_link": f"/drafts/{draft.id}",
        "article_heading": _heading(draft, suggestion.draft_version, suggestion.article),
        "wall": f"/drafts/{draft.id}/wall" if draft.status is DraftStatus.ENACTED else None,
    }


def _heading(draft: Draft, label: str, number: int | None) -> str | None:
    """The article's heading in the reading the opinion was given on."""
    if number is None:
        return None
    versions = [v for v in draft.versions if v.label == label] or [draft.current]
    try:
        return versions[0].article(number).heading or None
    except UnknownArticleError:
        return None


ADOPTED = (Outcome.ADOPTED.value, Outcome.PARTIALLY_ADOPTED.value)


@router.get("/drafts/{draft_id}/wall", response_class=HTMLResponse)
def wall(
    request: Request, draft_id: UUID, liaison: LiaisonDep, session: MaybeSignedIn
) -> HTMLResponse:
    """The wall (法条墙) of an enacted draft: what we asked, what you said, what we did."""
    actor = session.user if session else PUBLIC
    draft = liaison.app.fetch(actor, draft_id, Draft)
    if draft.status is not DraftStatus.ENACTED:
        raise NotFoundError(f"draft {draft_id} is not enacted")
    decided = liaison.queries.decided(actor, draft, ADOPTED)
    entries = wall_entries(draft, liaison.queries.lineage(actor, draft), decided)
    return render(request, "wall.html", {"draft": draft, **entries}, session=session)


def wall_entries(draft: Draft, lineage: Lineage, decided: list[dict[str, Any]]) -> dict[str, Any]:
    """Adopted and partially adopted suggestions, by the article they shaped (the final article
    the congress named, else the one commented on, followed through the readings by its
    lineage: readings renumber articles), beside each article as asked, its journey and its
    change into the law. Only the words as reported go on the wall: no names, phones,
    receipts or first drafts."""
    last = len(draft.versions) - 1
    version_of = {label: index for index, label in enumerate(lineage.labels)}
    place = {id(line): index for index, line in enumerate(lineage.lines)}
    groups: dict[int, list[dict[str, Any]]] = {}
    general = []
    for item in decided:
        given = version_of.get(item["draft_version"], consulted_index(draft))
        asked = None if item["article"] is None else lineage.line_of(given, item["article"])
        final = item["final_article"]
        target = lineage.line_of(last, final) if final else asked
        shown = {
            "content": item["content"],
            "outcome": item["outcome"],
            "merged": len(item["absorbed"]),
            "asked": (given, item["article"]) if asked else None,
        }
        if target is None:
            general.append(shown)
        else:
            groups.setdefault(place[id(target)], []).append(shown)
    entries = [_wall_entry(draft, lineage, index, said) for index, said in sorted(groups.items())]
    count = len(general) + sum(len(e["said"]) for e in entries)
    return {"entries": entries, "general": general, "count": count}


def _wall_entry(
    draft: Draft, lineage: Lineage, index: int, said: list[dict[str, Any]]
) -> dict[str, Any]:
    line, last = lineage.lines[index], len(draft.versions) - 1
    # the change into the law from the last reading it was in (absent: added at enactment)
    earlier = [i for i, a in enumerate(line.appearances[:last]) if a is not None]
    before = earlier[-1] if earlier else consulted_index(draft)
    asked = sorted({s["asked"] for s in said} - {None})
    final = line.at(last)
    return {
        "anchor": f"final-{final.number}" if final else f"line-{index}",
        "number": final.number if final else None,
        "heading": final.heading if final else None,
        "journey": journey(lineage, line),
        "asked": [
            {
                "step": Step(lineage.labels[v], False, n),
                "text": draft.versions[v].article(n).text,
            }
            for v, n in asked
        ],
        "said": said,
        "did": change(line, before, last),
    }
