"""The administration pages over a real Liaison: contact points added and renamed, accounts
added with a one-time password shown once and replaced at first sign-in, reset and
deactivated (their sessions end at once), the audit log filtered and paged; and nobody but
admin gets in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.forms import Browser, browsers, csrf_of, log_in
from web.app import create_app

PASSWORD = "a-long-test-password"
MINE = "my-own-long-password"


@pytest.fixture
def cp(liaison: Liaison) -> UUID:
    point = liaison.app.designate_contact_point("曹杨新村街道基层立法联系点", "普陀区", operator())
    for name, role, where in [
        ("admin", "admin", None),
        ("congress", "congress", None),
        ("staff_a", "staff", point.id),
    ]:
        liaison.users.add(name, role, PASSWORD, where)
    return point.id


@pytest.fixture
def browser(liaison: Liaison, cp: UUID) -> Iterator[Browser]:
    """A fresh browser per call, signed in as the named user (or anonymous for None)."""
    with browsers(create_app(liaison=liaison), log_in) as open_as:
        yield open_as


def post(client: TestClient, path: str, data: dict[str, Any] | None = None) -> Any:
    token = csrf_of(client.get("/").text)
    return client.post(path, data={"csrf_token": token, **(data or {})}, follow_redirects=False)


def one_time_password(page: str) -> str:
    found = re.search(r'<p class="receipt-code otp" id="otp"[^>]*>([^<]+)</p>', page)
    assert found, "no one-time password on the page"
    return found.group(1)


PAGES = ["/admin", "/admin/contact-points", "/admin/users", "/admin/audit"]


def test_administration_pages_render_for_admin_in_both_languages(browser: Browser) -> None:
    admin = browser("admin")
    for path in PAGES:
        page = admin.get(path)
        assert page.status_code == 200, path
        assert '<a href="/admin">系统管理</a>' in page.text, path
        assert "<script>" not in page.text and "style=" not in page.text, path
    for path in PAGES:  # ?lang= is kept in a cookie
        english = admin.get(path, params={"lang": "en"})
        assert "Administration" in english.text and "系统管理" not in english.text, path


def test_nobody_but_admin_opens_or_posts_to_them(browser: Browser, cp: UUID) -> None:
    assert browser(None).get("/admin/users", follow_redirects=False).headers["location"] == (
        "/login?next=/admin/users"
    )
    for name in ("congress", "staff_a"):
        other = browser(name)
        assert '<a href="/admin">' not in other.get("/").text
        for path in PAGES:
            assert other.get(path).status_code == 403, (name, path)
        for path, data in [
            ("/admin/users", {"username": "x1", "role": "admin"}),
            ("/admin/users/congress/reset", {}),
            ("/admin/users/congress/deactivate", {}),
            ("/admin/contact-points", {"name": "新联系点", "district": "徐汇区"}),
            (f"/admin/contact-points/{cp}/rename", {"name": "别的名字"}),
        ]:
            assert post(other, path, data).status_code == 403, (name, path)
    assert browser("congress").get("/congress").status_code == 200  # nobody was deactivated


def test_a_contact_point_is_added_and_renamed(browser: Browser, liaison: Liaison, cp: UUID) -> None:
    admin = browser("admin")

    added = post(
        admin, "/admin/contact-points", {"name": "虹桥街道基层立法联系点", "district": "长宁区"}
    )
    page = admin.get(added.headers["location"]).text
    assert "已添加联系点：虹桥街道基层立法联系点。" in page

    renamed = post(
        admin, f"/admin/contact-points/{cp}/rename", {"name": "曹杨新村街道人大工委联系点"}
    )
    page = admin.get(renamed.headers["location"]).text
    assert "联系点已改名为：曹杨新村街道人大工委联系点。" in page
    names = {p["name"] for p in liaison.queries.contact_points()}
    assert names == {"虹桥街道基层立法联系点", "曹杨新村街道人大工委联系点"}


def test_a_refused_contact_point_comes_back_with_what_was_typed(browser: Browser) -> None:
    admin = browser("admin")

    answer = post(admin, "/admin/contact-points", {"name": "虹桥街道", "district": " "})

    assert answer.status_code == 422
    assert 'value="虹桥街道"' in answer.text
    assert 'id="district-error"' in answer.text and "请填写所在区" in answer.text


def test_a_new_account_signs_in_once_with_its_one_time_password_and_chooses_its_own(
    browser: Browser, cp: UUID
) -> None:
    admin = browser("admin")
    created = post(
        admin, "/admin/users", {"username": "li.na", "role": "staff", "contact_point": cp.hex}
    )
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    password = one_time_password(created.text)
    assert "只显示这一次" in created.text
    assert password not in admin.get("/admin/users").text
    assert "尚未更换一次性密码" in admin.get("/admin/users").text

    newcomer = browser(None)
    signed = log_in(newcomer, "li.na", password)
    assert signed.headers["location"] == "/staff"
    sent = newcomer.get("/staff", follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/account/password?next=/staff"
    form = newcomer.get(sent.headers["location"])
    assert "设置您的密码" in form.text and 'name="current_password"' not in form.text

    different = post(
        newcomer,
        "/account/password",
        {"new_password": MINE, "repeat": MINE + "x", "next": "/staff"},
    )
    assert different.status_code == 422 and "两次输入的新密码不一致" in different.text
    short = post(newcomer, "/account/password", {"new_password": "short", "repeat": "short"})
    assert short.status_code == 422 and 'id="new_password-error"' in short.text
    chosen = post(
        newcomer, "/account/password", {"new_password": MINE, "repeat": MINE, "next": "/staff"}
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == "/staff"
    assert newcomer.get("/staff").status_code == 200

    assert log_in(browser(None), "li.na", password).status_code == 401
    assert log_in(browser(None), "li.na", MINE).headers["location"] == "/staff"


def test_a_refused_account_comes_back_with_what_was_wrong(browser: Browser, cp: UUID) -> None:
    admin = browser("admin")

    staff_without_point = post(admin, "/admin/users", {"username": "li.na", "role": "staff"})
    taken = post(admin, "/admin/users", {"username": "congress", "role": "congress"})

    assert staff_without_point.status_code == 422
    assert 'id="contact_point-error"' in staff_without_point.text
    assert 'value="li.na"' in staff_without_point.text
    assert taken.status_code == 422 and 'id="username-error"' in taken.text
    assert "one_time" not in taken.text and 'class="receipt-code otp"' not in taken.text


def test_a_reset_ends_the_accounts_sessions_and_shows_a_new_one_time_password(
    browser: Browser,
) -> None:
    staff = browser("staff_a")
    assert staff.get("/staff").status_code == 200

    reset = post(browser("admin"), "/admin/users/staff_a/reset")

    assert reset.status_code == 200 and reset.headers["cache-control"] == "no-store"
    assert staff.get("/staff", follow_redirects=False).headers["location"] == "/login?next=/staff"
    again = browser(None)
    assert log_in(again, "staff_a", PASSWORD).status_code == 401
    log_in(again, "staff_a", one_time_password(reset.text))
    assert (
        again.get("/staff", follow_redirects=False)
        .headers["location"]
        .startswith("/account/password")
    )


def test_deactivation_asks_first_then_ends_the_session_at_once(browser: Browser) -> None:
    staff = browser("staff_a")
    admin = browser("admin")
    assert "/admin/users/staff_a/deactivate" in admin.get("/admin/users").text

    asked = admin.get("/admin/users/staff_a/deactivate")
    assert asked.status_code == 200 and "确定停用 staff_a 吗？" in asked.text
    assert staff.get("/staff").status_code == 200  # asking changed nothing

    done = post(admin, "/admin/users/staff_a/deactivate")
    assert done.status_code == 303
    assert "staff_a 已无法登录" in admin.get(done.headers["location"]).text
    assert staff.get("/staff", follow_redirects=False).status_code == 303
    assert log_in(browser(None), "staff_a", PASSWORD).status_code == 401
    assert "已停用" in admin.get("/admin/users").text


def test_admin_cannot_shut_themselves_out(browser: Browser) -> None:
    admin = browser("admin")

    assert "/admin/users/admin/deactivate" not in admin.get("/admin/users").text
    assert post(admin, "/admin/users/admin/deactivate").status_code == 422
    assert admin.get("/admin").status_code == 200


def test_the_audit_log_is_filtered_and_paged(browser: Browser, liaison: Liaison) -> None:
    for n in range(60):
        liaison.audit.record("robot", "denied", f"GET /staff/{n}", outcome="refused")
    admin = browser("admin")

    first = admin.get("/admin/audit", params={"actor": "robot"})
    assert first.text.count("<tr") == 51  # the header and 50 entries
    assert "GET /staff/59" in first.text and "GET /staff/9<" not in first.text
    older = re.search(r'href="(/admin/audit\?actor=robot&amp;before=\d+)"', first.text)
    assert older, "no link to older entries"
    second = admin.get(older.group(1).replace("&amp;", "&"))
    assert second.text.count("<tr") == 11 and "GET /staff/0<" in second.text
    assert "Older" not in second.text and "更早的记录" not in second.text

    signs = admin.get("/admin/audit", params={"action": "sign_in"}).text
    assert "robot" not in signs and "admin" in signs
    assert (
        "没有符合"
        in admin.get("/admin/audit", params={"from": "2000-01-01", "to": "2000-01-02"}).text
    )
    bad = admin.get("/admin/audit", params={"from": "yesterday"})
    assert bad.status_code == 422 and 'id="from-error"' in bad.text


def test_one_can_change_ones_own_password_knowing_the_current_one(browser: Browser) -> None:
    congress = browser("congress")
    form = congress.get("/account/password")
    assert "修改我的密码" in form.text and 'name="current_password"' in form.text

    wrong = post(
        congress,
        "/account/password",
        {"current_password": "nope", "new_password": MINE, "repeat": MINE},
    )
    assert wrong.status_code == 422 and "这不是您当前的密码" in wrong.text
    right = post(
        congress,
        "/account/password",
        {"current_password": PASSWORD, "new_password": MINE, "repeat": MINE},
    )
    assert right.status_code == 303 and right.headers["location"] == "/congress"
    assert congress.get("/congress").status_code == 200
    assert log_in(browser(None), "congress", MINE).status_code == 303
