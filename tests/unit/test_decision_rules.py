"""The congress's decisions on a report: every ruling checked before any suggestion changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID, uuid4

import pytest

from domain.decisions import AlreadyDecidedError, DecisionsRefusedError, Ruling, decide
from domain.report import Report
from domain.suggestion import Status, Suggestion

ON = date(2024, 5, 10)
ARTICLES = {1, 2, 3}


@pytest.fixture
def reported(
    new_suggestion: Callable[..., Suggestion], contact_point_id: UUID, draft_id: UUID
) -> tuple[Report, dict[UUID, Suggestion]]:
    suggestions = [new_suggestion() for _ in range(3)]
    for s in suggestions:
        s.screen("accept", None, date(2024, 3, 20), "staff")
    report = Report.submit(contact_point_id, draft_id, suggestions, date(2024, 3, 28), "staff")
    for s in suggestions:
        s.collect_events()
    return report, {s.id: s for s in suggestions}


def test_every_ruling_is_recorded_with_who_decided(
    reported: tuple[Report, dict[UUID, Suggestion]],
) -> None:
    report, carried = reported
    a, b, _c = carried

    changed = decide(
        report,
        carried,
        [Ruling(a, "adopted", 2, " 写入第二条 "), Ruling(b, "not_adopted")],
        ARTICLES,
        set(),
        ON,
        "congress:li",
    )

    assert [s.id for s in changed] == [a, b]
    assert (carried[a].status, carried[a].final_article, carried[a].note) == (
        Status.ADOPTED,
        2,
        "写入第二条",
    )
    [event] = carried[a].collect_events()
    assert (event.actor, event.occurred_on) == ("congress:li", ON)


def test_one_bad_ruling_changes_no_suggestion_and_each_is_named(
    reported: tuple[Report, dict[UUID, Suggestion]],
) -> None:
    report, carried = reported
    a, b, c = carried
    stranger, lost = uuid4(), uuid4()

    with pytest.raises(DecisionsRefusedError) as refused:
        decide(
            report,
            carried,
            [
                Ruling(a, "adopted"),
                Ruling(b, "maybe"),
                Ruling(c, "adopted", final_article=9),
                Ruling(stranger, "adopted"),
                Ruling(lost, "adopted"),
                Ruling(a, "adopted"),
                Ruling(c, "adopted", note="长" * 1001),
            ],
            ARTICLES,
            {lost},
            ON,
            "congress",
        )

    assert [(p.index, p.field) for p in refused.value.problems] == [
        (1, "outcome"),
        (2, "final_article"),
        (3, "suggestion_id"),
        (4, "suggestion_id"),
        (5, "suggestion_id"),
        (6, "suggestion_id"),
        (6, "note"),
    ]
    assert all(s.status is Status.REPORTED and not s.collect_events() for s in carried.values())


def test_deciding_again_the_same_way_changes_nothing_and_otherwise_is_refused(
    reported: tuple[Report, dict[UUID, Suggestion]],
) -> None:
    report, carried = reported
    a, b, _c = carried
    decide(report, carried, [Ruling(a, "adopted", 1)], ARTICLES, set(), ON, "congress")
    carried[a].collect_events()

    assert decide(report, carried, [Ruling(a, "adopted", 1)], ARTICLES, set(), ON, "x") == []
    with pytest.raises(AlreadyDecidedError) as clash:
        decide(
            report,
            carried,
            [Ruling(b, "adopted"), Ruling(a, "adopted", 2)],
            ARTICLES,
            set(),
            ON,
            "congress",
        )
    assert clash.value.suggestion_ids == [a]
    assert carried[b].status is Status.REPORTED and not carried[b].collect_events()
