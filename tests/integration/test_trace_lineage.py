"""The trace files each suggestion under the article it was given on, followed through the
readings by lineage: a second reading that inserts an article before it renumbers it, and
suggestions given on both readings are one article's, counted and paged together in the
order received."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.records import draft_opened

ARTICLES = [
    "为了发展养老服务，满足老年人的服务需求，制定本条例。",
    "本市行政区域内的养老服务及其监督管理，适用本条例。",
    "养老服务应当坚持政府主导、社会参与、市场运作。",
]
INSERTED = "本条例所称养老服务，是指为老年人提供的生活照料、康复护理等服务。"
NUMERALS = "一二三四"
ADMIN = operator("admin")


def text(*articles: str) -> str:
    return "\n".join(f"第{NUMERALS[i]}条　{a}" for i, a in enumerate(articles))


@pytest.fixture
def read_twice(liaison: Liaison) -> tuple[UUID, list[str]]:
    """Seven suggestions on 征求意见稿第二条, then a reading that makes it 二审稿第三条 and
    five more on that, interleaved in time with the first ones; one on the whole draft."""
    app = liaison.app
    cp = app.designate_contact_point("A 街道", "普陀区", ADMIN).id
    opened, until = date(2021, 2, 1), date(2021, 4, 30)
    draft = draft_opened(
        app, text(*ARTICLES), opened, until, title="养老服务条例", level="municipal"
    )
    said: list[tuple[date, str]] = []

    def say(words: str, day: date, article: int | None) -> None:
        app.record_suggestion(cp, draft, words, "letter", ADMIN, article=article, received_on=day)
        said.append((day, words))

    for i in range(7):  # every other day from 2 February
        say(f"一审意见{i}", date(2021, 2, 2) + timedelta(days=2 * i), 2)
    say("整体意见", date(2021, 2, 3), None)
    app.add_draft_version(draft, "二审稿", text(ARTICLES[0], INSERTED, *ARTICLES[1:]), ADMIN)
    for i in range(5):  # the odd days in between: the two readings' suggestions interleave
        say(f"二审意见{i}", date(2021, 2, 3) + timedelta(days=2 * i), 3)
    ordered = [w for _day, w in sorted(said) if w != "整体意见"]
    return draft, ordered


def test_suggestions_on_an_earlier_reading_are_under_the_article_they_were_given_on(
    liaison: Liaison, read_twice: tuple[UUID, list[str]]
) -> None:
    draft_id, ordered = read_twice
    draft = liaison.app.draft(ADMIN, draft_id)
    everything = liaison.queries.trace(ADMIN, draft)
    overview = liaison.queries.trace(ADMIN, draft, limit=5)

    counts = {a["number"]: a["suggestion_count"] for a in overview["articles"]}
    assert counts == {1: 0, 2: 0, 3: 12, 4: 0}
    assert overview["suggestion_count"] == 13 and overview["general_count"] == 1
    scope = {a["number"]: a for a in everything["articles"]}[3]
    assert [s["content"] for s in scope["suggestions"]] == ordered
    assert [s["content"] for s in overview["articles"][2]["suggestions"]] == ordered[:5]
    assert [s["content"] for s in overview["general"]] == ["整体意见"]


@pytest.mark.parametrize("offset,limit", [(0, 3), (3, 4), (5, 20), (11, 5), (12, 5)])
def test_one_article_given_suggestions_on_two_readings_is_paged_in_the_order_received(
    liaison: Liaison, read_twice: tuple[UUID, list[str]], offset: int, limit: int
) -> None:
    draft_id, ordered = read_twice
    draft = liaison.app.draft(ADMIN, draft_id)

    page = liaison.queries.trace(ADMIN, draft, limit=limit, article=3, offset=offset)

    (article,) = page["articles"]
    assert article["suggestion_count"] == 12
    assert [s["content"] for s in article["suggestions"]] == ordered[offset : offset + limit]
