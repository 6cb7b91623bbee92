"""What walking the pages in Chromium found: a hidden phone error, a second comment that dead-
ended, a language switch onto a POST address, private pages kept for Back after sign-out, a
silent cut at 5,000 characters, the contact point chosen again each time, /docs switched off."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import pytest

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.e2e.conftest import DESK, PHONE, new_page, sign_in
from tests.records import draft_received

pytestmark = pytest.mark.e2e

TEXT = (
    "第一章　总则\n第一条　为了保护个人信息权益，制定本法。\n"
    "第二条　自然人的个人信息受法律保护。\n"
    "第三条　处理个人信息应当遵循合法、正当、必要和诚信原则。"
)
PASSWORD = "a-long-test-password"
CODE = re.compile(r"LX-[0-9A-Z]{5}-[0-9A-Z]{5}")


@pytest.fixture
def draft(liaison: Liaison) -> dict[str, UUID]:
    app = liaison.app
    app.designate_contact_point("虹桥街道基层立法联系点", "长宁区", operator("admin"))
    cp = app.designate_contact_point("曹杨新村街道基层立法联系点", "普陀区", operator("admin")).id
    liaison.users.add("caoyang", "staff", PASSWORD, cp)
    draft = draft_received(app, TEXT)
    return {"cp": cp, "draft": draft}


def draft_on_a_phone(browser: Any, site: str, draft: dict[str, UUID]) -> Any:
    """The draft's page, opened on a phone."""
    page = new_page(browser, PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{site}/drafts/{draft['draft']}")
    return page


def write(page: Any, form: str, words: str) -> None:
    """Words typed into a comment form (``all``: the whole draft's; else an article's) and
    the contact point chosen."""
    page.fill(f"#content-{form}", words)
    page.select_option(f"#cp-{form}", label="曹杨新村街道基层立法联系点")


def send(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.click(button)


def test_a_wrong_phone_opens_its_section_takes_the_focus_and_is_announced(
    browser: Any, site: str, draft: dict[str, UUID]
) -> None:
    page = draft_on_a_phone(browser, site, draft)
    write(page, "all", "建议对老年人的个人信息给予特别保护。")
    page.click("#whole summary")
    page.fill("#phone-all", "12345")

    send(page, "#whole button[type=submit]")

    phone = page.locator("#phone-all")
    assert phone.is_visible()
    assert page.evaluate("document.activeElement.id") == "phone-all"
    assert phone.get_attribute("aria-invalid") == "true"
    error = page.locator(f"#{phone.get_attribute('aria-describedby')}")
    assert "电话" in error.inner_text() and error.is_visible()


def test_back_then_changed_words_make_a_second_comment_not_an_error(
    browser: Any, site: str, draft: dict[str, UUID]
) -> None:
    page = draft_on_a_phone(browser, site, draft)
    page.click("#article-2 summary")
    write(page, "2", "建议保护老年人。")
    send(page, "#article-2 button[type=submit]")
    first = CODE.search(page.locator(".receipt-code").inner_text())

    page.go_back()
    page.wait_for_selector("#content-2", state="attached")
    if not page.locator("#content-2").is_visible():
        page.click("#article-2 summary")
    write(page, "2", "建议保护老年人，也保护儿童。")
    send(page, "#article-2 button[type=submit]")

    second = CODE.search(page.locator(".receipt-code").inner_text())
    assert first and second and first.group(0) != second.group(0)
    assert "也保护儿童" in page.locator("blockquote.words").inner_text()


def test_switching_language_after_a_refused_comment_shows_the_draft(
    browser: Any, site: str, draft: dict[str, UUID]
) -> None:
    page = draft_on_a_phone(browser, site, draft)
    page.fill("#content-all", "建议。")
    send(page, "#whole button[type=submit]")  # no contact point chosen: refused
    assert page.evaluate("document.activeElement.id") == "cp-all"

    with page.expect_navigation() as switched:
        page.click("a[hreflang=en]")

    assert switched.value.status == 200
    assert page.locator("h1").inner_text() == "个人信息保护法（草案）"
    assert page.locator("#whole button[type=submit]").inner_text() == "Send my opinion"


def test_a_long_opinion_shows_a_counter_and_is_never_cut(
    browser: Any, site: str, draft: dict[str, UUID]
) -> None:
    page = draft_on_a_phone(browser, site, draft)
    counter = page.locator("#content-count-all")
    assert counter.is_visible() and "0" in counter.inner_text()

    page.fill("#content-all", "很" * 5003)

    assert page.locator("#content-all").input_value() == "很" * 5003
    assert "超出3字" in counter.inner_text()
    page.select_option("#cp-all", label="曹杨新村街道基层立法联系点")
    send(page, "#whole button[type=submit]")
    assert page.locator("#content-all").input_value() == "很" * 5003
    assert page.evaluate("document.activeElement.id") == "content-all"


def test_the_contact_point_chosen_once_is_chosen_again_on_this_device(
    browser: Any, site: str, draft: dict[str, UUID]
) -> None:
    page = draft_on_a_phone(browser, site, draft)
    write(page, "all", "建议。")
    send(page, "#whole button[type=submit]")

    page.goto(f"{site}/drafts/{draft['draft']}")

    assert page.locator("#cp-3").input_value() == draft["cp"].hex
    assert page.locator("#cp-all").input_value() == draft["cp"].hex


def test_back_after_signing_out_shows_no_private_page(
    browser: Any, site: str, draft: dict[str, UUID]
) -> None:
    page = new_page(browser, DESK)
    sign_in(page, site, "caoyang")
    page.wait_for_url(f"{site}/staff")
    page.goto(f"{site}/staff/drafts")
    assert "个人信息保护法（草案）" in page.content()

    send(page, "header button.link")  # sign out
    page.go_back()

    page.wait_for_load_state()
    assert "/login" in page.url or "caoyang" not in page.content()
    assert page.locator("form[action='/logout']").count() == 0


def test_the_interactive_api_docs_work_under_the_sites_csp(browser: Any, site: str) -> None:
    page = browser.new_context(viewport=DESK).new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text))
    page.on("pageerror", lambda e: refused.append(str(e)))

    answer = page.goto(f"{site}/docs")
    page.wait_for_selector(".opblock", timeout=10000)

    assert answer.status == 200 and "content-security-policy" in answer.headers
    assert page.locator(".opblock").count() > 10
    assert not [m for m in refused if "Content Security Policy" in m or "Error" in m]
