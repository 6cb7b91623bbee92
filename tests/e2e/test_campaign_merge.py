"""A campaign merged in one action, through the pages (issue 16's "done when"): twelve residents
send the same sentence (commas, spaces, quotes and widths differing), two on the public page
and ten through the application; staff open screening, find the group of twelve and merge it
with the keyboard; they accept and report the one kept; the congress adopts it; then every one
of the twelve receipts shows the outcome.

Screenshots of the screening page's groups, at a phone's width and a desk's, are kept in the
test's temporary folder (``screening-phone.png``, ``screening-desk.png``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.e2e.conftest import DESK, serious_violations, sign_in
from tests.records import CAOYANG, add_users, draft_received

pytestmark = pytest.mark.e2e

TITLE = "个人信息保护法（草案）"
SENTENCE = "建议明确：小区门禁不得强制刷脸，应当保留刷卡、密码等其他方式，尊重居民的选择。"
VARIANTS = [
    SENTENCE,
    SENTENCE.replace("，", ","),  # half-width commas
    SENTENCE.replace("：", ": "),
    f"“{SENTENCE}”",  # quoted
    SENTENCE.replace("刷卡、密码", "刷卡 、 密码"),  # spaces
    SENTENCE.replace("。", "."),
    SENTENCE + "  ",
    SENTENCE.replace("，", "， "),
    f"「{SENTENCE}」",
    SENTENCE.replace("：", ":"),
    SENTENCE.replace("。", "！"),
    SENTENCE.replace("，", "、"),
]
PHONE = {"width": 390, "height": 844}
CONFIRM = "form.desk-form button[type=submit]"
"""The button of the step that asks before an action that cannot be undone."""


@dataclass
class City:
    liaison: Liaison
    point: UUID
    draft: UUID


@pytest.fixture
def city(liaison: Liaison) -> City:
    """One contact point with its staff, the congress, and a draft open for comments."""
    app = liaison.app
    caoyang = app.designate_contact_point(*CAOYANG, operator("admin")).id
    add_users(liaison, ("fagongwei", "congress", None), ("caoyang", "staff", caoyang))
    return City(liaison, caoyang, draft_received(app, title=TITLE))


def submit(page: Any, button: Any) -> None:
    """Click a button that posts its form, and wait for the page that answers."""
    with page.expect_navigation():
        button.click()


def scrolls_sideways(page: Any) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    )


def test_staff_merge_a_campaign_of_twelve_in_one_action_and_every_receipt_shows_the_outcome(
    browser: Any, site: str, city: City, tmp_path: Path
) -> None:
    draft_id = city.draft

    # two residents comment on the public page, on a phone
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    resident = phone.new_page()
    resident.set_default_timeout(5000)
    codes = []
    for words in VARIANTS[:2]:
        resident.goto(f"{site}/drafts/{draft_id}")
        resident.click("#article-1 summary")
        resident.fill("#content-1", words)
        submit(resident, resident.locator("#article-1 button[type=submit]"))
        codes.append(resident.locator(".receipt-code").inner_text().strip())
    # ... and ten more through the application, as the API and the collectors' pages do
    for words in VARIANTS[2:]:
        said = city.liaison.app.comment_publicly(draft_id, city.point, words, article=1)
        codes.append(said.receipt)
    assert len(set(codes)) == 12

    # staff open screening: one group of twelve, every member ticked, the earliest kept
    desk = browser.new_context(viewport=DESK)
    staff = desk.new_page()
    staff.set_default_timeout(5000)
    screening = f"/staff/drafts/{draft_id}/screening"
    sign_in(staff, site, "caoyang", lands_on=screening)
    group = staff.locator("article.campaign")
    assert group.count() == 1
    assert "12条意见文字相同" in group.locator("h3").inner_text()
    assert group.locator("blockquote").inner_text().strip() == VARIANTS[0]  # the earliest's
    # the members open from the keyboard
    group.locator("summary").focus()
    staff.keyboard.press("Enter")
    assert group.locator("input[name=suggestion_ids]:checked").count() == 12
    assert group.locator("input[name=into]:checked").get_attribute("id") == (
        group.locator("input[name=into]").first.get_attribute("id")
    )
    assert codes[0] in group.locator("ul.members li").first.inner_text()
    staff.locator("#groups").screenshot(path=str(tmp_path / "screening-desk.png"))
    assert not scrolls_sideways(staff)

    # ... the same page on a phone: nothing runs off the side, nothing axe finds serious
    small = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True)
    on_phone = small.new_page()  # CSP bypassed only so that axe, a script, can run
    on_phone.set_default_timeout(5000)
    sign_in(on_phone, site, "caoyang", lands_on=screening)
    on_phone.locator("article.campaign summary").click()
    assert serious_violations(on_phone) == []
    on_phone.locator("#groups").screenshot(path=str(tmp_path / "screening-phone.png"))
    assert not scrolls_sideways(on_phone)
    small.close()

    # ... and merge the group in one action, with the keyboard
    group.locator("button.merge-group").focus()
    with staff.expect_navigation():
        staff.keyboard.press("Enter")
    assert f"已将11条意见合并到{codes[0]}。" in staff.locator("#done").inner_text()
    assert staff.locator("article.campaign").count() == 0

    # staff accept the opinion kept and report it
    kept = staff.locator("article.suggestion", has_text=codes[0])
    submit(staff, kept.locator("button.accept"))
    staff.goto(f"{site}/staff/drafts/{draft_id}/report")
    assert staff.locator("input[name=suggestion_ids]:checked").count() == 1
    submit(staff, staff.locator("button:has-text('提交报送')"))
    submit(staff, staff.locator(CONFIRM))
    staff.wait_for_url(f"{site}/staff/reports/*")
    report_page = staff.url

    # the congress adopts it in its inbox
    congress = browser.new_context(viewport=DESK)
    office = congress.new_page()
    office.set_default_timeout(5000)
    sign_in(office, site, "fagongwei", lands_on="/congress/inbox")
    submit(office, office.locator("table.data tbody tr", has_text=TITLE).locator("a").first)
    office.locator("input[name^='outcome-'][value='adopted']").check()
    submit(office, office.locator("text=保存全部审议结果"))
    assert "已保存1条审议结果" in office.locator("p.saved").inner_text()

    # the feedback form reads in English too, and fits a phone
    staff.set_viewport_size(PHONE)
    staff.goto(f"{report_page}?lang=en")
    assert "Tell these 12 people" in staff.locator("#feedback").inner_text()
    assert not scrolls_sideways(staff)
    staff.screenshot(path=str(tmp_path / "feedback-phone-en.png"), full_page=True)
    staff.set_viewport_size(DESK)

    # staff tell all twelve in one action, in their own words, by keyboard
    staff.goto(f"{report_page}?lang=zh-CN")
    feedback = staff.locator("#feedback")
    assert "还有 12 人" in feedback.inner_text()
    message = "您的意见已被采纳：人脸识别设备须设置显著提示标识。谢谢您！"
    feedback.locator("textarea[name=message_adopted]").fill(message)
    staff.screenshot(path=str(tmp_path / "feedback-desk.png"), full_page=True)
    feedback.locator("button:has-text('告知这 12 人')").focus()
    with staff.expect_navigation():
        staff.keyboard.press("Enter")
    assert "已将结果告知每一位提出意见的人" in staff.locator("#done").inner_text()
    assert "已告知：12 人" in staff.locator("#feedback").inner_text()

    # every one of the twelve receipts shows the outcome and the feedback, the eleven merged
    # ones included
    for code in codes:
        resident.goto(f"{site}/receipts/{code}")
        facts = resident.locator("dl.facts").inner_text()
        assert "已采纳" in facts and message in facts, code
    assert not scrolls_sideways(resident)
    for context in (phone, desk, congress):
        context.close()
