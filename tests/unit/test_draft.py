"""A draft: received with its articles, opened and closed for comments, revised, enacted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from domain.draft import FINAL_LABEL, FIRST_LABEL, Draft, DraftLevel, DraftStatus
from domain.errors import (
    DateOrderError,
    FutureDateError,
    InvalidValueError,
    UnknownArticleError,
    WrongStateError,
)
from domain.rules import MAX_LABEL, MAX_TITLE

NewDraft = Callable[..., Draft]

ON = date(2024, 3, 10)
ACTOR = "staff:li"
READING_TEXT = "第一条 总则。\n第二条 新增的条文。\n第三条 施行日期。"
FINAL_TEXT = "第一条 总则（通过）。\n第二条 施行日期（通过）。"


# --- receiving -------------------------------------------------------------------------------


def test_receiving_parses_the_text_into_a_first_version_with_its_articles(
    new_draft: NewDraft,
) -> None:
    draft = new_draft(
        text="\n".join(
            [
                "关于某某的决定（草案）",
                "第一章 总则",
                "第一条 为了规范。",
                "第二条 适用范围。",
                "第二款内容。",
            ]
        )
    )

    assert draft.status is DraftStatus.RECEIVED
    assert len(draft.versions) == 1
    version = draft.current
    assert version.label == FIRST_LABEL
    assert version.on == draft.received_on
    assert version.preamble == "关于某某的决定（草案）"
    assert [(a.number, a.heading, a.text, a.chapter) for a in version.articles] == [
        (1, "第一条", "为了规范。", "第一章 总则"),
        (2, "第二条", "适用范围。\n第二款内容。", "第一章 总则"),
    ]


def test_receiving_records_one_received_event_with_business_date_and_actor(
    new_draft: NewDraft,
) -> None:
    draft = new_draft(received_on=date(2024, 3, 1), actor="staff:zhao")

    [event] = draft.collect_events()

    assert isinstance(event, Draft.Received)
    assert (event.occurred_on, event.actor) == (date(2024, 3, 1), "staff:zhao")
    assert draft.received_on == date(2024, 3, 1)


def test_receiving_keeps_a_given_label_and_strips_title_and_issuer(new_draft: NewDraft) -> None:
    draft = new_draft(title="  某某条例（草案）  ", issuer=" 法工委 ", label="一审稿")

    assert (draft.title, draft.issuer) == ("某某条例（草案）", "法工委")
    assert draft.current.label == "一审稿"


@pytest.mark.parametrize("level", list(DraftLevel))
def test_receiving_accepts_every_level(new_draft: NewDraft, level: DraftLevel) -> None:
    assert new_draft(level=level.value).level is level


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"level": "provincial"}, "level", id="unknown level"),
        pytest.param({"level": "National"}, "level", id="level is case sensitive"),
        pytest.param({"title": ""}, "title", id="empty title"),
        pytest.param({"title": "   "}, "title", id="blank title"),
        pytest.param({"title": "题" * (MAX_TITLE + 1)}, "title", id="over-long title"),
        pytest.param({"issuer": " "}, "issuer", id="blank issuer"),
        pytest.param({"label": ""}, "label", id="blank label"),
        pytest.param({"label": "稿" * (MAX_LABEL + 1)}, "label", id="over-long label"),
        pytest.param({"text": " \n "}, "text", id="blank text"),
        pytest.param({"text": "第一条 甲。\n第一条 乙。"}, "text", id="duplicate article numbers"),
        pytest.param(
            {"received_on": date(2024, 3, 1), "deadline": date(2024, 2, 29)},
            "deadline",
            id="deadline before received_on",
        ),
    ],
)
def test_receiving_refuses_invalid_values_naming_the_field(
    new_draft: NewDraft, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidValueError) as refused:
        new_draft(**overrides)

    assert refused.value.field == field


def test_receiving_accepts_a_title_of_exactly_the_limit(new_draft: NewDraft) -> None:
    assert new_draft(title="题" * MAX_TITLE).title == "题" * MAX_TITLE


def test_receiving_accepts_a_deadline_on_the_day_received(new_draft: NewDraft) -> None:
    draft = new_draft(received_on=date(2024, 3, 1), deadline=date(2024, 3, 1))

    assert draft.deadline == date(2024, 3, 1)


def test_text_without_article_headings_is_one_article(new_draft: NewDraft) -> None:
    draft = new_draft(text="只有一段文字，没有条文标题。")

    [article] = draft.current.articles
    assert (article.number, article.text) == (1, "只有一段文字，没有条文标题。")


# --- state machine ---------------------------------------------------------------------------


def _open(draft: Draft) -> None:
    draft.open(ON, ACTOR)


def _close(draft: Draft) -> None:
    draft.close(ON, ACTOR)


def _add_version(draft: Draft) -> None:
    draft.add_version("二审稿", READING_TEXT, ON, ACTOR)


def _enact(draft: Draft) -> None:
    draft.enact(FINAL_TEXT, ON, ACTOR)


COMMANDS: dict[str, Callable[[Draft], None]] = {
    "open": _open,
    "close": _close,
    "add_version": _add_version,
    "enact": _enact,
}

# How to bring a fresh draft into each status, through commands.
PATHS: dict[DraftStatus, tuple[Callable[[Draft], None], ...]] = {
    DraftStatus.RECEIVED: (),
    DraftStatus.OPEN: (_open,),
    DraftStatus.CLOSED: (_open, _close),
    DraftStatus.ENACTED: (_enact,),
}

# (command, status before) -> status after; pairs not listed are refused with WrongStateError.
ALLOWED: dict[tuple[str, DraftStatus], tuple[DraftStatus, type[Draft.Event]]] = {
    ("open", DraftStatus.RECEIVED): (DraftStatus.OPEN, Draft.Opened),
    ("open", DraftStatus.CLOSED): (DraftStatus.OPEN, Draft.Opened),
    ("close", DraftStatus.OPEN): (DraftStatus.CLOSED, Draft.Closed),
    ("add_version", DraftStatus.RECEIVED): (DraftStatus.RECEIVED, Draft.VersionAdded),
    ("add_version", DraftStatus.OPEN): (DraftStatus.OPEN, Draft.VersionAdded),
    ("add_version", DraftStatus.CLOSED): (DraftStatus.CLOSED, Draft.VersionAdded),
    ("enact", DraftStatus.RECEIVED): (DraftStatus.ENACTED, Draft.Enacted),
    ("enact", DraftStatus.OPEN): (DraftStatus.ENACTED, Draft.Enacted),
    ("enact", DraftStatus.CLOSED): (DraftStatus.ENACTED, Draft.Enacted),
}

EVERY_CASE = [(command, status) for command in COMMANDS for status in DraftStatus]


def draft_in(new_draft: NewDraft, status: DraftStatus) -> Draft:
    draft = new_draft()
    for step in PATHS[status]:
        step(draft)
    assert draft.status is status
    draft.collect_events()
    return draft


@pytest.mark.parametrize(
    ("command", "status"),
    [case for case in EVERY_CASE if case in ALLOWED],
    ids=lambda v: str(v),
)
def test_allowed_transition_records_one_event_and_moves_the_status(
    new_draft: NewDraft, command: str, status: DraftStatus
) -> None:
    draft = draft_in(new_draft, status)
    expected_status, expected_event = ALLOWED[command, status]

    COMMANDS[command](draft)

    [event] = draft.collect_events()
    assert isinstance(event, expected_event)
    assert (event.occurred_on, event.actor) == (ON, ACTOR)
    assert draft.status is expected_status


@pytest.mark.parametrize(
    ("command", "status"),
    [case for case in EVERY_CASE if case not in ALLOWED],
    ids=lambda v: str(v),
)
def test_refused_transition_raises_wrong_state_and_changes_nothing(
    new_draft: NewDraft, command: str, status: DraftStatus
) -> None:
    draft = draft_in(new_draft, status)
    versions_before = list(draft.versions)

    with pytest.raises(WrongStateError):
        COMMANDS[command](draft)

    assert draft.status is status
    assert draft.versions == versions_before
    assert draft.collect_events() == []


def test_a_closed_draft_can_be_reopened_for_a_later_reading(new_draft: NewDraft) -> None:
    draft = new_draft()
    draft.open(date(2024, 3, 2), ACTOR)
    draft.close(date(2024, 3, 31), ACTOR)
    draft.add_version("二审稿", READING_TEXT, date(2024, 5, 1), ACTOR)

    draft.open(date(2024, 5, 2), ACTOR)

    assert draft.status is DraftStatus.OPEN
    assert [type(e) for e in draft.collect_events()] == [
        Draft.Received,
        Draft.Opened,
        Draft.Closed,
        Draft.VersionAdded,
        Draft.Opened,
    ]


# --- versions --------------------------------------------------------------------------------


def test_adding_a_version_appends_it_as_current_with_its_own_articles(new_draft: NewDraft) -> None:
    draft = new_draft()

    draft.add_version("  二审稿 ", READING_TEXT, ON, ACTOR)

    assert [v.label for v in draft.versions] == [FIRST_LABEL, "二审稿"]
    assert draft.current.on == ON
    assert [a.number for a in draft.current.articles] == [1, 2, 3]
    assert draft.consulted == draft.current


@pytest.mark.parametrize("label", [FIRST_LABEL, f" {FIRST_LABEL} "])
def test_adding_a_version_with_a_label_already_used_is_refused(
    new_draft: NewDraft, label: str
) -> None:
    draft = new_draft()
    draft.collect_events()

    with pytest.raises(InvalidValueError) as refused:
        draft.add_version(label, READING_TEXT, ON, ACTOR)

    assert refused.value.field == "label"
    assert len(draft.versions) == 1
    assert draft.collect_events() == []


def test_adding_a_second_reading_twice_is_refused_the_second_time(new_draft: NewDraft) -> None:
    draft = new_draft()
    draft.add_version("二审稿", READING_TEXT, ON, ACTOR)

    with pytest.raises(InvalidValueError, match="label"):
        draft.add_version("二审稿", FINAL_TEXT, ON, ACTOR)


@pytest.mark.parametrize(
    ("label", "text", "field"),
    [
        ("", READING_TEXT, "label"),
        ("稿" * (MAX_LABEL + 1), READING_TEXT, "label"),
        ("二审稿", "  ", "text"),
        ("二审稿", "第二条 甲。\n第二条 乙。", "text"),
    ],
)
def test_adding_a_version_refuses_invalid_values(
    new_draft: NewDraft, label: str, text: str, field: str
) -> None:
    draft = new_draft()

    with pytest.raises(InvalidValueError) as refused:
        draft.add_version(label, text, ON, ACTOR)

    assert refused.value.field == field
    assert len(draft.versions) == 1


def test_a_reading_may_not_take_the_final_label_so_no_two_versions_share_one(
    new_draft: NewDraft,
) -> None:
    draft = new_draft()

    with pytest.raises(InvalidValueError) as refused:
        draft.add_version(FINAL_LABEL, READING_TEXT, ON, ACTOR)
    draft.enact(FINAL_TEXT, ON, ACTOR)

    assert refused.value.field == "label"
    assert [v.label for v in draft.versions] == [FIRST_LABEL, FINAL_LABEL]


# --- enactment -------------------------------------------------------------------------------


def test_enacting_records_the_final_text_and_keeps_the_consulted_version(
    new_draft: NewDraft,
) -> None:
    draft = new_draft()
    draft.open(ON, ACTOR)
    draft.add_version("二审稿", READING_TEXT, ON, ACTOR)
    draft.close(ON, ACTOR)
    enacted_on = date(2024, 6, 1)

    draft.enact(FINAL_TEXT, enacted_on, ACTOR)

    assert draft.status is DraftStatus.ENACTED
    assert draft.enacted_on == enacted_on
    assert (draft.current.label, draft.current.on) == (FINAL_LABEL, enacted_on)
    assert [a.number for a in draft.current.articles] == [1, 2]
    assert draft.consulted.label == "二审稿"
    assert [a.number for a in draft.consulted.articles] == [1, 2, 3]


def test_before_enactment_consulted_and_current_are_the_latest_version(
    new_draft: NewDraft,
) -> None:
    draft = new_draft()

    assert draft.consulted is draft.current is draft.versions[0]
    assert draft.enacted_on is None


def test_enacting_a_draft_received_and_never_revised_keeps_the_first_version_as_consulted(
    new_draft: NewDraft,
) -> None:
    draft = new_draft()

    draft.enact(FINAL_TEXT, ON, ACTOR)

    assert draft.consulted.label == FIRST_LABEL
    assert draft.current.label == FINAL_LABEL


def test_enacting_before_the_draft_was_received_is_refused(new_draft: NewDraft) -> None:
    draft = new_draft(received_on=date(2024, 3, 1))
    draft.collect_events()

    with pytest.raises(InvalidValueError) as refused:
        draft.enact(FINAL_TEXT, date(2024, 3, 1) - timedelta(days=1), ACTOR)

    assert refused.value.field == "enacted_on"
    assert draft.status is DraftStatus.RECEIVED
    assert draft.collect_events() == []


def test_enacting_with_blank_text_is_refused(new_draft: NewDraft) -> None:
    draft = new_draft()

    with pytest.raises(InvalidValueError, match="text"):
        draft.enact("   ", ON, ACTOR)

    assert draft.status is DraftStatus.RECEIVED


# --- articles --------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [None, 1, 2])
def test_require_article_accepts_none_or_an_article_of_the_current_version(
    new_draft: NewDraft, number: int | None
) -> None:
    new_draft().require_article(number)


@pytest.mark.parametrize("number", [0, 3, 99])
def test_require_article_refuses_an_unknown_article(new_draft: NewDraft, number: int) -> None:
    with pytest.raises(UnknownArticleError):
        new_draft().require_article(number)


def test_require_article_follows_the_current_version(new_draft: NewDraft) -> None:
    draft = new_draft()
    with pytest.raises(UnknownArticleError):
        draft.require_article(3)

    draft.add_version("二审稿", READING_TEXT, ON, ACTOR)

    draft.require_article(3)


def test_a_version_looks_up_an_article_by_number(new_draft: NewDraft) -> None:
    version = new_draft().current

    assert version.article(2).heading == "第二条"
    with pytest.raises(UnknownArticleError, match="3"):
        version.article(3)


# --- business dates run forward --------------------------------------------------------------

RECEIVED = date(2024, 3, 1)
DAY_BEFORE = RECEIVED - timedelta(days=1)


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (lambda d: d.open(DAY_BEFORE, ACTOR), "on"),
        (lambda d: d.add_version("二审稿", READING_TEXT, DAY_BEFORE, ACTOR), "on"),
        (lambda d: d.enact(FINAL_TEXT, DAY_BEFORE, ACTOR), "enacted_on"),
    ],
    ids=["opened", "new version", "enacted"],
)
def test_nothing_of_a_draft_is_dated_before_the_day_it_was_received(
    new_draft: NewDraft, command: Callable[[Draft], None], field: str
) -> None:
    draft = new_draft(received_on=RECEIVED)
    draft.collect_events()

    with pytest.raises(DateOrderError) as refused:
        command(draft)

    assert refused.value.field == field
    assert f"received ({RECEIVED})" in str(refused.value)
    assert (draft.status, len(draft.versions)) == (DraftStatus.RECEIVED, 1)
    assert draft.collect_events() == []


def test_closing_before_the_day_received_is_refused(new_draft: NewDraft) -> None:
    draft = new_draft(received_on=RECEIVED)
    draft.open(RECEIVED, ACTOR)
    draft.collect_events()

    with pytest.raises(DateOrderError):
        draft.close(DAY_BEFORE, ACTOR)

    assert draft.status is DraftStatus.OPEN and draft.collect_events() == []


def test_an_opinion_or_session_is_not_dated_before_its_draft_was_received(
    new_draft: NewDraft,
) -> None:
    draft = new_draft(received_on=RECEIVED)

    draft.require_received_by("received_on", RECEIVED)
    with pytest.raises(DateOrderError) as refused:
        draft.require_received_by("received_on", DAY_BEFORE)

    assert refused.value.field == "received_on"


def test_closed_before_follows_the_openings_and_closings_by_date(new_draft: NewDraft) -> None:
    draft = new_draft(received_on=RECEIVED)
    draft.open(date(2024, 3, 2), ACTOR)
    draft.close(date(2024, 3, 10), ACTOR)
    draft.open(date(2024, 4, 1), ACTOR)  # a later reading
    draft.enact(FINAL_TEXT, date(2024, 5, 1), ACTOR)

    closed = {
        day: draft.closed_before(date(2024, *day))
        for day in [(3, 1), (3, 10), (3, 11), (4, 1), (4, 2), (5, 1), (5, 2)]
    }

    assert closed == {
        (3, 1): False,  # received, not yet open: not closed either
        (3, 10): False,  # closed that day: the day still counts
        (3, 11): True,
        (4, 1): True,
        (4, 2): False,
        (5, 1): False,
        (5, 2): True,  # enacted
    }


def test_a_draft_enacted_after_today_is_refused(new_draft: NewDraft) -> None:
    draft = new_draft(received_on=RECEIVED)
    draft.enact(FINAL_TEXT, date(2024, 3, 20), ACTOR)

    draft.require_dated_by(date(2024, 3, 20))
    with pytest.raises(FutureDateError) as refused:
        draft.require_dated_by(date(2024, 3, 19))

    assert refused.value.field == "enacted_on"
