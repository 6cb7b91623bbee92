"""Shared builders for the domain unit tests.

Helpers are exposed as fixtures (not imported from this module), because the unit tests
run as rootdir-based modules without packages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar
from uuid import UUID, uuid4

import pytest

from domain.draft import Draft
from domain.suggestion import Status, Suggestion

RECEIVED_ON = date(2024, 3, 1)
DEADLINE = date(2024, 3, 31)
LATER = date(2024, 4, 15)
ACTOR = "staff:wang"

DRAFT_TEXT = "\n".join(
    [
        "关于某某事项的决定（草案）",
        "第一条 为了规范管理，制定本条例。",
        "第二条 本条例自公布之日起施行。",
    ]
)


A = TypeVar("A")


def drained(aggregate: A) -> A:
    """Drop the events recorded so far, so a test sees only what its own command records."""
    aggregate.collect_events()  # type: ignore[attr-defined]
    return aggregate


@pytest.fixture
def new_draft() -> Callable[..., Draft]:
    """Build a freshly received draft; keyword arguments override ``Draft.receive``'s."""

    def build(**overrides: object) -> Draft:
        arguments: dict[str, object] = {
            "title": "某某条例（草案）",
            "level": "municipal",
            "issuer": "市人大常委会法工委",
            "received_on": RECEIVED_ON,
            "deadline": DEADLINE,
            "text": DRAFT_TEXT,
            "actor": ACTOR,
        }
        arguments.update(overrides)
        return Draft.receive(**arguments)  # type: ignore[arg-type]

    return build


@pytest.fixture
def contact_point_id() -> UUID:
    return uuid4()


@pytest.fixture
def draft_id() -> UUID:
    return uuid4()


@pytest.fixture
def new_suggestion(contact_point_id: UUID, draft_id: UUID) -> Callable[..., Suggestion]:
    """Build a freshly received suggestion (events drained) on the shared draft and point."""

    def build(**overrides: object) -> Suggestion:
        arguments: dict[str, object] = {
            "contact_point_id": contact_point_id,
            "draft_id": draft_id,
            "draft_version": "征求意见稿",
            "article": 1,
            "content": "建议明确第一条的适用范围。",
            "channel": "session",
            "participant_id": uuid4(),
            "session_id": uuid4(),
            "receipt": "R-0001",
            "received_on": RECEIVED_ON,
            "actor": ACTOR,
            "id": uuid4(),
        }
        arguments.update(overrides)
        return drained(Suggestion.receive(**arguments))  # type: ignore[arg-type]

    return build


# How to bring a fresh suggestion into each status, through its own commands only.
# Each step gets the suggestion and a factory for fresh siblings on its draft (for merging).
Step = Callable[[Suggestion, Callable[[], Suggestion]], None]


def _accept(s: Suggestion, _: Callable[[], Suggestion]) -> None:
    s.screen("accept", None, RECEIVED_ON, ACTOR)


def _reject(s: Suggestion, _: Callable[[], Suggestion]) -> None:
    s.screen("reject", "与草案无关", RECEIVED_ON, ACTOR)


def _merge(s: Suggestion, sibling: Callable[[], Suggestion]) -> None:
    s.merge_into(sibling(), RECEIVED_ON, ACTOR)


def _report(s: Suggestion, _: Callable[[], Suggestion]) -> None:
    s.report(uuid4(), DEADLINE, ACTOR)


def _outcome(outcome: str) -> Step:
    def step(s: Suggestion, _: Callable[[], Suggestion]) -> None:
        s.record_outcome(outcome, 1, None, LATER, ACTOR)

    return step


def _feed_back(s: Suggestion, _: Callable[[], Suggestion]) -> None:
    s.feed_back("您的建议已被采纳。", LATER, ACTOR)


PATHS: dict[Status, tuple[Step, ...]] = {
    Status.RECEIVED: (),
    Status.ACCEPTED: (_accept,),
    Status.REJECTED: (_reject,),
    Status.MERGED: (_merge,),
    Status.REPORTED: (_accept, _report),
    Status.ADOPTED: (_accept, _report, _outcome("adopted")),
    Status.PARTIALLY_ADOPTED: (_accept, _report, _outcome("partially_adopted")),
    Status.NOT_ADOPTED: (_accept, _report, _outcome("not_adopted")),
    Status.FED_BACK: (_accept, _report, _outcome("adopted"), _feed_back),
}


@pytest.fixture
def suggestion_in(new_suggestion: Callable[..., Suggestion]) -> Callable[..., Suggestion]:
    """Build a suggestion driven into ``status`` by commands, with its events drained."""

    def build(status: Status, **overrides: object) -> Suggestion:
        suggestion = new_suggestion(**overrides)

        def sibling() -> Suggestion:
            return new_suggestion(
                contact_point_id=suggestion.contact_point_id, draft_id=suggestion.draft_id
            )

        for step in PATHS[status]:
            step(suggestion, sibling)
        assert suggestion.status is status
        return drained(suggestion)

    return build
