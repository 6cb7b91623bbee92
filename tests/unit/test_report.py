"""A report upward: accepted suggestions of one draft and contact point, sent together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from domain.errors import (
    DateOrderError,
    FutureDateError,
    InvalidValueError,
    MismatchError,
    WrongStateError,
)
from domain.report import Report
from domain.suggestion import Status, Suggestion
from liaison.reporting import _width, figures_table
from projections.statistics import Figures

SuggestionIn = Callable[..., Suggestion]

SUBMITTED_ON = date(2024, 3, 28)
ACTOR = "staff:wu"


def snapshot(suggestions: list[Suggestion]) -> list[dict[str, object]]:
    return [dict(vars(s)) for s in suggestions]


def assert_unchanged(suggestions: list[Suggestion], before: list[dict[str, object]]) -> None:
    assert snapshot(suggestions) == before
    assert [s.collect_events() for s in suggestions] == [[] for _ in suggestions]


def test_submitting_reports_every_suggestion_on_the_submitted_date(
    suggestion_in: SuggestionIn, contact_point_id: UUID, draft_id: UUID
) -> None:
    suggestions = [suggestion_in(Status.ACCEPTED) for _ in range(3)]

    report = Report.submit(contact_point_id, draft_id, suggestions, SUBMITTED_ON, ACTOR)

    [submitted] = report.collect_events()
    assert isinstance(submitted, Report.Submitted)
    assert (submitted.occurred_on, submitted.actor) == (SUBMITTED_ON, ACTOR)
    assert (report.contact_point_id, report.draft_id) == (contact_point_id, draft_id)
    assert report.suggestion_ids == [s.id for s in suggestions]
    assert report.submitted_on == SUBMITTED_ON
    for suggestion in suggestions:
        [reported] = suggestion.collect_events()
        assert isinstance(reported, Suggestion.Reported)
        assert (reported.report_id, reported.occurred_on, reported.actor) == (
            report.id,
            SUBMITTED_ON,
            ACTOR,
        )
        assert (suggestion.status, suggestion.report_id) == (Status.REPORTED, report.id)


def test_a_report_of_one_suggestion_is_enough(
    suggestion_in: SuggestionIn, contact_point_id: UUID, draft_id: UUID
) -> None:
    suggestion = suggestion_in(Status.ACCEPTED)

    report = Report.submit(contact_point_id, draft_id, [suggestion], SUBMITTED_ON, ACTOR)

    assert report.suggestion_ids == [suggestion.id]


def test_an_empty_report_is_refused(contact_point_id: UUID, draft_id: UUID) -> None:
    with pytest.raises(InvalidValueError) as refused:
        Report.submit(contact_point_id, draft_id, [], SUBMITTED_ON, ACTOR)

    assert refused.value.field == "suggestion_ids"


def test_a_suggestion_named_twice_is_refused(
    suggestion_in: SuggestionIn, contact_point_id: UUID, draft_id: UUID
) -> None:
    suggestion, other = suggestion_in(Status.ACCEPTED), suggestion_in(Status.ACCEPTED)
    suggestions = [suggestion, other, suggestion]
    before = snapshot(suggestions)

    with pytest.raises(InvalidValueError) as refused:
        Report.submit(contact_point_id, draft_id, suggestions, SUBMITTED_ON, ACTOR)

    assert refused.value.field == "suggestion_ids"
    assert_unchanged(suggestions, before)


@pytest.mark.parametrize("position", [0, 2], ids=["first", "last"])
@pytest.mark.parametrize("other", ["draft_id", "contact_point_id"])
def test_a_suggestion_of_another_draft_or_contact_point_is_refused(
    suggestion_in: SuggestionIn, contact_point_id: UUID, draft_id: UUID, other: str, position: int
) -> None:
    suggestions = [suggestion_in(Status.ACCEPTED) for _ in range(2)]
    suggestions.insert(position, suggestion_in(Status.ACCEPTED, **{other: uuid4()}))
    before = snapshot(suggestions)

    with pytest.raises(MismatchError):
        Report.submit(contact_point_id, draft_id, suggestions, SUBMITTED_ON, ACTOR)

    assert_unchanged(suggestions, before)


NOT_ACCEPTED = [s for s in Status if s is not Status.ACCEPTED]


@pytest.mark.parametrize("status", NOT_ACCEPTED, ids=str)
def test_a_suggestion_that_is_not_accepted_is_refused(
    suggestion_in: SuggestionIn, contact_point_id: UUID, draft_id: UUID, status: Status
) -> None:
    suggestions = [suggestion_in(status), suggestion_in(Status.ACCEPTED)]
    before = snapshot(suggestions)

    with pytest.raises(WrongStateError):
        Report.submit(contact_point_id, draft_id, suggestions, SUBMITTED_ON, ACTOR)

    assert_unchanged(suggestions, before)


@pytest.mark.parametrize("status", [Status.RECEIVED, Status.REPORTED], ids=str)
def test_a_refused_suggestion_after_accepted_ones_leaves_them_unreported(
    suggestion_in: SuggestionIn, contact_point_id: UUID, draft_id: UUID, status: Status
) -> None:
    suggestions = [suggestion_in(Status.ACCEPTED), suggestion_in(Status.ACCEPTED)]
    suggestions.append(suggestion_in(status))
    before = snapshot(suggestions)

    with pytest.raises(WrongStateError):
        Report.submit(contact_point_id, draft_id, suggestions, SUBMITTED_ON, ACTOR)

    assert_unchanged(suggestions, before)


def test_the_report_command_prints_a_table_a_clerk_reads_in_chinese_or_english() -> None:

    counts = {"received": 428, "merged": 20, "rejected": 8, "reported": 328}
    outcomes = {"adopted": 80, "partially_adopted": 15, "not_adopted": 200, "awaiting_outcome": 33}
    figures = Figures(
        drafts={"total": 26, "national": 3, "municipal": 23, "district": 0},
        sessions=41,
        attendances=1200,
        participants=1001,
        suggestions={**counts, **outcomes},
    )

    chinese = figures_table(figures, "曹杨新村街道基层立法联系点", date(2021, 1, 1), None)
    english = figures_table(figures, None, None, None, lang="en")

    assert "{" not in chinese and "'received'" not in chinese
    lines = chinese.splitlines()
    assert lines[0].startswith("范围") and lines[0].endswith("曹杨新村街道基层立法联系点")
    assert any(line.startswith("收到意见建议（条）") and line.endswith(" 428") for line in lines)
    assert any(line.startswith("采纳率") and line.endswith(" 29.0%") for line in lines)
    assert "2021-01-01 – 至今" in chinese and "提出意见建议428条" in chinese
    assert "Opinions received" in english and "all contact points" in english
    value_columns = {_width(line[: line.rindex("  ") + 2]) for line in lines[: lines.index("")]}
    assert len(value_columns) == 1  # the numbers line up, Chinese characters counted double


# --- business dates run forward --------------------------------------------------------------


def test_a_report_submitted_before_one_of_its_suggestions_was_received_is_refused(
    new_suggestion: Callable[..., Suggestion], contact_point_id: UUID, draft_id: UUID
) -> None:
    early = new_suggestion(received_on=date(2024, 3, 1))
    late = new_suggestion(received_on=SUBMITTED_ON + timedelta(days=1))
    for suggestion in (early, late):
        suggestion.screen("accept", None, suggestion.received_on, ACTOR)
        suggestion.collect_events()
    before = snapshot([early, late])

    with pytest.raises(DateOrderError) as refused:
        Report.submit(contact_point_id, draft_id, [early, late], SUBMITTED_ON, ACTOR)

    assert refused.value.field == "submitted_on"
    assert f"suggestion {late.id} was received" in str(refused.value)
    assert_unchanged([early, late], before)  # the first one is not reported either


def test_a_report_submitted_before_a_suggestion_was_accepted_is_refused(
    new_suggestion: Callable[..., Suggestion], contact_point_id: UUID, draft_id: UUID
) -> None:
    suggestion = new_suggestion(received_on=date(2024, 3, 1))
    suggestion.screen("accept", None, SUBMITTED_ON + timedelta(days=1), ACTOR)
    suggestion.collect_events()

    with pytest.raises(DateOrderError) as refused:
        Report.submit(contact_point_id, draft_id, [suggestion], SUBMITTED_ON, ACTOR)

    assert f"suggestion {suggestion.id} was accepted" in str(refused.value)
    assert suggestion.status is Status.ACCEPTED


def test_a_report_dated_after_today_is_refused(
    suggestion_in: SuggestionIn, contact_point_id: UUID, draft_id: UUID
) -> None:
    report = Report.submit(
        contact_point_id, draft_id, [suggestion_in(Status.ACCEPTED)], SUBMITTED_ON, ACTOR
    )

    report.require_dated_by(SUBMITTED_ON)
    with pytest.raises(FutureDateError) as refused:
        report.require_dated_by(SUBMITTED_ON - timedelta(days=1))

    assert refused.value.field == "submitted_on"
