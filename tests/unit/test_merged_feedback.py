"""A merged opinion's person is told what became of the suggestion it was merged into: once,
after that suggestion's own person, and the opinion stays merged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import uuid4

import pytest

from domain.errors import DateOrderError, MismatchError, WrongStateError
from domain.suggestion import Status, Suggestion, status_after, step_after

RECEIVED_ON, DEADLINE, DECIDED_ON = date(2024, 3, 1), date(2024, 3, 31), date(2024, 4, 15)
TOLD_ON = date(2024, 4, 20)
ACTOR = "staff:sun"
MESSAGE = "您的建议已被部分采纳。"

NewSuggestion = Callable[..., Suggestion]


def merged_pair(new_suggestion: NewSuggestion) -> tuple[Suggestion, Suggestion]:
    """(survivor, duplicate): the duplicate merged into the survivor, which is reported and
    decided (partially adopted); events drained."""
    survivor = new_suggestion()
    duplicate = new_suggestion()
    duplicate.merge_into(survivor, RECEIVED_ON, ACTOR)
    survivor.screen("accept", None, RECEIVED_ON, ACTOR)
    survivor.report(uuid4(), DEADLINE, ACTOR)
    survivor.record_outcome("partially_adopted", None, None, DECIDED_ON, ACTOR)
    survivor.collect_events()
    duplicate.collect_events()
    return survivor, duplicate


def test_the_merged_person_hears_the_survivors_outcome_and_message_and_stays_merged(
    new_suggestion: NewSuggestion,
) -> None:
    survivor, duplicate = merged_pair(new_suggestion)
    survivor.feed_back(MESSAGE, DECIDED_ON, ACTOR)

    duplicate.feed_back_as_merged(survivor, TOLD_ON, ACTOR)

    (event,) = duplicate.collect_events()
    assert isinstance(event, Suggestion.FedBackAsMerged)
    assert (event.into, event.outcome, event.message) == (
        survivor.id,
        "partially_adopted",
        MESSAGE,
    )
    assert (event.occurred_on, event.actor) == (TOLD_ON, ACTOR)
    assert duplicate.status is Status.MERGED and duplicate.outcome is None
    assert (duplicate.feedback, duplicate.fed_back_on) == (MESSAGE, TOLD_ON)
    assert status_after(event) is None  # its standing is unchanged
    assert step_after(event) is Status.FED_BACK  # what its receipt shows as a step


def test_nobody_merged_is_told_before_the_survivors_own_person(
    new_suggestion: NewSuggestion,
) -> None:
    survivor, duplicate = merged_pair(new_suggestion)

    with pytest.raises(WrongStateError):
        duplicate.feed_back_as_merged(survivor, TOLD_ON, ACTOR)

    assert duplicate.collect_events() == [] and duplicate.feedback is None


def test_a_merged_person_is_told_once(new_suggestion: NewSuggestion) -> None:
    survivor, duplicate = merged_pair(new_suggestion)
    survivor.feed_back(MESSAGE, DECIDED_ON, ACTOR)
    duplicate.feed_back_as_merged(survivor, TOLD_ON, ACTOR)
    duplicate.collect_events()

    with pytest.raises(WrongStateError):
        duplicate.feed_back_as_merged(survivor, TOLD_ON, ACTOR)

    assert duplicate.collect_events() == []


def test_only_a_suggestion_merged_into_that_one_is_told_its_outcome(
    new_suggestion: NewSuggestion,
) -> None:
    survivor, _duplicate = merged_pair(new_suggestion)
    other_survivor, stranger = merged_pair(new_suggestion)
    survivor.feed_back(MESSAGE, DECIDED_ON, ACTOR)
    unmerged = new_suggestion()

    with pytest.raises(MismatchError):
        stranger.feed_back_as_merged(survivor, TOLD_ON, ACTOR)
    with pytest.raises(WrongStateError):
        unmerged.feed_back_as_merged(survivor, TOLD_ON, ACTOR)

    assert stranger.collect_events() == [] and unmerged.collect_events() == []
    assert other_survivor.status is Status.PARTIALLY_ADOPTED


def test_a_merged_person_is_not_told_before_the_survivors_feedback_was_sent(
    new_suggestion: NewSuggestion,
) -> None:
    survivor, duplicate = merged_pair(new_suggestion)
    survivor.feed_back(MESSAGE, TOLD_ON, ACTOR)

    with pytest.raises(DateOrderError):
        duplicate.feed_back_as_merged(survivor, DECIDED_ON, ACTOR)

    assert duplicate.collect_events() == []
