"""The congress decides a report in a real browser, and the contact point's staff see the
decisions arrive on their to-do."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison
from liaison.rights import Actor, Role, operator
from tests.e2e.conftest import DESK, PHONE
from tests.e2e.test_accessibility import AXE, serious_violations
from tests.records import municipal_draft

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-test-password"
TEXT = (
    "第一章　总则\n第一条　为了规范养老服务，制定本条例。\n"
    "第二条　本市行政区域内的养老服务，适用本条例。\n"
    "第三条　鼓励社区食堂为老年人提供助餐服务。"
)


@pytest.fixture
def seeded(liaison: Liaison) -> dict[str, Any]:
    app = liaison.app
    cp = app.designate_contact_point("虹桥街道基层立法联系点", "长宁区", operator("admin")).id
    liaison.users.add("fagongwei", "congress", PASSWORD, None)
    liaison.users.add("hongqiao", "staff", PASSWORD, cp)
    staff = Actor("hongqiao", Role.STAFF, cp)
    bill = "上海市养老服务条例（草案）"
    draft = municipal_draft(app, TEXT, bill, "市人大常委会", opened_on=date(2021, 3, 1))
    said = [
        app.record_suggestion(
            cp, draft, words, "letter", staff, article=article, received_on=date(2021, 3, 5)
        ).id
        for article, words in [(3, "建议社区食堂送餐上门。"), (2, "建议写明适用于郊区农村。")]
    ]
    for s in said:
        app.screen_suggestion(s, "accept", staff, on=date(2021, 3, 10))
    report = app.submit_report(cp, draft, said, date(2021, 3, 12), staff).id
    return {"report": report, "draft": draft, "said": said}


def sign_in(page: Any, site: str, username: str) -> None:
    page.goto(f"{site}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")


def test_the_congress_decides_a_report_and_staff_see_the_decisions_arrive(
    browser: Any, site: str, liaison: Liaison, seeded: dict[str, Any]
) -> None:
    kitchen, scope = seeded["said"]
    congress = browser.new_context(viewport=DESK)
    page = congress.new_page()
    page.set_default_timeout(5000)

    # the congress finds the report in its inbox, from its own menu
    sign_in(page, site, "fagongwei")
    page.goto(f"{site}/congress")
    page.click("text=待审议报送")
    page.wait_for_url(f"{site}/congress/inbox")
    row = page.locator("table.data tbody tr").first
    assert "虹桥街道基层立法联系点" in row.inner_text() and "上海市养老服务条例" in row.inner_text()
    row.locator("a").click()
    page.wait_for_url(f"{site}/congress/reports/{seeded['report'].hex}")

    # decides both suggestions, one from the keyboard, and saves them together
    page.check(f"input[name='outcome-{kitchen.hex}'][value='adopted']")
    page.select_option(f"#final_article-{kitchen.hex}", "3")
    page.fill(f"#note-{kitchen.hex}", "已写入第三条")
    page.focus(f"input[name='outcome-{scope.hex}'][value='adopted']")
    page.keyboard.press("ArrowDown")  # to 部分采纳
    page.keyboard.press("ArrowDown")  # to 未采纳
    with page.expect_navigation():
        page.click("text=保存全部审议结果")

    assert "已保存2条审议结果" in page.locator("p.saved").inner_text()
    decided = [liaison.app.get(s, Suggestion) for s in (kitchen, scope)]
    assert [(s.outcome.value if s.outcome else None) for s in decided] == [
        "adopted",
        "not_adopted",
    ]
    assert (decided[0].final_article, decided[0].note) == (3, "已写入第三条")
    congress.close()

    # staff see the decisions on their to-do, and follow them to the feedback page
    desk = browser.new_context(viewport=PHONE)
    page = desk.new_page()
    page.set_default_timeout(5000)
    sign_in(page, site, "hongqiao")
    arrived = page.locator("section[aria-labelledby=h-arrived]")
    assert "关于上海市养老服务条例（草案）的报送收到2条审议结果" in arrived.inner_text()
    arrived.locator("a").first.click()
    page.wait_for_url(f"{site}/staff/drafts/{seeded['draft'].hex}/outcomes")
    assert page.locator("text=已写入第三条").count() == 1
    desk.close()


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_the_inbox_pages_have_no_serious_accessibility_violations(
    browser: Any, site: str, seeded: dict[str, Any], viewport: dict[str, int]
) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` at the repository root")
    context = browser.new_context(viewport=viewport, bypass_csp=True)  # only here: axe
    page = context.new_page()
    page.set_default_timeout(5000)
    sign_in(page, site, "fagongwei")
    found = {}

    for path in [
        "/congress/inbox",
        "/congress/inbox?status=decided",
        f"/congress/reports/{seeded['report']}",
    ]:
        page.goto(site + path)
        found[path] = serious_violations(page)
    # a refused save: errors beside their rows
    kitchen = seeded["said"][0]
    page.select_option(f"#final_article-{kitchen.hex}", "3")
    with page.expect_navigation():
        page.click("text=保存全部审议结果")
    assert page.locator(f"#outcome-{kitchen.hex}-error").count() == 1
    found["refused"] = serious_violations(page)
    context.close()

    assert {path: v for path, v in found.items() if v} == {}
