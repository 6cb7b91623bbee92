"""A suggestion from its first words to the congress's decision and the feedback sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import uuid4

import pytest

from domain.errors import (
    DateOrderError,
    FutureDateError,
    InvalidValueError,
    MismatchError,
    NotReportedError,
    WrongStateError,
)
from domain.rules import MAX_CONTENT, MAX_REASON
from domain.suggestion import STATUS_AFTER, Channel, Outcome, Status, Suggestion, status_after

NewSuggestion = Callable[..., Suggestion]
SuggestionIn = Callable[..., Suggestion]

ON = date(2024, 4, 20)  # after every step that brings a suggestion into its status
ACTOR = "staff:sun"


# --- receiving -------------------------------------------------------------------------------


def test_receiving_records_the_opinion_as_given(new_suggestion: NewSuggestion) -> None:
    suggestion_id, point, draft, person, session = uuid4(), uuid4(), uuid4(), uuid4(), uuid4()

    suggestion = Suggestion.receive(
        contact_point_id=point,
        draft_id=draft,
        draft_version="一审稿",
        article=3,
        content="  建议删除第三条第二款。 ",
        channel="collector",
        participant_id=person,
        session_id=session,
        receipt="R-42",
        received_on=ON,
        actor=ACTOR,
        id=suggestion_id,
    )

    [event] = suggestion.collect_events()
    assert isinstance(event, Suggestion.Received)
    assert status_after(event) is Status.RECEIVED
    assert (event.occurred_on, event.actor) == (ON, ACTOR)
    assert suggestion.id == suggestion_id
    assert suggestion.status is Status.RECEIVED
    assert (suggestion.contact_point_id, suggestion.draft_id) == (point, draft)
    assert (suggestion.draft_version, suggestion.article) == ("一审稿", 3)
    assert suggestion.content == suggestion.original_content == "建议删除第三条第二款。"
    assert suggestion.channel is Channel.COLLECTOR
    assert (suggestion.participant_id, suggestion.session_id) == (person, session)
    assert (suggestion.receipt, suggestion.received_on) == ("R-42", ON)
    assert (suggestion.sealed_name, suggestion.sealed_phone) == (None, None)
    assert (suggestion.outcome, suggestion.report_id, suggestion.merged_into) == (None, None, None)
    assert suggestion.absorbed == []


@pytest.mark.parametrize("channel", list(Channel))
def test_receiving_accepts_every_channel(new_suggestion: NewSuggestion, channel: Channel) -> None:
    assert new_suggestion(channel=channel.value).channel is channel


def test_an_anonymous_opinion_on_no_article_is_accepted(new_suggestion: NewSuggestion) -> None:
    suggestion = new_suggestion(
        participant_id=None, session_id=None, article=None, channel="online", sealed_name=None
    )

    assert (suggestion.participant_id, suggestion.article) == (None, None)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"content": ""}, "content", id="empty content"),
        pytest.param({"content": " \n "}, "content", id="blank content"),
        pytest.param({"content": "意" * (MAX_CONTENT + 1)}, "content", id="over-long content"),
        pytest.param({"channel": "wechat"}, "channel", id="unknown channel"),
        pytest.param({"article": 0}, "article", id="article 0"),
        pytest.param({"article": -1}, "article", id="negative article"),
    ],
)
def test_receiving_refuses_invalid_values_naming_the_field(
    new_suggestion: NewSuggestion, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidValueError) as refused:
        new_suggestion(**overrides)

    assert refused.value.field == field


def test_content_of_exactly_the_limit_is_accepted(new_suggestion: NewSuggestion) -> None:
    assert len(new_suggestion(content="意" * MAX_CONTENT).content) == MAX_CONTENT


# --- the state machine -----------------------------------------------------------------------
#
# Every command is tried in every status. A command gets the suggestion under test and a
# factory for fresh received siblings on the same draft and contact point (for merging).

Command = Callable[[Suggestion, Callable[[], Suggestion]], None]


def _revise(s: Suggestion, _: Callable[[], Suggestion]) -> None:
    s.revise("整理后的表述。", ON, ACTOR)


def _screen_accept(s: Suggestion, _: Callable[[], Suggestion]) -> None:
    s.screen("accept", None, ON, ACTOR)


def _screen_reject(s: Suggestion, _: Callable[[], Suggestion]) -> None:
    s.screen("reject", "重复意见", ON, ACTOR)


def _withdraw_rejection(s: Suggestion, _: Callable[[], Suggestion]) -> None:
    s.withdraw_rejection("误判，内容与本条相关", ON, ACTOR)


def _merge_into_other(s: Suggestion, sibling: Callable[[], Suggestion]) -> None:
    s.merge_into(sibling(), ON, ACTOR)


def _absorb_other(s: Suggestion, sibling: Callable[[], Suggestion]) -> None:
    sibling().merge_into(s, ON, ACTOR)


def _report(s: Suggestion, _: Callable[[], Suggestion]) -> None:
    s.report(uuid4(), ON, ACTOR)


def _record_outcome(s: Suggestion, _: Callable[[], Suggestion]) -> None:
    s.record_outcome("partially_adopted", 7, None, ON, ACTOR)


def _feed_back(s: Suggestion, _: Callable[[], Suggestion]) -> None:
    s.feed_back("您的建议已部分采纳。", ON, ACTOR)


COMMANDS: dict[str, Command] = {
    "revise": _revise,
    "screen accept": _screen_accept,
    "screen reject": _screen_reject,
    "withdraw rejection": _withdraw_rejection,
    "merge_into (as duplicate)": _merge_into_other,
    "merge_into (as survivor)": _absorb_other,
    "report": _report,
    "record_outcome": _record_outcome,
    "feed_back": _feed_back,
}

UNREPORTED = (Status.RECEIVED, Status.ACCEPTED)
SCREENABLE = (Status.RECEIVED, Status.ACCEPTED, Status.REJECTED)
DECIDED = (Status.ADOPTED, Status.PARTIALLY_ADOPTED, Status.NOT_ADOPTED)
NEVER_REPORTED = (Status.RECEIVED, Status.ACCEPTED, Status.REJECTED, Status.MERGED)

# (command, status) -> (status afterwards, events recorded on the suggestion under test).
ALLOWED: dict[tuple[str, Status], tuple[Status, list[type[Suggestion.Event]]]] = {
    **{("revise", s): (s, [Suggestion.Revised]) for s in UNREPORTED},
    ("screen accept", Status.RECEIVED): (Status.ACCEPTED, [Suggestion.Accepted]),
    ("screen accept", Status.ACCEPTED): (Status.ACCEPTED, []),  # already accepted: nothing new
    ("screen accept", Status.REJECTED): (Status.ACCEPTED, [Suggestion.Accepted]),
    **{("screen reject", s): (Status.REJECTED, [Suggestion.Rejected]) for s in SCREENABLE},
    ("withdraw rejection", Status.REJECTED): (Status.RECEIVED, [Suggestion.RejectionWithdrawn]),
    **{("merge_into (as duplicate)", s): (Status.MERGED, [Suggestion.Merged]) for s in UNREPORTED},
    **{("merge_into (as survivor)", s): (s, [Suggestion.Absorbed]) for s in UNREPORTED},
    ("report", Status.ACCEPTED): (Status.REPORTED, [Suggestion.Reported]),
    **{
        ("record_outcome", s): (Status.PARTIALLY_ADOPTED, [Suggestion.OutcomeRecorded])
        for s in (Status.REPORTED, *DECIDED)
    },
    **{("feed_back", s): (Status.FED_BACK, [Suggestion.FedBack]) for s in DECIDED},
}


def refusal(command: str, status: Status) -> type[Exception]:
    if command == "record_outcome" and status in NEVER_REPORTED:
        return NotReportedError
    return WrongStateError


def _name(value: object) -> str:
    return value.__name__ if isinstance(value, type) else str(value)


def test_the_allowed_table_names_only_known_commands() -> None:
    assert set(ALLOWED) <= {(c, s) for c in COMMANDS for s in Status}


@pytest.mark.parametrize(
    ("command", "status"),
    [(c, s) for c in COMMANDS for s in Status if (c, s) in ALLOWED],
    ids=_name,
)
def test_allowed_command(
    suggestion_in: SuggestionIn, new_suggestion: NewSuggestion, command: str, status: Status
) -> None:
    suggestion = suggestion_in(status)
    expected_status, expected_events = ALLOWED[command, status]

    COMMANDS[command](suggestion, new_suggestion)

    events = suggestion.collect_events()
    assert [type(e) for e in events] == expected_events
    assert all((e.occurred_on, e.actor) == (ON, ACTOR) for e in events)
    assert suggestion.status is expected_status
    # each event declares the status it leaves, or none when the status stays as it was
    declared = [status_after(e) for e in events]
    assert all(d in (None, expected_status) for d in declared), declared
    assert expected_status is status or declared[-1] is expected_status


def test_every_event_of_a_suggestion_declares_the_status_it_leaves() -> None:
    nested = {
        c
        for c in vars(Suggestion).values()
        if isinstance(c, type) and issubclass(c, Suggestion.Event)
    } - {Suggestion.Event, Suggestion.Created}  # the library's bases, never recorded

    assert nested == {*STATUS_AFTER, Suggestion.OutcomeRecorded, Suggestion.Unmerged}


@pytest.mark.parametrize(
    ("command", "status", "error"),
    [(c, s, refusal(c, s)) for c in COMMANDS for s in Status if (c, s) not in ALLOWED],
    ids=_name,
)
def test_refused_command_raises_the_named_error_and_changes_nothing(
    suggestion_in: SuggestionIn,
    new_suggestion: NewSuggestion,
    command: str,
    status: Status,
    error: type[Exception],
) -> None:
    suggestion = suggestion_in(status)
    before = dict(vars(suggestion))

    with pytest.raises(WrongStateError) as refused:
        COMMANDS[command](suggestion, new_suggestion)

    assert type(refused.value) is error
    assert suggestion.status is status
    assert suggestion.collect_events() == []
    assert vars(suggestion) == before


def test_a_fed_back_suggestion_refuses_a_new_outcome(suggestion_in: SuggestionIn) -> None:
    """Whatever the error's exact class, the outcome after feedback must not change."""
    suggestion = suggestion_in(Status.FED_BACK)

    with pytest.raises(WrongStateError):
        suggestion.record_outcome("not_adopted", None, None, ON, ACTOR)

    assert suggestion.outcome is Outcome.ADOPTED


