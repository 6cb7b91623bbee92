"""The whole legislative loop through pages only (issue 13's "done when"): the congress pastes
a draft, previews, assigns and opens it; a resident comments on an article on a phone and
keeps the receipt code; staff hold a session, screen the opinion and report it; the congress
decides the report in its inbox; staff feed back; the congress adds a second reading that
inserts an article before the one commented on, and enacts a text that inserts another; the
resident's receipt shows the outcome and the feedback, the wall and the congress trace the
article's journey (一审稿第二条 → 二审稿第三条 → 通过稿第四条) beside the opinion.

Only contact points and accounts are seeded; everything else is done by clicking. Business
dates are the test clock's day (tests/conftest.py): the pages' defaults (deadline a month
ahead, a session today at 09:00, decisions and enactment today) fit it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.e2e.conftest import DESK, PHONE, sign_in
from tests.records import CAOYANG, HONGQIAO, add_users

pytestmark = pytest.mark.e2e

TITLE = "上海市养老服务条例（草案）"
ARTICLES = [
    "为了发展养老服务，满足老年人的服务需求，制定本条例。",
    "本市行政区域内的养老服务及其监督管理，适用本条例。",
    "养老服务应当坚持政府主导、社会参与、市场运作。",
]
INSERTED = "本条例所称养老服务，是指为老年人提供的生活照料、康复护理等服务。"
PRINCIPLE = "养老服务应当坚持以人民为中心，尊重老年人的意愿。"
OPINION = "建议写明郊区农村的养老服务也适用本条例，不要只照顾中心城区。"
FEEDBACK = "您的意见已被采纳，通过稿第四条写明了农村地区。"
NUMERALS = "一二三四五六"


def law(*articles: str) -> str:
    """A text with a chapter heading and its articles numbered 第一条, 第二条…"""
    body = "\n".join(f"第{NUMERALS[i]}条　{text}" for i, text in enumerate(articles))
    return f"{TITLE}\n第一章　总则\n{body}"


FIRST = law(*ARTICLES)
SECOND = law(ARTICLES[0], INSERTED, *ARTICLES[1:])  # the scope article moves to 第三条
PASSED = law(ARTICLES[0], PRINCIPLE, INSERTED, ARTICLES[1] + "郊区农村地区同样适用。", ARTICLES[2])


@pytest.fixture
def city(liaison: Liaison) -> Liaison:
    app = liaison.app
    caoyang = app.designate_contact_point(*CAOYANG, operator("admin")).id
    app.designate_contact_point(*HONGQIAO, operator("admin"))
    add_users(liaison, ("fagongwei", "congress", None), ("caoyang", "staff", caoyang))
    return liaison


CONFIRM = "form.desk-form button[type=submit]"
"""The button of the step that asks before an action that cannot be undone."""


def submit(page: Any, button: Any) -> None:
    """Click a button that posts its form, and wait for the page that answers."""
    with page.expect_navigation():
        button.click()


def test_the_whole_loop_runs_through_the_pages_from_draft_to_wall(
    browser: Any, site: str, city: Liaison
) -> None:
    today = city.app.clock.today().isoformat()
    congress = browser.new_context(viewport=DESK)
    office = congress.new_page()
    office.set_default_timeout(5000)

    # the congress pastes the draft, previews it, asks one contact point and opens it
    sign_in(office, site, "fagongwei", lands_on="/congress")
    office.click("nav.subnav >> text=登记草案")
    office.wait_for_url(f"{site}/congress/drafts/new")
    office.fill("#text", FIRST)
    submit(office, office.locator("button[value=preview]"))
    assert office.locator(".parsed-articles li").count() >= 3
    assert office.input_value("#title") == TITLE
    office.select_option("#level", "municipal")
    office.fill("#issuer", "市人大常委会法工委")
    office.locator("label.check", has_text=HONGQIAO[0]).locator("input").uncheck()
    submit(office, office.locator("button[value=register]"))
    assert "草案已登记" in office.locator(".thanks").inner_text()
    manage = office.url.split("?")[0]
    draft_id = UUID(manage.split("/")[-2])
    office.click("text=开始征求意见…")
    office.wait_for_url("**/open")
    submit(office, office.locator("button:has-text('确定开始')"))
    assert "征求意见已开始" in office.locator(".thanks").inner_text()

    # a resident on a phone comments on the second article and keeps the receipt code
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    resident = phone.new_page()
    resident.set_default_timeout(5000)
    resident.goto(site)
    resident.click(f"text={TITLE}")
    resident.wait_for_url(f"{site}/drafts/*")
    resident.click("#article-2 summary")
    resident.fill("#content-2", OPINION)
    assert resident.locator("#cp-2 option:checked").inner_text() == CAOYANG[0]
    submit(resident, resident.locator("#article-2 button[type=submit]"))
    code = resident.locator(".receipt-code").inner_text().strip()
    assert code.startswith("LX-")
    receipt = resident.url

    # staff: the draft arrived on their to-do; they hold a session on it today
    desk = browser.new_context(viewport=DESK)
    staff = desk.new_page()
    staff.set_default_timeout(5000)
    sign_in(staff, site, "caoyang", lands_on="/staff")
    assert TITLE in staff.locator("main").inner_text()
    staff.click("text=安排征询活动")
    staff.check(f"input[name=draft_ids][value='{draft_id.hex}']")
    staff.fill("#title", "养老服务条例草案座谈会")
    staff.fill("#starts_on", today)
    staff.fill("#starts_at", "09:00")
    submit(staff, staff.locator("button:has-text('安排活动')"))
    staff.fill("#minutes", "到会居民十二人，围绕适用范围发言。")
    submit(staff, staff.locator("button:has-text('标记为已举行')"))
    assert "已举行" in staff.locator("dl.facts").inner_text()

    # ... screen the resident's opinion (accept) and report it
    staff.goto(f"{site}/staff/drafts/{draft_id}/screening")
    opinion = staff.locator("article.suggestion", has_text=OPINION)
    submit(staff, opinion.locator("button.accept"))
    staff.goto(f"{site}/staff/drafts/{draft_id}/report")
    assert staff.locator("input[name=suggestion_ids]:checked").count() == 1
    submit(staff, staff.locator("button:has-text('提交报送')"))
    submit(staff, staff.locator(CONFIRM))  # a submitted report cannot be withdrawn: confirmed
    staff.wait_for_url(f"{site}/staff/reports/*")

    # the congress decides the report in its inbox
    office.goto(f"{site}/congress")
    office.click("text=待审议报送")
    office.wait_for_url(f"{site}/congress/inbox")
    row = office.locator("table.data tbody tr", has_text=TITLE)
    assert CAOYANG[0] in row.inner_text()
    submit(office, row.locator("a").first)
    office.locator("input[name^='outcome-'][value='adopted']").check()
    office.locator("textarea[id^='note-']").fill("将在通过稿中写明农村地区")
    submit(office, office.locator("text=保存全部审议结果"))
    assert "已保存1条审议结果" in office.locator("p.saved").inner_text()

    # staff see the decision arrive and feed it back
    staff.goto(f"{site}/staff")
    arrived = staff.locator("section[aria-labelledby=h-arrived]")
    assert TITLE in arrived.inner_text()
    submit(staff, arrived.locator("a").first)
    assert UUID(staff.url.split("/")[-2]) == draft_id and staff.url.endswith("/outcomes")
    staff.locator("textarea[id^='message-']").fill(FEEDBACK)
    submit(staff, staff.locator("button:has-text('发送反馈')"))
    submit(staff, staff.locator(CONFIRM))
    assert FEEDBACK in staff.locator("article.suggestion p.done").inner_text()

    # the congress adds a second reading that inserts an article before the one commented on
    office.goto(manage)
    office.fill("#label", "二审稿")
    office.fill("#reading-text", SECOND)
    submit(office, office.locator("#reading button[value=preview]"))
    submit(office, office.locator("#reading button[value=add]"))
    assert office.locator("table.data tbody tr").count() == 2

    # ... and enacts a text that inserts another
    office.fill("#enact-text", PASSED)
    submit(office, office.locator("#enact button[value=preview]"))
    submit(office, office.locator("#enact button[value=enact]"))
    assert "已通过" in office.locator("dl.facts").inner_text()

    # the congress trace files the opinion under the article it was given on: 二审稿第三条
    office.goto(f"{site}/congress/drafts/{draft_id}")
    scope = office.locator("#article-3")
    assert OPINION in scope.inner_text()
    assert [t.strip() for t in scope.locator(".journey li").all_inner_texts()] == [
        "征求意见稿第二条",
        "→ 二审稿第三条",
        "→ 通过稿第四条",
    ]
    assert OPINION not in office.locator("#article-2").inner_text()
    assert "1" in office.locator("#article-3 .count, #article-3-heading").first.inner_text()

    # the resident's receipt tells the outcome and the feedback
    resident.goto(receipt)
    facts = resident.locator("dl.facts").inner_text()
    assert "已采纳" in facts and FEEDBACK in facts
    assert not resident.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )

    # ... and leads to the wall, where the article's journey is shown beside the opinion
    submit(resident, resident.locator("text=查看哪些意见被采纳"))
    entry = resident.locator("#final-4")
    assert OPINION in entry.inner_text()
    assert [t.strip() for t in entry.locator(".journey li").all_inner_texts()] == [
        "征求意见稿第二条",
        "→ 二审稿第三条",
        "→ 通过稿第四条",
    ]
    for context in (phone, desk, congress):
        context.close()
