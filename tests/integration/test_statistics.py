"""The figures on a hand-built scenario, worked out by hand (see the comments)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import pytest
from sqlalchemy import Connection

from liaison.bootstrap import Liaison
from liaison.rights import operator
from projections.statistics import Figures, Period, figures, ranking
from tests.conftest import FixedClock

MARCH = Period(date(2021, 3, 1), date(2021, 3, 31))
APRIL = Period(date(2021, 4, 1), date(2021, 4, 30))
TEXT = "第一条　总则。\n第二条　细则。"


@pytest.fixture
def clock() -> FixedClock:
    """The last day of April: nothing of the scenario may be dated after today."""
    return FixedClock(date(2021, 4, 30))


def _session(liaison: Liaison, cp: UUID, drafts: list[UUID], day: date, people: list[UUID]) -> UUID:
    app = liaison.app
    session = app.schedule_session(
        cp, drafts, "symposium", "座谈会", datetime(day.year, day.month, day.day, 9), operator("s")
    )
    if people:
        app.record_attendance(session.id, people, operator("s"))
    return session.id


@pytest.fixture
def scenario(liaison: Liaison) -> dict[str, UUID]:
    app = liaison.app
    a = app.designate_contact_point("A 街道", "普陀区", operator("admin")).id
    b = app.designate_contact_point("B 镇", "金山区", operator("admin")).id
    n1, m1, m2, d1 = (
        app.receive_draft(title, level, issuer, on, date(2021, 4, 30), TEXT, operator("admin")).id
        for title, level, issuer, on in [
            ("N1", "national", "法工委", date(2021, 2, 20)),
            ("M1", "municipal", "市人大", date(2021, 2, 25)),
            ("M2", "municipal", "市人大", date(2021, 2, 26)),
            ("D1", "district", "区人大", date(2021, 3, 2)),
        ]
    )
    p1, p2, p3, p4 = (
        app.register_participant(a, f"居民{i}", "resident", operator("s")).id for i in range(4)
    )
    q1 = app.register_participant(b, "居民Q", "resident", operator("s")).id

    # A's sessions: S1 on the first day and S2 on the last day of March count (edges are
    # inclusive); S3 is cancelled; S4 is held in April; S5 in February. Ticked by mistake and
    # withdrawn: p3 at S1 before it was held, p1 at S4 after it was held (neither counts).
    s1 = _session(liaison, a, [n1], date(2021, 3, 1), [p1, p2, p3])
    app.withdraw_attendance(s1, p3, "勾错了", operator("s"), on=date(2021, 3, 1))
    app.complete_session(s1, operator("s"))
    s2 = _session(liaison, a, [m1, m2], date(2021, 3, 31), [p2, p3])
    app.complete_session(s2, operator("s"))
    s3 = _session(liaison, a, [d1], date(2021, 3, 15), [p4])
    app.cancel_session(s3, operator("s"))
    s4 = _session(liaison, a, [m1], date(2021, 4, 1), [p4, p1])
    app.complete_session(s4, operator("s"))
    app.withdraw_attendance(s4, p1, "p1 未到会", operator("s"), on=date(2021, 4, 2))
    s5 = _session(liaison, a, [n1], date(2021, 2, 28), [p1])
    app.complete_session(s5, operator("s"))
    s6 = _session(liaison, b, [m1], date(2021, 3, 10), [q1])
    app.complete_session(s6, operator("s"))

    received: dict[UUID, date] = {}

    def suggestion(
        cp: UUID, draft: UUID, day: date, by: UUID | None = None, channel: str = "letter"
    ) -> UUID:
        made = app.record_suggestion(
            cp,
            draft,
            f"意见 {day}",
            channel,
            operator("s"),
            article=1,
            participant_id=by,
            received_on=day,
        ).id
        received[made] = day
        return made

    g1 = suggestion(a, n1, date(2021, 3, 1), p1)
    g2 = suggestion(a, n1, date(2021, 3, 5), channel="online")
    g3 = suggestion(a, m1, date(2021, 3, 10), p4)
    g4 = suggestion(a, m1, date(2021, 3, 31), channel="collector")
    g5 = suggestion(a, m2, date(2021, 2, 27))
    g6 = suggestion(a, m2, date(2021, 3, 12))
    h1 = suggestion(b, m1, date(2021, 3, 11), q1)

    app.merge_suggestion(g2, g1, operator("s"))
    app.screen_suggestion(g3, "reject", operator("s"), reason="与草案无关")
    for accepted in (g1, g4, g5, g6, h1):  # accepted the day received, reported later
        app.screen_suggestion(accepted, "accept", operator("s"), on=received[accepted])
    app.submit_report(a, n1, [g1], date(2021, 3, 20), operator("s"))
    app.submit_report(a, m1, [g4], date(2021, 4, 2), operator("s"))
    app.submit_report(a, m2, [g5, g6], date(2021, 3, 15), operator("s"))
    app.submit_report(b, m1, [h1], date(2021, 3, 25), operator("s"))
    app.record_outcome(g1, "adopted", operator("congress"), final_article=1)
    app.record_outcome(g4, "partially_adopted", operator("congress"))
    app.record_outcome(g5, "not_adopted", operator("congress"))
    app.record_outcome(h1, "adopted", operator("congress"))
    app.send_feedback(g1, "已采纳", operator("s"))  # fed back: still counted as adopted
    return {"a": a, "b": b}


def _figures(liaison: Liaison, cp: UUID | None, period: Period) -> Figures:
    with liaison.engine.connect() as conn:
        return figures(conn, cp, period)


def test_one_contact_point_in_march(liaison: Liaison, scenario: dict[str, UUID]) -> None:
    result = _figures(liaison, scenario["a"], MARCH).as_dict()

    assert result == {
        # N1 (S1, g1, g2), M1 (S2, g3, g4), M2 (S2, g6); D1 only had a cancelled session
        "drafts": {"total": 3, "national": 1, "municipal": 2, "district": 0},
        "sessions": 2,  # S1 and S2; not the cancelled S3, April's S4 or February's S5
        "attendances": 4,  # p1, p2 at S1; p2, p3 at S2
        "participants": 4,  # p1, p2, p3 attended; p4 wrote g3 (p1 also wrote g1)
        "suggestions": {
            "received": 5,  # g1, g2 (merged, still received), g3, g4, g6; g5 came in February
            "merged": 1,
            "rejected": 1,
            "reported": 3,  # g1 (20 March), g5 and g6 (15 March); g4 went up on 2 April
            "adopted": 1,
            "partially_adopted": 0,
            "not_adopted": 1,
            "awaiting_outcome": 1,  # g6
        },
        "adopted_total": 1,
        "adoption_rate": 0.3333,
        "decided_persons": 3,  # g1 with g2 merged into it, g5; g6 awaits its decision
        "fed_back": 2,  # g1's feedback told g2's person too
        "feedback_rate": 0.6667,
    }


def test_all_contact_points_in_march(liaison: Liaison, scenario: dict[str, UUID]) -> None:
    result = _figures(liaison, None, MARCH)

    assert result.drafts == {"total": 3, "national": 1, "municipal": 2, "district": 0}
    assert (result.sessions, result.attendances, result.participants) == (3, 5, 5)
    assert result.suggestions["received"] == 6
    assert result.suggestions["reported"] == 4
    assert result.adopted_total == 2
    assert result.adoption_rate == 0.5


def test_april_counts_what_went_up_in_april(liaison: Liaison, scenario: dict[str, UUID]) -> None:
    result = _figures(liaison, scenario["a"], APRIL)

    assert result.sessions == 1 and result.attendances == 1  # S4: p1 was withdrawn
    assert result.participants == 1  # p4 only, in the day's, month's and year's buckets
    day = _figures(liaison, scenario["a"], Period(date(2021, 4, 1), date(2021, 4, 1)))
    assert (day.attendances, day.participants) == (1, 1)
    assert result.suggestions["received"] == 0
    assert result.suggestions["reported"] == 1 and result.suggestions["partially_adopted"] == 1
    assert result.drafts["total"] == 1  # M1, through S4


def test_nothing_reported_means_a_rate_of_zero(liaison: Liaison, scenario: dict[str, UUID]) -> None:
    result = _figures(liaison, scenario["a"], Period(date(2021, 2, 1), date(2021, 2, 28)))

    assert result.suggestions["reported"] == 0
    assert result.adoption_rate == 0
    assert result.sessions == 1 and result.suggestions["received"] == 1  # S5 and g5


def test_ranking_orders_by_reported_then_adopted(
    liaison: Liaison, scenario: dict[str, UUID]
) -> None:
    with liaison.engine.connect() as conn:
        march = ranking(conn, MARCH)
        april = ranking(conn, APRIL)

    assert [(r["name"], r["reported"], r["adopted_total"]) for r in march] == [
        ("A 街道", 3, 1),
        ("B 镇", 1, 1),
    ]
    assert [(r["name"], r["reported"], r["adopted_total"]) for r in april] == [
        ("A 街道", 1, 1),
        ("B 镇", 0, 0),
    ]


def test_an_event_applied_twice_counts_once(liaison: Liaison, scenario: dict[str, UUID]) -> None:
    before = _figures(liaison, None, MARCH)
    notifications = liaison.app.recorder.select_notifications(start=None, limit=10_000)

    with liaison.engine.begin() as conn:
        liaison.projector.apply(conn, notifications)
    caught_up = liaison.projector.catch_up()

    assert caught_up == 0
    assert _figures(liaison, None, MARCH) == before


def test_a_rebuild_gives_identical_figures(liaison: Liaison, scenario: dict[str, UUID]) -> None:
    def everything(conn: Connection) -> list[object]:
        return [
            figures(conn, cp, p)
            for cp in (None, scenario["a"], scenario["b"])
            for p in (MARCH, APRIL, Period())
        ] + [ranking(conn, MARCH)]

    with liaison.engine.connect() as conn:
        before = everything(conn)
    replayed = liaison.projector.rebuild()
    with liaison.engine.connect() as conn:
        after = everything(conn)

    assert replayed == liaison.app.recorder.max_notification_id()
    assert after == before


def test_the_read_model_is_current_when_a_command_returns(liaison: Liaison) -> None:
    cp = liaison.app.designate_contact_point("C 街道", "普陀区", operator("admin"))

    with liaison.engine.connect() as conn:
        assert [r["name"] for r in ranking(conn)] == ["C 街道"]
    assert liaison.projector.position() == liaison.app.recorder.max_notification_id()
    assert cp.name == "C 街道"