# --- rewording -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", UNREPORTED)
def test_rewording_keeps_the_original_words(suggestion_in: SuggestionIn, status: Status) -> None:
    suggestion = suggestion_in(status, content="原话：这个条款不好。")

    suggestion.revise("  建议修改第一条表述。 ", ON, ACTOR)
    suggestion.revise("建议修改第一条的表述，使其更明确。", ON, ACTOR)

    assert suggestion.content == "建议修改第一条的表述，使其更明确。"
    assert suggestion.original_content == "原话：这个条款不好。"
    assert [e.content for e in suggestion.collect_events()] == [
        "建议修改第一条表述。",
        "建议修改第一条的表述，使其更明确。",
    ]


def test_the_original_words_survive_to_the_end(suggestion_in: SuggestionIn) -> None:
    suggestion = suggestion_in(Status.RECEIVED, content="原话。")
    suggestion.revise("改写。", ON, ACTOR)
    suggestion.screen("accept", None, ON, ACTOR)
    suggestion.report(uuid4(), ON, ACTOR)
    suggestion.record_outcome("adopted", 1, None, ON, ACTOR)
    suggestion.feed_back("已采纳。", ON, ACTOR)

    assert (suggestion.original_content, suggestion.content) == ("原话。", "改写。")


@pytest.mark.parametrize("content", ["", "   ", "改" * (MAX_CONTENT + 1)])
def test_rewording_refuses_blank_or_over_long_content(
    suggestion_in: SuggestionIn, content: str
) -> None:
    suggestion = suggestion_in(Status.RECEIVED)

    with pytest.raises(InvalidValueError) as refused:
        suggestion.revise(content, ON, ACTOR)

    assert refused.value.field == "content"
    assert suggestion.content == suggestion.original_content
    assert suggestion.collect_events() == []


