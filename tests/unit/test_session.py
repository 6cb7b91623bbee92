"""A consultation session: scheduled, then held or cancelled; each attendee recorded once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.draft import Draft
from domain.errors import (
    DateOrderError,
    DraftClosedError,
    FutureDateError,
    InvalidValueError,
    MismatchError,
    SessionCancelledError,
    WrongStateError,
)
from domain.rules import MAX_MINUTES, MAX_PARTICIPANTS_PER_CALL, MAX_TITLE
from domain.session import ConsultationSession, SessionKind, SessionStatus

SCHEDULED_ON = date(2024, 3, 5)
STARTS_AT = datetime(2024, 3, 12, 14, 30)
HELD_ON = date(2024, 3, 12)
ACTOR = "staff:chen"


def schedule(**overrides: object) -> ConsultationSession:
    arguments: dict[str, object] = {
        "contact_point_id": uuid4(),
        "draft_ids": [uuid4()],
        "kind": "symposium",
        "title": "《某某条例（草案）》立法征询座谈会",
        "starts_at": STARTS_AT,
        "venue": "街道会议室",
        "on": SCHEDULED_ON,
        "actor": ACTOR,
    }
    arguments.update(overrides)
    return ConsultationSession.schedule(**arguments)  # type: ignore[arg-type]


def _hold(session: ConsultationSession) -> None:
    session.complete("会议纪要", HELD_ON, ACTOR)


def _cancel(session: ConsultationSession) -> None:
    session.cancel("天气原因", SCHEDULED_ON, ACTOR)


def _attend(session: ConsultationSession) -> None:
    session.record_attendance([uuid4()], HELD_ON, ACTOR)


PATHS: dict[SessionStatus, tuple[Callable[[ConsultationSession], None], ...]] = {
    SessionStatus.SCHEDULED: (),
    SessionStatus.HELD: (_hold,),
    SessionStatus.CANCELLED: (_cancel,),
}


def session_in(status: SessionStatus) -> ConsultationSession:
    session = schedule()
    for step in PATHS[status]:
        step(session)
    assert session.status is status
    session.collect_events()
    return session


# --- scheduling ------------------------------------------------------------------------------


def test_scheduling_records_the_session_as_scheduled() -> None:
    point, first, second = uuid4(), uuid4(), uuid4()

    session = schedule(contact_point_id=point, draft_ids=[first, second], venue="  会议室 ")

    [event] = session.collect_events()
    assert isinstance(event, ConsultationSession.Scheduled)
    assert (event.occurred_on, event.actor) == (SCHEDULED_ON, ACTOR)
    assert session.status is SessionStatus.SCHEDULED
    assert session.contact_point_id == point
    assert session.draft_ids == [first, second]
    assert (session.starts_at, session.venue) == (STARTS_AT, "会议室")
    assert (session.participant_ids, session.minutes, session.held_on) == ([], None, None)


@pytest.mark.parametrize("kind", list(SessionKind))
def test_scheduling_accepts_every_kind(kind: SessionKind) -> None:
    assert schedule(kind=kind.value).kind is kind


@pytest.mark.parametrize("venue", [None, "", "   "])
def test_a_session_may_have_no_venue(venue: str | None) -> None:
    assert schedule(venue=venue).venue is None


def _same_draft_twice() -> list[UUID]:
    draft = uuid4()
    return [draft, uuid4(), draft]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"draft_ids": []}, "draft_ids", id="no draft"),
        pytest.param({"draft_ids": _same_draft_twice()}, "draft_ids", id="duplicate draft ids"),
        pytest.param({"kind": "party"}, "kind", id="unknown kind"),
        pytest.param({"title": " "}, "title", id="blank title"),
        pytest.param({"title": "题" * (MAX_TITLE + 1)}, "title", id="over-long title"),
        pytest.param({"venue": "地" * (MAX_TITLE + 1)}, "venue", id="over-long venue"),
    ],
)
def test_scheduling_refuses_invalid_values_naming_the_field(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidValueError) as refused:
        schedule(**overrides)

    assert refused.value.field == field


# --- attendance ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [SessionStatus.SCHEDULED, SessionStatus.HELD])
def test_attendance_is_recorded_before_or_after_the_session_is_held(
    status: SessionStatus,
) -> None:
    session = session_in(status)
    people = [uuid4(), uuid4()]

    session.record_attendance(people, HELD_ON, ACTOR)

    [event] = session.collect_events()
    assert isinstance(event, ConsultationSession.AttendanceRecorded)
    assert (event.participant_ids, event.occurred_on, event.actor) == (people, HELD_ON, ACTOR)
    assert session.participant_ids == people


def test_people_already_recorded_produce_no_new_event() -> None:
    session = session_in(SessionStatus.SCHEDULED)
    people = [uuid4(), uuid4()]
    session.record_attendance(people, HELD_ON, ACTOR)
    session.collect_events()

    session.record_attendance(list(reversed(people)), HELD_ON, ACTOR)

    assert session.collect_events() == []
    assert session.participant_ids == people


def test_only_people_not_yet_recorded_are_added_each_once() -> None:
    session = session_in(SessionStatus.SCHEDULED)
    known, new = uuid4(), uuid4()
    session.record_attendance([known], HELD_ON, ACTOR)
    session.collect_events()

    session.record_attendance([known, new, new], HELD_ON, ACTOR)

    [event] = session.collect_events()
    assert event.participant_ids == [new]
    assert session.participant_ids == [known, new]


def test_attendance_with_an_empty_list_is_refused() -> None:
    session = session_in(SessionStatus.SCHEDULED)

    with pytest.raises(InvalidValueError) as refused:
        session.record_attendance([], HELD_ON, ACTOR)

    assert refused.value.field == "participant_ids"
    assert session.collect_events() == []


@pytest.mark.parametrize(
    ("count", "accepted"),
    [(MAX_PARTICIPANTS_PER_CALL, True), (MAX_PARTICIPANTS_PER_CALL + 1, False)],
)
def test_attendance_is_limited_per_call(count: int, accepted: bool) -> None:
    session = session_in(SessionStatus.SCHEDULED)
    people = [uuid4() for _ in range(count)]

    if accepted:
        session.record_attendance(people, HELD_ON, ACTOR)
        assert len(session.participant_ids) == count
    else:
        with pytest.raises(InvalidValueError) as refused:
            session.record_attendance(people, HELD_ON, ACTOR)
        assert refused.value.field == "participant_ids"
        assert session.participant_ids == []


def test_attendance_for_a_cancelled_session_is_refused() -> None:
    session = session_in(SessionStatus.CANCELLED)

    with pytest.raises(SessionCancelledError):
        session.record_attendance([uuid4()], HELD_ON, ACTOR)

    assert session.participant_ids == []
    assert session.collect_events() == []


# --- holding and cancelling ------------------------------------------------------------------


def test_completing_records_the_given_date_as_held_on_and_keeps_the_minutes() -> None:
    session = session_in(SessionStatus.SCHEDULED)
    held_on = date(2024, 3, 13)  # not the day planned in starts_at, nor the day recorded

    session.complete("  纪要：居民提出三条意见。 ", held_on, ACTOR)

    [event] = session.collect_events()
    assert isinstance(event, ConsultationSession.Held)
    assert (event.occurred_on, event.actor) == (held_on, ACTOR)
    assert session.status is SessionStatus.HELD
    assert session.held_on == held_on
    assert session.minutes == "纪要：居民提出三条意见。"


@pytest.mark.parametrize("minutes", [None, "", "  "])
def test_a_session_may_be_held_without_minutes(minutes: str | None) -> None:
    session = session_in(SessionStatus.SCHEDULED)

    session.complete(minutes, HELD_ON, ACTOR)

    assert (session.status, session.minutes) == (SessionStatus.HELD, None)


def test_over_long_minutes_are_refused() -> None:
    session = session_in(SessionStatus.SCHEDULED)

    with pytest.raises(InvalidValueError) as refused:
        session.complete("记" * (MAX_MINUTES + 1), HELD_ON, ACTOR)

    assert refused.value.field == "minutes"
    assert session.status is SessionStatus.SCHEDULED


def test_cancelling_records_the_reason() -> None:
    session = session_in(SessionStatus.SCHEDULED)

    session.cancel(" 场地不可用 ", SCHEDULED_ON, ACTOR)

    [event] = session.collect_events()
    assert isinstance(event, ConsultationSession.Cancelled)
    assert (event.reason, event.occurred_on, event.actor) == ("场地不可用", SCHEDULED_ON, ACTOR)
    assert session.status is SessionStatus.CANCELLED
    assert session.held_on is None


def test_a_session_may_be_cancelled_without_a_reason() -> None:
    session = session_in(SessionStatus.SCHEDULED)

    session.cancel(None, SCHEDULED_ON, ACTOR)

    [event] = session.collect_events()
    assert event.reason is None


COMMANDS: dict[str, Callable[[ConsultationSession], None]] = {
    "complete": _hold,
    "cancel": _cancel,
    "record_attendance": _attend,
}

# (command, status) -> status afterwards, or the error it is refused with.
OUTCOMES: list[tuple[str, SessionStatus, SessionStatus | type[Exception]]] = [
    ("complete", SessionStatus.SCHEDULED, SessionStatus.HELD),
    ("complete", SessionStatus.HELD, WrongStateError),
    ("complete", SessionStatus.CANCELLED, SessionCancelledError),
    ("cancel", SessionStatus.SCHEDULED, SessionStatus.CANCELLED),
    ("cancel", SessionStatus.HELD, WrongStateError),
    ("cancel", SessionStatus.CANCELLED, WrongStateError),
    ("record_attendance", SessionStatus.SCHEDULED, SessionStatus.SCHEDULED),
    ("record_attendance", SessionStatus.HELD, SessionStatus.HELD),
    ("record_attendance", SessionStatus.CANCELLED, SessionCancelledError),
]


def test_the_table_covers_every_command_in_every_status() -> None:
    assert {(c, s) for c, s, _ in OUTCOMES} == {(c, s) for c in COMMANDS for s in SessionStatus}


def _name(value: object) -> str:
    return value.__name__ if isinstance(value, type) else str(value)


@pytest.mark.parametrize(("command", "status", "expected"), OUTCOMES, ids=_name)
def test_every_command_in_every_status(
    command: str, status: SessionStatus, expected: SessionStatus | type[Exception]
) -> None:
    session = session_in(status)

    if isinstance(expected, SessionStatus):
        COMMANDS[command](session)
        assert session.status is expected
        assert len(session.collect_events()) == 1
    else:
        with pytest.raises(expected) as refused:
            COMMANDS[command](session)
        assert type(refused.value) is expected
        assert session.status is status
        assert session.collect_events() == []


def test_a_cancelled_session_refuses_completion_as_cancelled() -> None:
    session = session_in(SessionStatus.CANCELLED)

    with pytest.raises(SessionCancelledError):
        session.complete("纪要", HELD_ON, ACTOR)

    assert session.held_on is None


# --- business dates run forward --------------------------------------------------------------

DAY_BEFORE = SCHEDULED_ON - timedelta(days=1)


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (lambda s: s.complete("纪要", DAY_BEFORE, ACTOR), "held_on"),
        (lambda s: s.cancel("改期", DAY_BEFORE, ACTOR), "on"),
        (lambda s: s.record_attendance([uuid4()], DAY_BEFORE, ACTOR), "on"),
    ],
    ids=["held", "cancelled", "attended"],
)
def test_nothing_of_a_session_is_dated_before_the_day_it_was_scheduled_for(
    command: Callable[[ConsultationSession], None], field: str
) -> None:
    session = session_in(SessionStatus.SCHEDULED)

    with pytest.raises(DateOrderError) as refused:
        command(session)

    assert refused.value.field == field
    assert f"scheduled for ({SCHEDULED_ON})" in str(refused.value)
    assert (session.status, session.participant_ids) == (SessionStatus.SCHEDULED, [])
    assert session.collect_events() == []


def test_a_session_is_held_on_the_day_it_was_scheduled_for() -> None:
    session = session_in(SessionStatus.SCHEDULED)

    session.complete(None, SCHEDULED_ON, ACTOR)

    assert session.held_on == SCHEDULED_ON


def test_a_session_may_be_scheduled_ahead_but_not_held_ahead() -> None:
    today = SCHEDULED_ON - timedelta(days=7)
    session = schedule()  # for a day a week from today: a plan

    session.require_dated_by(today)
    session.collect_events()
    session.complete(None, SCHEDULED_ON, ACTOR)
    with pytest.raises(FutureDateError) as refused:  # held "tomorrow"
        session.require_dated_by(today)

    assert refused.value.field == "held_on"


def _draft(received_on: date) -> Draft:
    deadline = date(2024, 4, 30)
    return Draft.receive("条例", "municipal", "法工委", received_on, deadline, "第一条 甲。", ACTOR)


def test_a_session_is_not_dated_before_its_drafts_were_received() -> None:
    drafts = [_draft(date(2024, 3, 1)), _draft(HELD_ON + timedelta(days=1))]

    ConsultationSession.require_drafts_received(drafts[:1], HELD_ON)
    with pytest.raises(DateOrderError) as refused:
        ConsultationSession.require_drafts_received(drafts, HELD_ON)

    assert refused.value.field == "starts_at"
    assert str(HELD_ON + timedelta(days=1)) in str(refused.value)


def _session_on(draft: Draft) -> ConsultationSession:
    session = schedule(draft_ids=[draft.id])
    session.complete(None, HELD_ON, ACTOR)
    return session


@pytest.mark.parametrize(
    ("closed_on", "reopened_on", "takes_them"),
    [
        (None, None, True),  # still open
        (HELD_ON, None, True),  # closed that evening: the session's opinions came in first
        (HELD_ON - timedelta(days=1), None, False),  # closed the day before
        (HELD_ON - timedelta(days=5), HELD_ON - timedelta(days=1), True),  # open again by then
        (HELD_ON - timedelta(days=5), HELD_ON + timedelta(days=1), False),  # reopened later
    ],
)
def test_a_session_takes_no_opinions_on_a_draft_closed_before_its_day(
    closed_on: date | None, reopened_on: date | None, takes_them: bool
) -> None:
    draft = _draft(date(2024, 3, 1))
    draft.open(date(2024, 3, 1), ACTOR)
    if closed_on:
        draft.close(closed_on, ACTOR)
    if reopened_on:
        draft.open(reopened_on, ACTOR)
    session = _session_on(draft)

    if takes_them:
        session.require_takes_opinions_on(draft)
    else:
        with pytest.raises(DraftClosedError):
            session.require_takes_opinions_on(draft)


def test_a_session_takes_no_opinions_once_cancelled_nor_on_another_draft() -> None:
    draft, other = _draft(date(2024, 3, 1)), _draft(date(2024, 3, 1))
    session = schedule(draft_ids=[draft.id])

    session.require_takes_opinions_on(draft)
    with pytest.raises(MismatchError):
        session.require_takes_opinions_on(other)
    session.cancel(None, SCHEDULED_ON, ACTOR)
    with pytest.raises(SessionCancelledError):
        session.require_takes_opinions_on(draft)


# --- corrections: an attendee withdrawn, a session rescheduled --------------------------------


def test_an_attendee_ticked_by_mistake_is_withdrawn_with_the_reason() -> None:
    session = session_in(SessionStatus.HELD)
    kept, wrong = uuid4(), uuid4()
    session.record_attendance([kept, wrong], HELD_ON, ACTOR)

    session.withdraw_attendance(wrong, "勾错了", HELD_ON, ACTOR)

    assert session.participant_ids == [kept]
    withdrawn = session.collect_events()[-1]
    assert isinstance(withdrawn, ConsultationSession.AttendanceWithdrawn)
    assert (withdrawn.participant_id, withdrawn.reason) == (wrong, "勾错了")


def test_only_someone_recorded_as_present_is_withdrawn_and_with_a_reason() -> None:
    session = session_in(SessionStatus.SCHEDULED)
    present = uuid4()
    session.record_attendance([present], HELD_ON, ACTOR)

    with pytest.raises(InvalidValueError) as absent:
        session.withdraw_attendance(uuid4(), "勾错了", HELD_ON, ACTOR)
    with pytest.raises(InvalidValueError) as silent:
        session.withdraw_attendance(present, "  ", HELD_ON, ACTOR)
    assert (absent.value.field, silent.value.field) == ("participant_id", "reason")


def test_nothing_is_withdrawn_from_a_cancelled_session() -> None:
    with pytest.raises(SessionCancelledError):
        session_in(SessionStatus.CANCELLED).withdraw_attendance(uuid4(), "x", HELD_ON, ACTOR)


def test_a_scheduled_session_is_rescheduled_renamed_and_moved() -> None:
    session = session_in(SessionStatus.SCHEDULED)
    later = datetime(2024, 3, 19, 9, 0)

    session.reschedule("改期后的座谈会", "社区活动室", later, SCHEDULED_ON, ACTOR)

    assert (session.title, session.venue, session.starts_at) == (
        "改期后的座谈会",
        "社区活动室",
        later,
    )
    assert isinstance(session.collect_events()[-1], ConsultationSession.Rescheduled)


def test_rescheduling_to_the_same_details_records_nothing() -> None:
    session = session_in(SessionStatus.SCHEDULED)
    session.reschedule(session.title, session.venue, session.starts_at, SCHEDULED_ON, ACTOR)
    assert session.collect_events() == []


def test_a_session_is_not_moved_into_the_past() -> None:
    session = session_in(SessionStatus.SCHEDULED)
    with pytest.raises(InvalidValueError) as refused:
        session.reschedule("座谈会", None, datetime(2024, 3, 4, 9), SCHEDULED_ON, ACTOR)
    assert refused.value.field == "starts_at"


@pytest.mark.parametrize("status", [SessionStatus.HELD, SessionStatus.CANCELLED])
def test_only_a_scheduled_session_is_rescheduled(status: SessionStatus) -> None:
    with pytest.raises(WrongStateError):
        session_in(status).reschedule("座谈会", None, STARTS_AT, SCHEDULED_ON, ACTOR)
