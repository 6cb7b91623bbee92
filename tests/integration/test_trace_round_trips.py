"""A page of the trace costs the same few statements whatever the number of articles, and
what those statements fold together (the adoptions with the counts; on PostgreSQL the
suggestions merged into each shown one with its page) comes back as it did when each was
asked for alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, event

from liaison.bootstrap import Liaison
from liaison.rights import Actor, Role, operator
from tests.records import consultation, two_contact_points

ARTICLES = 30
TEXT = "\n".join(f"第{n}条　第{n}条的内容。" for n in range(1, ARTICLES + 1))
CONGRESS = Actor("congress", Role.CONGRESS)
STAFF = operator("s")


@contextmanager
def selects(engine: Engine) -> Iterator[list[str]]:
    """The SELECT statements sent on ``engine`` meanwhile."""
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _said(liaison: Liaison, cp: UUID, draft_id: UUID, words: str, day: int, **more: Any) -> UUID:
    on = date(2021, 3, 1) + timedelta(days=day)
    return liaison.app.record_suggestion(
        cp, draft_id, words, "letter", STAFF, received_on=on, **more
    ).id


def test_a_page_of_every_article_is_three_statements_at_most(liaison: Liaison) -> None:
    cp, draft_id = consultation(liaison.app, TEXT)
    for n in range(1, ARTICLES + 1):
        for day in range(3):
            _said(liaison, cp, draft_id, f"第{n}条意见{day}", day, article=n)
    _said(liaison, cp, draft_id, "整体意见", 1)
    draft = liaison.app.draft(CONGRESS, draft_id)

    with selects(liaison.engine) as sent:
        traced = liaison.queries.trace(CONGRESS, draft, cp, limit=2)

    # counts with adoptions, the numbered articles' pages (with what was merged into them
    # on PostgreSQL), the general page, and on SQLite what was merged into the shown ones
    assert len(sent) <= 4, sent
    assert [len(a["suggestions"]) for a in traced["articles"]] == [2] * ARTICLES
    assert [s["content"] for s in traced["general"]] == ["整体意见"]
    assert traced["suggestion_count"] == 3 * ARTICLES + 1


def test_a_page_without_general_suggestions_is_two_or_three_statements(
    liaison: Liaison,
) -> None:
    cp, draft_id = consultation(liaison.app, TEXT)
    for n in range(1, ARTICLES + 1):
        _said(liaison, cp, draft_id, f"第{n}条意见", 0, article=n)
    draft = liaison.app.draft(CONGRESS, draft_id)

    with selects(liaison.engine) as sent:
        liaison.queries.trace(CONGRESS, draft, cp, limit=5)

    assert len(sent) == (2 if liaison.engine.dialect.name == "postgresql" else 3), sent


def test_merged_suggestions_stand_under_their_survivor_in_the_order_received(
    liaison: Liaison,
) -> None:
    cp, draft_id = consultation(liaison.app, TEXT)
    survivor = _said(liaison, cp, draft_id, "保留的意见", 0, article=2)
    late = _said(liaison, cp, draft_id, "较晚的重复", 9, article=2)
    early = _said(liaison, cp, draft_id, "较早的重复", 3, article=2)
    middle = _said(liaison, cp, draft_id, "中间的重复", 6, article=2)
    liaison.app.merge_suggestions([late, early, middle], survivor, STAFF)
    draft = liaison.app.draft(CONGRESS, draft_id)

    paged = liaison.queries.trace(CONGRESS, draft, cp, limit=5)  # the page's own query
    whole = liaison.queries.trace(CONGRESS, draft, cp)  # every suggestion, read apart
    wall = liaison.queries.trace(CONGRESS, draft, None, limit=1)

    expected = [str(early), str(middle), str(late)]
    for traced in (paged, whole, wall):
        shown = {s["id"]: s for s in traced["articles"][1]["suggestions"]}
        assert shown[str(survivor)]["absorbed"] == expected
    assert {s["merged_into"] for s in whole["articles"][1]["suggestions"]} == {
        None,
        str(survivor),
    }


def test_the_trace_counts_the_adoptions_of_the_point_asked_about(liaison: Liaison) -> None:
    app = liaison.app
    cp_a, cp_b = two_contact_points(app)
    draft_id = consultation(app, TEXT)[1]
    adopted = [_said(liaison, cp_a, draft_id, f"意见{i}", i, article=1) for i in range(3)]
    elsewhere = _said(liaison, cp_b, draft_id, "另一处的意见", 1, article=1)
    draft = app.draft(CONGRESS, draft_id)
    before = liaison.queries.trace(CONGRESS, draft, cp_a, limit=5)

    for suggestion_id in [*adopted, elsewhere]:
        app.screen_suggestion(suggestion_id, "accept", STAFF, on=date(2021, 3, 10))
    app.submit_report(cp_a, draft_id, adopted, date(2021, 3, 12), STAFF)
    app.submit_report(cp_b, draft_id, [elsewhere], date(2021, 3, 12), STAFF)
    for outcome, suggestion_id in zip(
        ("adopted", "partially_adopted", "not_adopted"), adopted, strict=True
    ):
        app.record_outcome(suggestion_id, outcome, CONGRESS, decided_on=date(2021, 3, 14))
    app.record_outcome(elsewhere, "adopted", CONGRESS, decided_on=date(2021, 3, 14))

    assert before["adopted_total"] == 0
    assert liaison.queries.trace(CONGRESS, draft, cp_a, limit=5)["adopted_total"] == 2
    assert liaison.queries.trace(CONGRESS, draft, cp_b, limit=5)["adopted_total"] == 1
    assert liaison.queries.trace(CONGRESS, draft, None, limit=5)["adopted_total"] == 3
    assert liaison.queries.trace(CONGRESS, draft, None, limit=5)["suggestion_count"] == 4