# --- screening -------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_rejecting_requires_a_reason(suggestion_in: SuggestionIn, reason: str | None) -> None:
    suggestion = suggestion_in(Status.RECEIVED)

    with pytest.raises(InvalidValueError) as refused:
        suggestion.screen("reject", reason, ON, ACTOR)

    assert refused.value.field == "reason"
    assert suggestion.status is Status.RECEIVED
    assert suggestion.collect_events() == []


def test_rejecting_refuses_an_over_long_reason(suggestion_in: SuggestionIn) -> None:
    suggestion = suggestion_in(Status.RECEIVED)

    with pytest.raises(InvalidValueError, match="reason"):
        suggestion.screen("reject", "因" * (MAX_REASON + 1), ON, ACTOR)


def test_rejecting_keeps_the_reason_and_accepting_again_clears_it(
    suggestion_in: SuggestionIn,
) -> None:
    suggestion = suggestion_in(Status.RECEIVED)

    suggestion.screen("reject", " 与本草案无关 ", ON, ACTOR)
    assert (suggestion.status, suggestion.reason) == (Status.REJECTED, "与本草案无关")

    suggestion.screen("accept", None, ON, ACTOR)
    assert (suggestion.status, suggestion.reason) == (Status.ACCEPTED, None)


def test_screening_refuses_an_unknown_decision(suggestion_in: SuggestionIn) -> None:
    suggestion = suggestion_in(Status.RECEIVED)

    with pytest.raises(InvalidValueError) as refused:
        suggestion.screen("maybe", None, ON, ACTOR)

    assert refused.value.field == "decision"
    assert suggestion.status is Status.RECEIVED


