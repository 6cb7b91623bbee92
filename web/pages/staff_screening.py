"""Organising opinions (归纳整理): accept, reject with a reason, reword, merge duplicates.

The words as first given are shown beside every action: rewording adds, never replaces.
Campaigns (the same words sent by many) are shown as groups above the queue and merged in
one action, all or nothing; a member unticked is left out of the merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, NoReturn
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from domain.draft import Draft
from domain.errors import DomainError, InvalidValueError, MismatchError, WrongStateError
from domain.suggestion import UNREPORTED, Decision, Status, Suggestion
from liaison.errors import ConflictError, NotFoundError
from liaison.rights import ForbiddenError, HiddenError
from projections.dashboard import draft_suggestions, unreported
from projections.similarity import similar_among
from web.i18n import N_, language
from web.pages.desk_page import DeskPage, PageDep, note_refusal
from web.pages.rendering import CheckedForm, redirect
from web.pages.staff_desk import MESSAGES, form_values, gettext, headings, parse_uuid

router = APIRouter(include_in_schema=False)

QUEUE_TARGETS = 50  # merge choices offered per suggestion in the queue; its own page has all
OPEN_STATES = tuple(s.value for s in UNREPORTED)
GROUPS_SHOWN = 50  # the largest groups of a draft; merging them brings the next ones up
MEMBERS_SHOWN = 500  # members listed (and merged) per group; the rest form a group again
MERGED = N_("{count} opinions were merged into {receipt}.")
KEEP_TICKED = N_("The opinion to keep must be one of those ticked.")
TICK_TWO = N_("Please tick at least two opinions: the one to keep and one to merge into it.")
STALE = N_(
    "Nothing was merged: {receipts} changed in the meantime (merged, screened or reported"
    " elsewhere). The group is shown as it is now; please look at it and merge again."
)
CHANGED_GROUP = N_(
    "Nothing was merged: someone changed this group in the meantime. It is shown as it is"
    " now; please look at it and merge again."
)


@dataclass(frozen=True)
class GroupForm:
    """A group's merge as posted: whose error to show where, and the ticks to show again."""

    ticked: frozenset[str] = field(default_factory=frozenset)
    into: str = ""
    error: str = ""

    def of(self, groups: list[dict[str, Any]]) -> str:
        """The group (its first member) this form was for, as the groups are now: the one
        that holds the opinion to keep, else the one holding most of those ticked."""
        mine = self.ticked | {self.into}
        best = max(groups, key=lambda g: len(mine & set(g["suggestion_ids"])), default=None)
        if best is None or not mine & set(best["suggestion_ids"]):
            return ""
        held = [g for g in groups if self.into in g["suggestion_ids"]]
        return (held[0] if held else best)["suggestion_ids"][0]


def _targets(
    rows: list[dict[str, Any]], similar: dict[str, dict[str, float]], me: str, limit: int | None
) -> list[dict[str, Any]]:
    """The suggestions ``me`` may be merged into: near-duplicates first, most alike first."""
    mine = similar.get(me, {})
    others = [r for r in rows if r["id"] != me]
    ranked = sorted(enumerate(others), key=lambda pair: (-mine.get(pair[1]["id"], 0.0), pair[0]))
    return [{**row, "score": mine.get(row["id"])} for _, row in ranked[:limit]]


def _queue_page(
    page: DeskPage,
    draft: Draft,
    failed: tuple[str, str] | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    posted: GroupForm | None = None,
    done: str = "",
) -> HTMLResponse:
    desk, conn = page.desk, page.conn
    groups = page.liaison.queries.campaigns(
        desk.actor, draft.id, desk.cp, groups=GROUPS_SHOWN, shown=MEMBERS_SHOWN
    )
    posted = posted or GroupForm()
    rows = draft_suggestions(conn, desk.cp, draft.id)
    candidates = [r for r in rows if r["status"] in OPEN_STATES]
    similar = similar_among(conn, [r["id"] for r in rows if r["status"] == Status.RECEIVED.value])
    queue = [
        {**row, "targets": _targets(candidates, similar, row["id"], QUEUE_TARGETS)}
        for row in rows
        if row["status"] == Status.RECEIVED.value
    ]
    context = {
        "draft": draft,
        "headings": headings(draft),
        "queue": queue,
        "accepted": [r for r in rows if r["status"] == Status.ACCEPTED.value],
        "rejected": [r for r in rows if r["status"] == Status.REJECTED.value],
        "merged": [r for r in rows if r["status"] == Status.MERGED.value],
        "more_targets": len(candidates) - 1 > QUEUE_TARGETS,
        "failed": failed or ("", ""),
        "groups": groups,
        "posted": posted,
        "posted_group": posted.of(groups) if posted.error else "",
        **({"done": done} if done else {}),
    }
    return page.form("staff_screening.html", context, values, errors)


