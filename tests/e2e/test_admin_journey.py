"""An administrator adds a staff member in a real browser and reads out the one-time password;
the newcomer signs in on a phone, is made to choose a password, and lands on their desk.
The administration pages pass axe-core on the way."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.e2e.conftest import DESK, PHONE
from tests.e2e.test_accessibility import AXE, serious_violations

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-test-password"
CHOSEN = "我家门口的梧桐树2021"


@pytest.fixture
def seeded(liaison: Liaison) -> None:
    liaison.app.designate_contact_point("曹杨新村街道基层立法联系点", "普陀区", operator())
    liaison.users.add("admin", "admin", PASSWORD, None)


def submit(page: Any, action: Any) -> None:
    """Do what posts a form, and wait for the page that answers."""
    with page.expect_navigation():
        action()


def test_admin_adds_a_staff_member_who_chooses_a_password_and_lands_on_the_desk(
    browser: Any, site: str, liaison: Liaison, seeded: None
) -> None:
    assert AXE.exists(), "axe-core is missing: run `npm ci`"
    admin = browser.new_context(viewport=DESK, bypass_csp=True)  # bypassed for axe only
    page = admin.new_page()
    page.set_default_timeout(5000)
    violations: dict[str, list[str]] = {}

    # the administrator signs in and finds administration in the navigation
    page.goto(f"{site}/login")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    submit(page, lambda: page.press("#password", "Enter"))
    submit(page, lambda: page.click("header.site >> text=系统管理"))
    assert page.locator("h1").inner_text() == "系统管理"
    violations["/admin"] = serious_violations(page)

    # adds a staff member of the contact point, from the keyboard
    submit(page, lambda: page.click("nav.desk >> text=账号"))
    violations["/admin/users"] = serious_violations(page)
    page.check("input[name=role][value=staff]")
    page.select_option("#contact_point", label="曹杨新村街道基层立法联系点")
    page.focus("#username")
    page.keyboard.type("zhou.min")
    submit(page, lambda: page.keyboard.press("Enter"))

    # the one-time password is shown once, large
    assert page.locator("h1").inner_text() == "已添加账号 zhou.min"
    otp = page.locator("#otp").inner_text().strip()
    assert len(otp) == 14 and otp.count("-") == 2
    assert page.locator("#otp").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 28
    assert page.locator("text=只显示这一次").count() == 1
    violations["one-time password"] = serious_violations(page)
    page.screenshot(path="/tmp/admin-otp.png", full_page=True)

    # the list says the password is still to be replaced; the audit log shows the creation
    submit(page, lambda: page.click("text=返回账号列表"))
    row = page.locator("tr", has_text="zhou.min")
    assert "尚未更换一次性密码" in row.inner_text() and otp not in page.content()
    page.goto(f"{site}/admin/audit?action=user_created")
    assert "zhou.min as staff" in page.locator("table.audit").inner_text()
    violations["/admin/audit"] = serious_violations(page)
    page.goto(f"{site}/admin/contact-points")
    violations["/admin/contact-points"] = serious_violations(page)
    page.goto(f"{site}/admin/users/zhou.min/deactivate")
    violations["deactivation"] = serious_violations(page)
    submit(page, lambda: page.click("text=不，返回"))

    # and signs out
    submit(page, lambda: page.click("header.site button:has-text('退出')"))
    assert page.locator("header.site >> text=系统管理").count() == 0
    admin.close()

    # the newcomer signs in on a phone with the one-time password
    phone = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = phone.new_page()
    page.set_default_timeout(5000)
    page.goto(f"{site}/login")
    page.fill("#username", "zhou.min")
    page.fill("#password", otp)
    submit(page, lambda: page.press("#password", "Enter"))

    # is made to choose a password before anything else
    page.wait_for_url(f"{site}/account/password?next=/staff")
    assert page.locator("h1").inner_text() == "设置您的密码"
    violations["password page"] = serious_violations(page)
    page.goto(f"{site}/staff/drafts")
    assert page.url.startswith(f"{site}/account/password")
    page.focus("#new_password")
    page.keyboard.type(CHOSEN)
    page.keyboard.press("Tab")
    page.keyboard.type(CHOSEN + "!")
    submit(page, lambda: page.keyboard.press("Enter"))
    assert page.locator("#repeat-error").inner_text() == "两次输入的新密码不一致。"
    page.fill("#new_password", CHOSEN)
    page.fill("#repeat", CHOSEN)
    submit(page, lambda: page.press("#repeat", "Enter"))

    # and lands on their desk
    page.wait_for_url(f"{site}/staff/drafts")
    submit(page, lambda: page.click("nav.desk >> text=待办事项"))
    assert page.locator("h1").inner_text() == "待办事项"
    assert page.locator("nav.desk .desk-name").inner_text() == "曹杨新村街道基层立法联系点"
    page.screenshot(path="/tmp/admin-newcomer-desk.png", full_page=True)
    phone.close()

    assert liaison.users.authenticate("zhou.min", otp) is None
    assert liaison.users.authenticate("zhou.min", CHOSEN) is not None
    assert {where: v for where, v in violations.items() if v} == {}