# --- merging ---------------------------------------------------------------------------------


def test_merging_records_merged_on_the_duplicate_and_absorbed_on_the_survivor(
    new_suggestion: NewSuggestion,
) -> None:
    duplicate, survivor = new_suggestion(), new_suggestion()

    duplicate.merge_into(survivor, ON, ACTOR)

    [merged] = duplicate.collect_events()
    [absorbed] = survivor.collect_events()
    assert isinstance(merged, Suggestion.Merged)
    assert isinstance(absorbed, Suggestion.Absorbed)
    assert (merged.into, merged.occurred_on, merged.actor) == (survivor.id, ON, ACTOR)
    assert (absorbed.suggestion_id, absorbed.occurred_on, absorbed.actor) == (
        duplicate.id,
        ON,
        ACTOR,
    )
    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, survivor.id)
    assert (survivor.status, survivor.absorbed) == (Status.RECEIVED, [duplicate.id])


def test_a_survivor_absorbs_several_duplicates_in_order(new_suggestion: NewSuggestion) -> None:
    survivor = new_suggestion()
    first, second = new_suggestion(), new_suggestion()

    first.merge_into(survivor, ON, ACTOR)
    second.merge_into(survivor, ON, ACTOR)

    assert survivor.absorbed == [first.id, second.id]


def test_merging_into_itself_is_refused(suggestion_in: SuggestionIn) -> None:
    suggestion = suggestion_in(Status.RECEIVED)

    with pytest.raises(InvalidValueError) as refused:
        suggestion.merge_into(suggestion, ON, ACTOR)

    assert refused.value.field == "into"
    assert (suggestion.status, suggestion.absorbed) == (Status.RECEIVED, [])
    assert suggestion.collect_events() == []


@pytest.mark.parametrize("other", ["draft_id", "contact_point_id"])
def test_merging_across_drafts_or_contact_points_is_refused(
    new_suggestion: NewSuggestion, other: str
) -> None:
    duplicate = new_suggestion()
    survivor = new_suggestion(**{other: uuid4()})

    with pytest.raises(MismatchError):
        duplicate.merge_into(survivor, ON, ACTOR)

    assert (duplicate.status, survivor.absorbed) == (Status.RECEIVED, [])
    assert duplicate.collect_events() == survivor.collect_events() == []


@pytest.mark.parametrize("survivor_status", [Status.REJECTED, Status.MERGED, Status.REPORTED])
def test_merging_into_a_survivor_that_cannot_absorb_leaves_the_duplicate_unchanged(
    suggestion_in: SuggestionIn, survivor_status: Status
) -> None:
    duplicate = suggestion_in(Status.RECEIVED)
    survivor = suggestion_in(survivor_status)

    with pytest.raises(WrongStateError):
        duplicate.merge_into(survivor, ON, ACTOR)

    assert (duplicate.status, duplicate.merged_into) == (Status.RECEIVED, None)
    assert duplicate.collect_events() == survivor.collect_events() == []


# --- reporting, outcome and feedback ---------------------------------------------------------


