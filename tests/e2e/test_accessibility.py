"""axe-core over the main pages, and the Content-Security-Policy on every page the site serves.

axe is injected as a script, which the pages' CSP forbids: only the accessibility context
bypasses CSP. The CSP test uses an ordinary context and checks what the server sends.
axe-core comes from npm (package.json pins it; ``npm ci`` installs it into node_modules).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit
from uuid import UUID

import pytest

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.e2e.conftest import AXE, DESK, PHONE, ROOT, serious_violations, sign_in
from tests.records import (
    add_users,
    draft_opened,
    municipal_draft,
    two_contact_points,
)

pytestmark = pytest.mark.e2e

CONSULTED = (
    "第一章　总则\n第一条　为了保护个人信息权益，制定本法。\n"
    "第二条　处理个人信息可以遵循合法原则。\n第三条　本法自公布之日起施行。"
)
ENACTED = (
    "第一章　总则\n第一条　为了保护个人信息权益，制定本法。\n"
    "第二条　处理个人信息应当遵循合法、正当、必要原则。\n第三条　本法自2021年11月1日起施行。"
)


@pytest.fixture
def world(liaison: Liaison) -> dict[str, Any]:
    """An open draft with a public comment, and an enacted draft with decided suggestions."""
    app = liaison.app
    a, b = two_contact_points(app)
    add_users(liaison, ("admin", "admin", None))
    enacted = draft_opened(app, CONSULTED, on=date(2021, 1, 5), until=date(2021, 2, 5))
    decided = []
    for cp, words, article, outcome in [
        (a, "建议将“可以”改为“应当”。", 2, "adopted"),
        (a, "建议写明施行日期。", 3, "partially_adopted"),
        (b, "建议删除第一条。", 1, "not_adopted"),
    ]:
        said = app.record_suggestion(
            cp,
            enacted,
            words,
            "letter",
            operator("staff"),
            article=article,
            received_on=date(2021, 1, 20),
        ).id
        app.screen_suggestion(said, "accept", operator("staff"), on=date(2021, 2, 1))
        app.submit_report(cp, enacted, [said], date(2021, 2, 2), operator("staff"))
        decided.append((said, outcome))
    app.enact_draft(enacted, date(2021, 3, 1), ENACTED, operator("admin"))
    for said, outcome in decided:
        app.record_outcome(said, outcome, operator("congress"), decided_on=date(2021, 3, 1))
        app.send_feedback(said, "感谢您的参与。", operator("staff"), sent_on=date(2021, 3, 8))
    still_open = municipal_draft(app, CONSULTED, opened_on=date(2021, 3, 1))
    comment = app.comment_publicly(still_open, a, "建议增加数据安全条款。", article=1)
    return {"enacted": enacted, "open": still_open, "receipt": comment.receipt}


def public_pages(world: dict[str, Any]) -> list[str]:
    return [
        "/",
        f"/drafts/{world['open']}",
        f"/drafts/{world['enacted']}",
        f"/receipts/{world['receipt']}",
        "/receipts",
        "/login",
        f"/drafts/{world['enacted']}/wall",
    ]


def signed_in_pages(world: dict[str, Any], site: str, page: Any) -> list[str]:
    pages = [
        "/congress?from=2021-01-01&to=2021-12-31",
        "/congress?from=2021-06-01&to=2021-01-01",  # with an error beside a field
        "/congress/drafts",
        f"/congress/drafts/{world['enacted']}",
    ]
    if page.request.get(f"{site}/staff").status == 200:  # the staff desk, once it exists
        pages.append("/staff")
    return pages


def test_axe_is_installed() -> None:
    if not AXE.exists():
        pytest.fail(
            f"{AXE.relative_to(ROOT)} is missing: run `npm ci` at the repository root "
            "(make install does) to install the pinned axe-core"
        )


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_the_main_pages_have_no_serious_accessibility_violations(
    browser: Any, site: str, world: dict[str, Any], viewport: dict[str, int]
) -> None:
    test_axe_is_installed()
    context = browser.new_context(viewport=viewport, bypass_csp=True)  # only here: axe is a script
    page = context.new_page()
    page.set_default_timeout(5000)
    found: dict[str, list[str]] = {}

    for path in public_pages(world):
        page.goto(site + path)
        found[path] = serious_violations(page)

    # a refused comment: the error is beside the field
    page.goto(f"{site}/drafts/{world['open']}")
    page.click("#article-1 summary")
    page.click("#article-1 button[type=submit]")
    page.wait_for_selector("#content-error-1")
    found["refused comment"] = serious_violations(page)

    sign_in(page, site, "admin")
    for path in signed_in_pages(world, site, page):
        page.goto(site + path)
        found[path] = serious_violations(page)
    context.close()

    assert {path: v for path, v in found.items() if v} == {}
    assert len(found) >= 12


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
HREF = re.compile(r'href="([^"#]*)')


def test_every_page_the_site_answers_carries_the_csp_and_nothing_inline(
    browser: Any, site: str, world: dict[str, Any]
) -> None:
    """Crawl the site signed in as admin from the main pages, following every local link."""
    context = browser.new_context(viewport=DESK)  # CSP enforced
    page = context.new_page()
    page.set_default_timeout(5000)
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    for path in public_pages(world):  # as a visitor first, in the browser
        page.goto(site + path)
    sign_in(page, site, "admin")

    queue = public_pages(world) + signed_in_pages(world, site, page)
    seen: set[str] = set()
    checked = 0
    while queue and checked < 80:
        path = queue.pop(0)
        if path in seen or path.startswith(("/logout", "/static/", "/api/")):
            continue
        seen.add(path)
        answer = page.request.get(site + path, max_redirects=0)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        checked += 1
        csp = answer.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "style-src 'self'" in csp, path
        body = answer.text()
        assert not INLINE_SCRIPT.search(body), path
        assert not STYLE_ATTRIBUTE.search(body), path
        for link in HREF.findall(body):
            local = urlsplit(urljoin(site + path, link))
            if f"{local.scheme}://{local.netloc}" == site and local.path:
                queue.append(local.path + (f"?{local.query}" if local.query else ""))
    context.close()

    assert checked >= 12
    assert blocked == []


def test_the_wall_of_every_enacted_draft_is_reachable_without_signing_in(
    browser: Any, site: str, world: dict[str, Any]
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{site}/drafts/{world['enacted']}")
    page.click("text=查看哪些意见被采纳")
    page.wait_for_url(f"{site}/drafts/{UUID(str(world['enacted']))}/wall")
    assert page.locator("h1").inner_text() == "我们问 · 您来说 · 我们改"
    assert not page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    context.close()