def _merged_message(page: DeskPage) -> str:
    """What a group's merge did, said at the top of the page it returns to."""
    asked = page.request.query_params
    survivor, count = parse_uuid(asked.get("merged", "")), asked.get("count", "")
    if survivor is None or not count.isdigit() or len(count) > 6:
        return ""
    receipt = page.liaison.app.suggestion(page.desk.actor, survivor).receipt
    return str(gettext(page.request)(MERGED, count=int(count), receipt=receipt))


@router.get("/staff/drafts/{draft_id}/screening", response_class=HTMLResponse)
def queue(draft_id: UUID, page: PageDep) -> HTMLResponse:
    """The desk's opinions on one draft still to be screened, with near-duplicate hints."""
    draft = page.liaison.app.get(draft_id, Draft)
    if page.desk.choosing:
        return page.choose()
    return _queue_page(page, draft, done=_merged_message(page))


def _ids(values: list[str]) -> list[UUID] | None:
    parsed = [parse_uuid(v) for v in values]
    return None if any(p is None for p in parsed) else [p for p in parsed if p is not None]


def _stale(page: DeskPage, ids: list[UUID]) -> list[str]:
    """The receipts of those among ``ids`` that may no longer be merged."""
    gone = []
    for suggestion_id in ids:
        try:
            suggestion = page.liaison.app.suggestion(page.desk.actor, suggestion_id)
        except NotFoundError:
            continue
        if suggestion.status not in UNREPORTED:
            gone.append(suggestion.receipt)
    return gone


@router.post("/staff/drafts/{draft_id}/groups/merge", response_class=HTMLResponse)
def merge_group(draft_id: UUID, form: CheckedForm, page: PageDep) -> Response:
    """Merge the ticked members of a group into the one kept: all of them, or none."""
    draft = page.liaison.app.get(draft_id, Draft)
    as_posted = [str(v) for v in form.getlist("suggestion_ids")]
    ticked, into = _ids(as_posted), parse_uuid(str(form.get("into", "")))
    _ = gettext(page.request)
    try:
        if ticked is None or into is None or into not in ticked:
            raise InvalidValueError("into", KEEP_TICKED)
        if len(set(ticked)) < 2:
            raise InvalidValueError("suggestion_ids", TICK_TWO)
        page.liaison.app.merge_suggestions(ticked, into, page.desk.actor)
        merged = {"merged": into.hex, "count": len(set(ticked)) - 1}
        return page.go(f"/staff/drafts/{draft_id}/screening", "#done", **merged)
    except (HiddenError, ForbiddenError):
        raise  # another contact point's opinions do not exist for this desk
    except InvalidValueError as refused:
        message = _(refused.message if refused.message in (KEEP_TICKED, TICK_TWO) else TICK_TWO)
    except (WrongStateError, ConflictError, MismatchError, NotFoundError):
        gone = _stale(page, ticked or [])
        listed = (", " if language(page.request) == "en" else "、").join(gone)
        message = _(STALE, receipts=listed) if gone else _(CHANGED_GROUP)
    except DomainError:
        message = _(CHANGED_GROUP)
    posted = GroupForm(frozenset(as_posted), str(form.get("into", "")), message)
    errors = {"group": message}
    return _queue_page(page, draft, errors=errors, posted=posted)


@dataclass(frozen=True)
class SuggestionAt:
    """A suggestion the user may see, and the page at the desk it belongs to."""

    suggestion: Suggestion
    page: DeskPage


def _own(suggestion_id: UUID, page: PageDep) -> SuggestionAt:
    suggestion = page.liaison.app.suggestion(page.desk.actor, suggestion_id)
    return SuggestionAt(suggestion, page.at(suggestion.contact_point_id))