def test_reporting_records_the_report(suggestion_in: SuggestionIn) -> None:
    suggestion = suggestion_in(Status.ACCEPTED)
    report_id = uuid4()

    suggestion.report(report_id, ON, ACTOR)

    [event] = suggestion.collect_events()
    assert (event.report_id, event.occurred_on) == (report_id, ON)
    assert (suggestion.status, suggestion.report_id) == (Status.REPORTED, report_id)


@pytest.mark.parametrize("outcome", list(Outcome))
def test_recording_an_outcome_sets_the_matching_status(
    suggestion_in: SuggestionIn, outcome: Outcome
) -> None:
    suggestion = suggestion_in(Status.REPORTED)

    suggestion.record_outcome(outcome.value, 12, "  见修改稿第十二条 ", ON, ACTOR)

    assert suggestion.outcome is outcome
    assert suggestion.status is Status(outcome.value)
    assert (suggestion.final_article, suggestion.note) == (12, "见修改稿第十二条")


@pytest.mark.parametrize(
    ("outcome", "final_article", "field"),
    [("rejected", None, "outcome"), ("adopted", 0, "final_article")],
)
def test_recording_an_outcome_refuses_invalid_values(
    suggestion_in: SuggestionIn, outcome: str, final_article: int | None, field: str
) -> None:
    suggestion = suggestion_in(Status.REPORTED)

    with pytest.raises(InvalidValueError) as refused:
        suggestion.record_outcome(outcome, final_article, None, ON, ACTOR)

    assert refused.value.field == field
    assert (suggestion.status, suggestion.outcome) == (Status.REPORTED, None)


def test_the_outcome_can_change_before_feedback(suggestion_in: SuggestionIn) -> None:
    suggestion = suggestion_in(Status.REPORTED)

    suggestion.record_outcome("not_adopted", None, None, date(2024, 5, 1), ACTOR)
    suggestion.record_outcome("adopted", 9, "二审稿采纳", date(2024, 6, 1), ACTOR)

    assert (suggestion.status, suggestion.outcome) == (Status.ADOPTED, Outcome.ADOPTED)
    assert (suggestion.final_article, suggestion.note) == (9, "二审稿采纳")
    assert [e.outcome for e in suggestion.collect_events()] == ["not_adopted", "adopted"]


@pytest.mark.parametrize("outcome", list(Outcome))
def test_feedback_keeps_the_outcome_readable(suggestion_in: SuggestionIn, outcome: Outcome) -> None:
    suggestion = suggestion_in(Status.REPORTED)
    suggestion.record_outcome(outcome.value, 4, "说明", ON, ACTOR)

    suggestion.feed_back("  感谢您的意见。 ", ON, ACTOR)

    assert suggestion.status is Status.FED_BACK
    assert suggestion.feedback == "感谢您的意见。"
    assert (suggestion.outcome, suggestion.final_article, suggestion.note) == (outcome, 4, "说明")


@pytest.mark.parametrize("message", ["", "  ", "谢" * (MAX_CONTENT + 1)])
def test_feedback_refuses_a_blank_or_over_long_message(
    suggestion_in: SuggestionIn, message: str
) -> None:
    suggestion = suggestion_in(Status.ADOPTED)

    with pytest.raises(InvalidValueError) as refused:
        suggestion.feed_back(message, ON, ACTOR)

    assert refused.value.field == "message"
    assert suggestion.status is Status.ADOPTED


# --- business dates run forward --------------------------------------------------------------

RECEIVED = date(2024, 3, 1)  # the day the conftest's suggestions are received
DAY_BEFORE = date(2024, 2, 29)

BEFORE_RECEIVED: dict[str, Callable[[Suggestion, NewSuggestion], None]] = {
    "screen accept": lambda s, _new: s.screen("accept", None, DAY_BEFORE, ACTOR),
    "screen reject": lambda s, _new: s.screen("reject", "重复意见", DAY_BEFORE, ACTOR),
    "revise": lambda s, _new: s.revise("整理后的表述。", DAY_BEFORE, ACTOR),
    "merge_into (as duplicate)": lambda s, new: s.merge_into(new(), DAY_BEFORE, ACTOR),
    "merge_into (as survivor)": lambda s, new: new(received_on=DAY_BEFORE).merge_into(
        s, DAY_BEFORE, ACTOR
    ),
}


