"""Organising opinions (归纳整理): accept, reject with a reason, reword, merge duplicates.

The words as first given are shown beside every action: rewording adds, never replaces.
Campaigns (the same words sent by many) are shown as groups above the queue and merged in
one action, all or nothing; a member unticked is left out of the merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from domain.draft import Draft
from domain.errors import DomainError, InvalidValueError, MismatchError, WrongStateError
from domain.suggestion import UNREPORTED, Decision, Status, Suggestion
from liaison.bootstrap import Liaison
from liaison.errors import ConflictError, NotFoundError
from liaison.rights import ForbiddenError, HiddenError
from projections.dashboard import draft_suggestions, unreported
from projections.similarity import similar_among
from web.deps import LiaisonDep, ReadDep
from web.i18n import N_, language
from web.pages.rendering import CheckedForm, redirect
from web.pages.staff_desk import (
    MESSAGES,
    Desk,
    DeskDep,
    choose_contact_point,
    form_values,
    gettext,
    headings,
    parse_uuid,
    record_desk,
    refusal,
    show_form,
)

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
    request: Request,
    liaison: Liaison,
    conn: Connection,
    desk: Desk,
    draft: Draft,
    failed: tuple[str, str] | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    posted: GroupForm | None = None,
    done: str = "",
) -> HTMLResponse:
    groups = liaison.queries.campaigns(
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
    return show_form(request, desk, "staff_screening.html", context, values, errors)


def _merged_message(request: Request, liaison: Liaison, desk: Desk) -> str:
    """What a group's merge did, said at the top of the page it returns to."""
    survivor = parse_uuid(request.query_params.get("merged", ""))
    count = request.query_params.get("count", "")
    if survivor is None or not count.isdigit() or len(count) > 6:
        return ""
    receipt = liaison.app.suggestion(desk.actor, survivor).receipt
    return str(gettext(request)(MERGED, count=int(count), receipt=receipt))


@router.get("/staff/drafts/{draft_id}/screening", response_class=HTMLResponse)
def queue(
    request: Request, draft_id: UUID, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep
) -> HTMLResponse:
    """The desk's opinions on one draft still to be screened, with near-duplicate hints."""
    draft = liaison.app.get(draft_id, Draft)
    if desk.choosing:
        return choose_contact_point(request, desk, conn)
    done = _merged_message(request, liaison, desk)
    return _queue_page(request, liaison, conn, desk, draft, done=done)


def _ids(values: list[str]) -> list[UUID] | None:
    parsed = [parse_uuid(v) for v in values]
    return None if any(p is None for p in parsed) else [p for p in parsed if p is not None]


def _stale(liaison: Liaison, desk: Desk, ids: list[UUID]) -> list[str]:
    """The receipts of those among ``ids`` that may no longer be merged."""
    gone = []
    for suggestion_id in ids:
        try:
            suggestion = liaison.app.suggestion(desk.actor, suggestion_id)
        except NotFoundError:
            continue
        if suggestion.status not in UNREPORTED:
            gone.append(suggestion.receipt)
    return gone


