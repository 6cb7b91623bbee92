"""A resident on a phone: reads a draft, comments on one article, keeps the receipt code, and
later finds out what the congress did with the opinion."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.e2e.conftest import PHONE
from tests.records import draft_received, two_contact_points

pytestmark = pytest.mark.e2e

TEXT = (
    "第一章　总则\n第一条　为了保护个人信息权益，规范个人信息处理活动，促进个人信息合理利用，"
    "根据宪法，制定本法。\n"
    "第二条　自然人的个人信息受法律保护，任何组织、个人不得侵害自然人的个人信息权益。\n"
    "第三条　处理个人信息应当遵循合法、正当、必要和诚信原则。"
)
OPINION = "建议对老年人的个人信息给予特别保护，不要只能在手机上办理。"
FEEDBACK = "您的意见已被采纳，第二条增加了对老年人的保护。"


@pytest.fixture
def draft(liaison: Liaison) -> dict[str, UUID]:
    app = liaison.app
    cp, _other = two_contact_points(app)
    draft = draft_received(app, TEXT)
    return {"cp": cp, "draft": draft}


def font_px(page: Any, selector: str) -> float:
    size = page.eval_on_selector(selector, "e => getComputedStyle(e).fontSize")
    return float(size.removesuffix("px"))


def scrolls_sideways(page: Any) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    )


def test_a_resident_comments_on_an_article_and_follows_the_receipt_to_the_outcome(
    browser: Any, site: str, liaison: Liaison, draft: dict[str, UUID]
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(5000)

    # the home page lists the open draft, in large type, without sideways scrolling
    page.goto(site)
    assert page.locator("h1").inner_text() == "正在征求意见的草案"
    assert font_px(page, "body") >= 18
    assert font_px(page, "ul.drafts li a") >= 18
    assert not scrolls_sideways(page)

    # open the draft and comment on its second article
    page.click("text=个人信息保护法（草案）")
    page.wait_for_url(f"{site}/drafts/*")
    assert font_px(page, "#article-2 p") >= 18
    assert not scrolls_sideways(page)
    page.click("#article-2 summary")
    page.fill("#content-2", OPINION)
    page.select_option("#cp-2", label="曹杨新村街道基层立法联系点")
    assert page.locator("#article-2 button[type=submit]").bounding_box()["height"] >= 44
    page.click("#article-2 button[type=submit]")

    # the receipt code, big and whole on a narrow screen
    page.wait_for_url(f"{site}/receipts/*")
    code = page.locator(".receipt-code").inner_text().strip()
    assert code.startswith("LX-")
    assert font_px(page, ".receipt-code") >= 24
    box = page.locator(".receipt-code").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert "您的意见已收到" in page.locator(".thanks").inner_text()
    assert not scrolls_sideways(page)

    # later, from the home page, the resident types the code in
    page.goto(site)
    page.fill("#code", code)
    page.click("section.lookup button[type=submit]")
    page.wait_for_url(f"{site}/receipts/{code}")
    assert "已收到" in page.locator("dl.facts").inner_text()
    assert "采纳情况" not in page.locator("dl.facts").inner_text()

    # meanwhile the contact point reports it and the congress adopts it
    app = liaison.app
    suggestion = app.receipts.find(code)
    assert suggestion is not None
    app.screen_suggestion(suggestion, "accept", operator("staff"))
    app.submit_report(
        draft["cp"], draft["draft"], [suggestion], date(2021, 3, 15), operator("staff")
    )
    app.record_outcome(suggestion, "adopted", operator("congress"), final_article=2)
    app.send_feedback(suggestion, FEEDBACK, operator("staff"))

    # the same page, reloaded, tells the resident
    page.reload()
    facts = page.locator("dl.facts").inner_text()
    assert "已采纳" in facts and FEEDBACK in facts
    timeline = page.locator("ol.timeline").inner_text()
    assert timeline.index("已收到") < timeline.index("已报送人大") < timeline.index("已采纳")
    assert font_px(page, "dl.facts dd") >= 18
    assert not scrolls_sideways(page)
    context.close()


def test_a_comment_without_words_is_explained_next_to_the_field(
    browser: Any, site: str, draft: dict[str, UUID]
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(5000)

    page.goto(f"{site}/drafts/{draft['draft']}")
    page.click("#article-1 summary")
    page.select_option("#cp-1", label="曹杨新村街道基层立法联系点")
    page.click("#article-1 button[type=submit]")

    error = page.locator("#article-1 #content-error-1")
    assert "请填写您的意见" in error.inner_text()
    assert page.get_attribute("#content-1", "aria-describedby") == "content-hint-1 content-error-1"
    assert page.evaluate("document.activeElement.id") == "content-1"
    assert page.get_attribute("#content-1", "aria-invalid") == "true"
    assert "尚未提交" in page.locator("[role=alert]").first.inner_text()
    assert not scrolls_sideways(page)
    context.close()