@pytest.mark.parametrize("command", BEFORE_RECEIVED)
def test_screening_rewording_or_merging_before_the_day_received_is_refused(
    new_suggestion: NewSuggestion, command: str
) -> None:
    suggestion = new_suggestion(received_on=RECEIVED)
    before = dict(vars(suggestion))

    with pytest.raises(DateOrderError) as refused:
        BEFORE_RECEIVED[command](suggestion, new_suggestion)

    assert refused.value.field == "on"
    assert str(RECEIVED) in refused.value.message
    assert vars(suggestion) == before and suggestion.collect_events() == []


def test_a_merge_before_the_survivor_was_received_is_refused_and_changes_neither(
    new_suggestion: NewSuggestion,
) -> None:
    duplicate = new_suggestion(received_on=date(2024, 3, 1))
    survivor = new_suggestion(received_on=date(2024, 3, 10))

    with pytest.raises(DateOrderError) as refused:
        duplicate.merge_into(survivor, date(2024, 3, 5), ACTOR)

    assert refused.value.field == "on"
    assert "merged into was received (2024-03-10)" in str(refused.value)
    assert (duplicate.status, survivor.absorbed) == (Status.RECEIVED, [])
    assert duplicate.collect_events() == [] and survivor.collect_events() == []


def test_screening_on_the_day_received_is_allowed(new_suggestion: NewSuggestion) -> None:
    suggestion = new_suggestion(received_on=RECEIVED)

    suggestion.screen("accept", None, RECEIVED, ACTOR)

    assert (suggestion.status, suggestion.accepted_on) == (Status.ACCEPTED, RECEIVED)


def test_reporting_before_the_day_accepted_is_refused(new_suggestion: NewSuggestion) -> None:
    suggestion = new_suggestion(received_on=date(2024, 3, 1))
    suggestion.screen("accept", None, date(2024, 3, 10), ACTOR)
    suggestion.collect_events()

    with pytest.raises(DateOrderError) as refused:
        suggestion.report(uuid4(), date(2024, 3, 5), ACTOR)

    assert refused.value.field == "submitted_on"
    assert "accepted (2024-03-10)" in str(refused.value)
    assert suggestion.status is Status.ACCEPTED and suggestion.collect_events() == []


def test_an_outcome_before_the_report_is_refused(suggestion_in: SuggestionIn) -> None:
    suggestion = suggestion_in(Status.REPORTED)  # reported on 2024-03-31

    with pytest.raises(DateOrderError) as refused:
        suggestion.record_outcome("adopted", 1, None, date(2024, 3, 30), ACTOR)

    assert refused.value.field == "decided_on"
    assert suggestion.status is Status.REPORTED and suggestion.collect_events() == []


def test_feedback_before_the_outcome_is_refused(suggestion_in: SuggestionIn) -> None:
    suggestion = suggestion_in(Status.ADOPTED)  # decided on 2024-04-15
    suggestion.record_outcome("not_adopted", None, None, date(2024, 4, 18), ACTOR)
    suggestion.collect_events()

    with pytest.raises(DateOrderError) as refused:  # before the latest decision
        suggestion.feed_back("已采纳", date(2024, 4, 16), ACTOR)

    assert refused.value.field == "sent_on"
    assert "decided (2024-04-18)" in str(refused.value)
    assert suggestion.status is Status.NOT_ADOPTED and suggestion.collect_events() == []


def test_an_opinion_received_after_today_is_refused() -> None:
    received = Suggestion.receive(
        uuid4(),
        uuid4(),
        "征求意见稿",
        1,
        "明天才收到的意见",
        "letter",
        None,
        None,
        receipt="R-1",
        received_on=date(2024, 3, 2),
        actor=ACTOR,
        id=uuid4(),
    )

    received.require_dated_by(date(2024, 3, 2))  # today: allowed
    with pytest.raises(FutureDateError) as refused:
        received.require_dated_by(date(2024, 3, 1))

    assert refused.value.field == "received_on"
    assert "after today (2024-03-01)" in str(refused.value)


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (lambda s: s.screen("accept", None, date(2024, 4, 1), ACTOR), "on"),
        (lambda s: s.report(uuid4(), date(2024, 4, 1), ACTOR), "submitted_on"),
    ],
)
def test_a_command_dated_after_today_names_its_own_date_field(
    suggestion_in: SuggestionIn, command: Callable[[Suggestion], None], field: str
) -> None:
    suggestion = suggestion_in(Status.ACCEPTED if field == "submitted_on" else Status.RECEIVED)
    command(suggestion)

    with pytest.raises(FutureDateError) as refused:
        suggestion.require_dated_by(date(2024, 3, 31))

    assert refused.value.field == field


