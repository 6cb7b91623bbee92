"""The legislative affairs office registers a draft through pages only: pastes the text,
previews it, unticks a contact point, registers, opens the consultation; then a resident on a
phone is offered only the contact points asked."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.e2e.conftest import DESK, PHONE, new_page, sign_in
from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-test-password"
TEXT = (
    "养老服务条例（草案）\n第一章　总则\n"
    "第一条　为了发展养老服务，制定本条例。\n"
    "第二条　本市行政区域内的养老服务适用本条例。\n"
    "第四条　养老服务应当坚持政府主导、社会参与。"
)
ASKED, LEFT_OUT = "曹杨新村街道基层立法联系点", "虹桥街道基层立法联系点"


@pytest.fixture
def city(liaison: Liaison) -> Liaison:
    app = liaison.app
    app.designate_contact_point(ASKED, "普陀区", operator("admin"))
    app.designate_contact_point(LEFT_OUT, "长宁区", operator("admin"))
    liaison.users.add("congress", "congress", PASSWORD, None)
    return liaison


def test_the_congress_registers_a_draft_for_some_points_and_residents_see_only_those(
    browser: Any, site: str, city: Liaison, tmp_path: Any
) -> None:
    page = new_page(browser, DESK)

    # sign in and find the intake page from the congress navigation
    sign_in(page, site, "congress", lands_on="/congress")
    page.click("nav.subnav >> text=登记草案")
    page.wait_for_url(f"{site}/congress/drafts/new")

    # paste and preview: the numbering gap is warned of before anything is saved
    page.fill("#text", TEXT)
    page.click("button[value=preview]")
    page.wait_for_load_state()
    warnings = page.locator(".warnings").inner_text()
    assert "缺少第3条" in warnings
    assert "第一章　总则" in page.locator(".parsed-articles").inner_text()
    assert page.input_value("#title") == "养老服务条例（草案）"
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)

    # the details: every point is ticked; untick one, then register
    boxes = page.locator("input[name=contact_point_ids]")
    assert boxes.count() == 2 and all(boxes.nth(i).is_checked() for i in range(2))
    page.select_option("#level", "municipal")
    page.fill("#issuer", "市人大常委会法工委")
    page.locator("label.check", has_text=LEFT_OUT).locator("input").uncheck()
    page.click("button[value=register]")
    page.wait_for_url("**/manage?done=registered")
    assert "草案已登记" in page.locator(".thanks").inner_text()
    asked = page.locator("dl.facts").inner_text()
    assert ASKED in asked and LEFT_OUT not in asked
    public_url = page.url.split("/manage")[0].replace("/congress/drafts/", "/drafts/")

    # open the consultation, confirming first
    page.click("text=开始征求意见…")
    page.wait_for_url("**/open")
    page.click("button:has-text('确定开始')")
    page.wait_for_url("**/manage?done=opened")
    assert "征求意见已开始" in page.locator(".thanks").inner_text()

    # a resident on a phone is offered only the point asked, already chosen
    resident = new_page(browser, PHONE)
    resident.goto(public_url)
    resident.click("#article-1 summary")
    options = resident.locator("#cp-1 option").all_inner_texts()
    assert ASKED in options and LEFT_OUT not in options
    assert resident.locator("#cp-1 option:checked").inner_text() == ASKED
    resident.context.close()
    page.context.close()


def test_the_intake_pages_have_no_serious_accessibility_violations(
    browser: Any, site: str, city: Liaison
) -> None:
    for viewport in (DESK, PHONE):
        page = new_page(browser, viewport, bypass_csp=True)  # axe is a script
        sign_in(page, site, "congress", lands_on="/congress")
        found: dict[str, list[str]] = {}

        page.goto(f"{site}/congress/drafts/new")
        found["new"] = serious_violations(page)
        page.fill("#text", TEXT.replace("第四条", "第二条"))
        page.click("button[value=preview]")
        page.wait_for_load_state()
        found["preview"] = serious_violations(page)
        page.fill("#text", TEXT)
        page.click("button[value=preview]")
        page.wait_for_load_state()
        page.select_option("#level", "district")
        page.fill("#issuer", "区人大常委会")
        page.click("button[value=register]")
        page.wait_for_url("**/manage?done=registered")
        found["manage"] = serious_violations(page)
        page.fill("#label", "二审稿")
        page.fill("#reading-text", TEXT.replace("第四条", "第三条"))
        page.click("#reading button[value=preview]")
        page.wait_for_load_state()
        found["reading"] = serious_violations(page)
        page.goto(page.url.split("/readings")[0] + "/open")
        found["confirm"] = serious_violations(page)

        assert {k: v for k, v in found.items() if v} == {}
        page.context.close()