OwnSuggestion = Annotated[SuggestionAt, Depends(_own)]


def _detail_page(
    page: DeskPage,
    suggestion: Suggestion,
    failed: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    draft = page.liaison.app.get(suggestion.draft_id, Draft)
    me = suggestion.id.hex
    targets = []
    if suggestion.status in UNREPORTED:
        candidates = unreported(page.conn, page.desk.cp, suggestion.draft_id)
        targets = _targets(candidates, similar_among(page.conn, [me]), me, None)
    context = {
        "suggestion": suggestion,
        "draft": draft,
        "headings": headings(draft),
        "targets": targets,
        "can_organise": suggestion.status in UNREPORTED,
        "failed": failed,
    }
    return page.form("staff_suggestion.html", context, values, errors)


@router.get("/staff/suggestions/{suggestion_id}", response_class=HTMLResponse)
def suggestion_page(own: OwnSuggestion) -> HTMLResponse:
    """One suggestion: its first words, its rewording, and what became of it."""
    return _detail_page(own.page, own.suggestion)


def _after(page: DeskPage, suggestion: Suggestion, back: str, stays: bool) -> str:
    """Where to go after an action: the same page, at the next suggestion to look at."""
    desk = page.desk
    if back != "queue":
        return desk.link(f"/staff/suggestions/{suggestion.id}")
    anchor = "queue"
    if stays:
        anchor = f"s-{suggestion.id.hex}"
    else:
        waiting = [
            r["id"]
            for r in draft_suggestions(page.conn, desk.cp, suggestion.draft_id, ("received",))
        ]
        if suggestion.id.hex in waiting:
            later = waiting[waiting.index(suggestion.id.hex) + 1 :]
            anchor = f"s-{later[0]}" if later else "queue"
    return desk.link(f"/staff/drafts/{suggestion.draft_id}/screening") + f"#{anchor}"


def _blank(field: str) -> NoReturn:
    raise InvalidValueError(field, MESSAGES[field])


def _act(own: SuggestionAt, form: Any, action: str, *fields: str) -> Response:
    """Run one screening action; on refusal, the page it came from again with the error."""
    suggestion, page = own.suggestion, own.page
    app, actor = page.liaison.app, page.desk.actor
    back = "queue" if form.get("back") == "queue" else "detail"
    values = form_values(form, *fields)
    errors: dict[str, str] = {}
    next_page = _after(page, suggestion, back, stays=action == "revise")
    try:
        if action == "accept":
            app.screen_suggestion(suggestion.id, Decision.ACCEPT.value, actor)
        elif action == "reject":
            if not values["reason"]:
                _blank("reason")
            app.screen_suggestion(
                suggestion.id, Decision.REJECT.value, actor, reason=values["reason"]
            )
        elif action == "revise":
            app.revise_suggestion(suggestion.id, values["content"], actor)
        else:
            into = parse_uuid(values["into"])
            if into is None:
                _blank("into")
            app.suggestion(actor, into)  # another desk's suggestion does not exist
            app.merge_suggestion(suggestion.id, into, actor)
        return redirect(next_page)
    except DomainError as refused:
        note_refusal(errors, refused, fields[0] if fields else "form")
    if back == "queue":
        draft = app.get(suggestion.draft_id, Draft)
        return _queue_page(page, draft, (suggestion.id.hex, action), values, errors)
    return _detail_page(page, suggestion, action, values, errors)


ACTIONS = {
    "accept": ("Accept the suggestion for the report.", ()),
    "reject": ("Do not take the suggestion up; the reason is required.", ("reason",)),
    "revise": ("Reword for the report; the words as first given stay.", ("content",)),
    "merge": ("Fold a duplicate into another suggestion of the same draft.", ("into",)),
}
"""The screening actions on one suggestion: what each does, and the fields it takes."""


def _action(action: str, what: str, fields: tuple[str, ...]) -> Any:
    def act(form: CheckedForm, own: OwnSuggestion) -> Response:
        return _act(own, form, action, *fields)

    act.__doc__ = what
    return act


for _name, (_what, _fields) in ACTIONS.items():
    router.post(f"/staff/suggestions/{{suggestion_id}}/{_name}", response_class=HTMLResponse)(
        _action(_name, _what, _fields)
    )