def test_an_opinion_recorded_before_collectors_existed_still_loads() -> None:
    fresh = Suggestion.receive(
        uuid4(),
        uuid4(),
        "一审稿",
        1,
        "意见",
        "letter",
        None,
        None,
        "R1",
        date(2021, 3, 2),
        "staff",
        uuid4(),
    )
    [received] = fresh.collect_events()
    del received.__dict__["collector_note"]  # as events recorded by an older release
    loaded = received.mutate(None)
    assert loaded is not None
    assert loaded.collector_note is None
    assert loaded.recorded_by == "staff"


# --- undoing mistakes, as new events with a reason -------------------------------------------


def test_withdrawing_a_rejection_puts_it_back_to_be_screened_and_keeps_the_history(
    suggestion_in: SuggestionIn,
) -> None:
    suggestion = suggestion_in(Status.REJECTED)

    suggestion.withdraw_rejection("看错了条文", ON, ACTOR)

    [withdrawn] = suggestion.collect_events()
    assert isinstance(withdrawn, Suggestion.RejectionWithdrawn)
    assert (withdrawn.reason, withdrawn.occurred_on) == ("看错了条文", ON)
    assert (suggestion.status, suggestion.reason) == (Status.RECEIVED, None)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_undoing_needs_a_reason(suggestion_in: SuggestionIn, reason: str | None) -> None:
    suggestion = suggestion_in(Status.REJECTED)

    with pytest.raises(InvalidValueError) as refused:
        suggestion.withdraw_rejection(reason, ON, ACTOR)  # type: ignore[arg-type]

    assert refused.value.field == "reason"
    assert suggestion.collect_events() == []


@pytest.mark.parametrize("before", UNREPORTED)
def test_unmerging_restores_both_suggestions_as_they_were(
    new_suggestion: NewSuggestion, before: Status
) -> None:
    duplicate, survivor = new_suggestion(), new_suggestion()
    if before is Status.ACCEPTED:
        duplicate.screen("accept", None, ON, ACTOR)
    duplicate.merge_into(survivor, ON, ACTOR)
    duplicate.collect_events(), survivor.collect_events()

    duplicate.unmerge_from(survivor, "并非同一意见", ON, ACTOR)

    [unmerged], [released] = duplicate.collect_events(), survivor.collect_events()
    assert isinstance(unmerged, Suggestion.Unmerged) and isinstance(released, Suggestion.Released)
    assert (unmerged.from_id, unmerged.status, unmerged.reason) == (
        survivor.id,
        before,
        "并非同一意见",
    )
    assert released.suggestion_id == duplicate.id
    assert (duplicate.status, duplicate.merged_into) == (before, None)
    assert (survivor.status, survivor.absorbed) == (Status.RECEIVED, [])
    assert status_after(unmerged) is before


def test_unmerging_is_refused_once_the_survivor_is_reported(new_suggestion: NewSuggestion) -> None:
    duplicate, survivor = new_suggestion(), new_suggestion()
    duplicate.merge_into(survivor, ON, ACTOR)
    survivor.screen("accept", None, ON, ACTOR)
    survivor.report(uuid4(), ON, ACTOR)
    duplicate.collect_events(), survivor.collect_events()

    with pytest.raises(WrongStateError):
        duplicate.unmerge_from(survivor, "并非同一意见", ON, ACTOR)

    assert duplicate.collect_events() == [] and survivor.collect_events() == []
    assert duplicate.status is Status.MERGED


def test_unmerging_from_another_than_the_survivor_is_refused(new_suggestion: NewSuggestion) -> None:
    duplicate, survivor, other = new_suggestion(), new_suggestion(), new_suggestion()
    duplicate.merge_into(survivor, ON, ACTOR)

    with pytest.raises(MismatchError):
        duplicate.unmerge_from(other, "并非同一意见", ON, ACTOR)


def test_phone_is_a_channel() -> None:
    assert Channel("phone") is Channel.PHONE
