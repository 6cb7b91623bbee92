"""A member of the congress's legislative affairs office at a desk: signs in, reads the ranking,
narrows the figures to one contact point, and follows a draft's suggestions to the law."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.e2e.conftest import DESK, new_page, sign_in
from tests.records import (
    add_users,
    draft_opened,
    two_contact_points,
)

pytestmark = pytest.mark.e2e

CONSULTED = (
    "第一章　总则\n第一条　为了保护个人信息权益，制定本法。\n第二条　处理个人信息可以遵循合法原则。"
)
ENACTED = (
    "第一章　总则\n第一条　为了保护个人信息权益，制定本法。\n"
    "第二条　处理个人信息应当遵循合法、正当、必要原则。"
)
ADOPTED = "建议将“可以”改为“应当”，并写明正当、必要原则。"


@pytest.fixture
def enacted(liaison: Liaison) -> dict[str, UUID]:
    app = liaison.app
    a, b = two_contact_points(app)
    add_users(liaison, ("congress", "congress", None))
    draft = draft_opened(app, CONSULTED, on=date(2021, 2, 1), until=date(2021, 3, 1))
    reported = []
    for cp, words, day in [
        (a, ADOPTED, 3),
        (a, "建议删除第一条。", 4),
        (b, "建议增加法律责任。", 5),
    ]:
        said = app.record_suggestion(
            cp, draft, words, "letter", operator("staff"), article=2, received_on=date(2021, 2, day)
        ).id
        app.screen_suggestion(said, "accept", operator("staff"), on=date(2021, 2, 20))
        reported.append((cp, said))
    app.submit_report(
        a, draft, [s for cp, s in reported if cp == a], date(2021, 2, 25), operator("staff")
    )
    app.submit_report(
        b, draft, [s for cp, s in reported if cp == b], date(2021, 2, 26), operator("staff")
    )
    app.enact_draft(draft, date(2021, 3, 10), ENACTED, operator("admin"))
    for (_cp, said), outcome in zip(
        reported, ["adopted", "not_adopted", "not_adopted"], strict=True
    ):
        app.record_outcome(said, outcome, operator("congress"), decided_on=date(2021, 3, 10))
    return {"draft": draft, "a": a, "b": b}


def focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement.id || document.activeElement.textContent"))


def test_the_congress_reads_the_ranking_and_follows_a_draft_to_its_enacted_text(
    browser: Any, site: str, enacted: dict[str, UUID]
) -> None:
    page = new_page(browser, DESK)

    # sign in and land on the overview for this year
    sign_in(page, site, "congress", lands_on="/congress")
    assert page.locator("h1").inner_text() == "人大总览"
    assert "完整" in page.locator(".integrity").inner_text()

    # the filter form is reached in reading order from the keyboard (a date field takes a
    # Tab per part of the date)
    page.focus("#from")
    order = [focused(page)]
    for _ in range(12):
        page.keyboard.press("Tab")
        if focused(page) != order[-1]:
            order.append(focused(page))
    assert order[:3] == ["from", "to", "contact_point"]
    assert "查看统计" in order[3]

    # the ranking: Caoyang reported two, Hongqiao one
    ranking = page.locator("#table-ranking tbody tr")
    assert ranking.nth(0).locator("th").inner_text() == "曹杨新村街道基层立法联系点"
    assert ranking.nth(0).locator("td").nth(1).inner_text() == "2"
    assert ranking.nth(1).locator("th").inner_text() == "虹桥街道基层立法联系点"

    # choosing a contact point in the ranking narrows the figures to it
    page.click("#table-ranking >> text=虹桥街道基层立法联系点")
    page.wait_for_url(f"{site}/congress?*contact_point=*")
    figures = page.locator("#table-figures").inner_text()
    assert "收到意见建议（条）\t1" in figures
    assert page.locator("#contact_point option:checked").inner_text() == "虹桥街道基层立法联系点"
    assert page.locator("#table-ranking tr.chosen th").inner_text() == "虹桥街道基层立法联系点"

    # back to everyone, then into the draft's trace from the by-draft table
    page.select_option("#contact_point", value="")
    page.click("button:has-text('查看统计')")
    page.click("#table-drafts >> text=个人信息保护法（草案）")
    page.wait_for_url(f"{site}/congress/drafts/*")
    assert page.locator("h1").inner_text() == "个人信息保护法（草案）"

    # article 2: the words as given, the outcome, and the enacted text marked up
    article = page.locator("#article-2")
    assert ADOPTED in article.inner_text()
    assert "已采纳" in article.locator("li.suggestion").first.inner_text()
    assert article.locator("del").first.text_content() == "〔删除：可以删除结束〕"
    inserted = " ".join(article.locator("ins").all_text_contents())
    assert "应当" in inserted and "正当" in inserted
    assert article.locator("del").first.is_visible()
    decoration = article.locator("del").first.evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    assert decoration == "line-through"
    assert "有修改" in article.locator(".change-summary").inner_text()

    # and the public wall it links to shows the adopted words only
    page.click("text=公开的法条墙")
    page.wait_for_url(f"{site}/drafts/*/wall")
    wall = page.locator("main").inner_text()
    assert ADOPTED in wall and "建议删除第一条。" not in wall
    page.context.close()