@router.post("/staff/drafts/{draft_id}/groups/merge", response_class=HTMLResponse)
def merge_group(
    request: Request,
    draft_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Merge the ticked members of a group into the one kept: all of them, or none."""
    draft = liaison.app.get(draft_id, Draft)
    as_posted = [str(v) for v in form.getlist("suggestion_ids")]
    ticked, into = _ids(as_posted), parse_uuid(str(form.get("into", "")))
    _ = gettext(request)
    try:
        if ticked is None or into is None or into not in ticked:
            raise InvalidValueError("into", KEEP_TICKED)
        if len(set(ticked)) < 2:
            raise InvalidValueError("suggestion_ids", TICK_TWO)
        liaison.app.merge_suggestions(ticked, into, desk.actor)
        screening = desk.link(
            f"/staff/drafts/{draft_id}/screening", merged=into.hex, count=len(set(ticked)) - 1
        )
        return redirect(screening + "#done")
    except (HiddenError, ForbiddenError):
        raise  # another contact point's opinions do not exist for this desk
    except InvalidValueError as refused:
        message = _(refused.message if refused.message in (KEEP_TICKED, TICK_TWO) else TICK_TWO)
    except (WrongStateError, ConflictError, MismatchError, NotFoundError):
        gone = _stale(liaison, desk, ticked or [])
        listed = (", " if language(request) == "en" else "、").join(gone)
        message = _(STALE, receipts=listed) if gone else _(CHANGED_GROUP)
    except DomainError:
        message = _(CHANGED_GROUP)
    posted = GroupForm(frozenset(as_posted), str(form.get("into", "")), message)
    errors = {"group": message}
    return _queue_page(request, liaison, conn, desk, draft, errors=errors, posted=posted)


def _own(
    liaison: Liaison, conn: Connection, desk: Desk, suggestion_id: UUID
) -> tuple[Suggestion, Desk]:
    suggestion = liaison.app.suggestion(desk.actor, suggestion_id)
    return suggestion, record_desk(desk, liaison, suggestion.contact_point_id)


def _detail_page(
    request: Request,
    liaison: Liaison,
    conn: Connection,
    desk: Desk,
    suggestion: Suggestion,
    failed: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    draft = liaison.app.get(suggestion.draft_id, Draft)
    me = suggestion.id.hex
    targets = []
    if suggestion.status in UNREPORTED:
        candidates = unreported(conn, desk.cp, suggestion.draft_id)
        targets = _targets(candidates, similar_among(conn, [me]), me, None)
    context = {
        "suggestion": suggestion,
        "draft": draft,
        "headings": headings(draft),
        "targets": targets,
        "can_organise": suggestion.status in UNREPORTED,
        "failed": failed,
    }
    return show_form(request, desk, "staff_suggestion.html", context, values, errors)


@router.get("/staff/suggestions/{suggestion_id}", response_class=HTMLResponse)
def suggestion_page(
    request: Request, suggestion_id: UUID, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep
) -> HTMLResponse:
    """One suggestion: its first words, its rewording, and what became of it."""
    suggestion, desk = _own(liaison, conn, desk, suggestion_id)
    return _detail_page(request, liaison, conn, desk, suggestion)


def _after(desk: Desk, conn: Connection, suggestion: Suggestion, back: str, stays: bool) -> str:
    """Where to go after an action: the same page, at the next suggestion to look at."""
    if back != "queue":
        return desk.link(f"/staff/suggestions/{suggestion.id}")
    anchor = "queue"
    if stays:
        anchor = f"s-{suggestion.id.hex}"
    else:
        waiting = [
            r["id"] for r in draft_suggestions(conn, desk.cp, suggestion.draft_id, ("received",))
        ]
        if suggestion.id.hex in waiting:
            later = waiting[waiting.index(suggestion.id.hex) + 1 :]
            anchor = f"s-{later[0]}" if later else "queue"
    return desk.link(f"/staff/drafts/{suggestion.draft_id}/screening") + f"#{anchor}"


def _blank(field: str) -> NoReturn:
    raise InvalidValueError(field, MESSAGES[field])


def _act(
    request: Request,
    liaison: Liaison,
    conn: Connection,
    desk: Desk,
    suggestion_id: UUID,
    form: Any,
    action: str,
    fields: tuple[str, ...],
) -> Response:
    """Run one screening action; on refusal, the page it came from again with the error."""
    suggestion, desk = _own(liaison, conn, desk, suggestion_id)
    back = "queue" if form.get("back") == "queue" else "detail"
    values = form_values(form, *fields)
    errors: dict[str, str] = {}
    next_page = _after(desk, conn, suggestion, back, stays=action == "revise")
    try:
        if action == "accept":
            liaison.app.screen_suggestion(suggestion_id, Decision.ACCEPT.value, desk.actor)
        elif action == "reject":
            if not values["reason"]:
                _blank("reason")
            liaison.app.screen_suggestion(
                suggestion_id, Decision.REJECT.value, desk.actor, reason=values["reason"]
            )
        elif action == "revise":
            liaison.app.revise_suggestion(suggestion_id, values["content"], desk.actor)
        else:
            into = parse_uuid(values["into"])
            if into is None:
                _blank("into")
            _own(liaison, conn, desk, into)  # another desk's suggestion does not exist
            liaison.app.merge_suggestion(suggestion_id, into, desk.actor)
        return redirect(next_page)
    except DomainError as refused:
        field, message = refusal(refused, fields[0] if fields else "form")
        errors[field] = message
    if back == "queue":
        draft = liaison.app.get(suggestion.draft_id, Draft)
        failed = (suggestion.id.hex, action)
        return _queue_page(request, liaison, conn, desk, draft, failed, values, errors)
    return _detail_page(request, liaison, conn, desk, suggestion, action, values, errors)


@router.post("/staff/suggestions/{suggestion_id}/accept", response_class=HTMLResponse)
def accept(
    request: Request,
    suggestion_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Accept the suggestion for the report."""
    return _act(request, liaison, conn, desk, suggestion_id, form, "accept", ())


@router.post("/staff/suggestions/{suggestion_id}/reject", response_class=HTMLResponse)
def reject(
    request: Request,
    suggestion_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Do not take the suggestion up; the reason is required."""
    return _act(request, liaison, conn, desk, suggestion_id, form, "reject", ("reason",))


@router.post("/staff/suggestions/{suggestion_id}/revise", response_class=HTMLResponse)
def revise(
    request: Request,
    suggestion_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Reword for the report; the words as first given stay."""
    return _act(request, liaison, conn, desk, suggestion_id, form, "revise", ("content",))


@router.post("/staff/suggestions/{suggestion_id}/merge", response_class=HTMLResponse)
def merge(
    request: Request,
    suggestion_id: UUID,
    form: CheckedForm,
    desk: DeskDep,
    conn: ReadDep,
    liaison: LiaisonDep,
) -> Response:
    """Fold a duplicate into another suggestion of the same draft."""
    return _act(request, liaison, conn, desk, suggestion_id, form, "merge", ("into",))
