"""A staff member's afternoon in a real browser: a session run from the keyboard, the opinions
organised, a report built and its Word file downloaded."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import pytest
from docx import Document

from domain.suggestion import Status, Suggestion
from liaison.bootstrap import Liaison
from liaison.rights import operator
from projections.dashboard import session_opinions
from projections.listings import list_sessions
from tests.e2e.conftest import AXE, DESK, PHONE, serious_violations, sign_in
from tests.records import CAOYANG, add_users, draft_received

pytestmark = pytest.mark.e2e

TEXT = (
    "第一章　总则\n第一条　为了保护个人信息权益，规范个人信息处理活动，制定本法。\n"
    "第二条　自然人的个人信息受法律保护。\n第三条　处理个人信息应当遵循合法、正当、必要原则。"
)
SAID = [
    "建议把行踪轨迹列入敏感个人信息。",
    "建议把行踪轨迹也列入敏感个人信息",
]


@pytest.fixture
def seeded(liaison: Liaison) -> dict[str, Any]:
    app = liaison.app
    cp = app.designate_contact_point(*CAOYANG, operator("admin")).id
    add_users(liaison, ("caoyang", "staff", cp))
    return {"cp": cp, "draft": draft_received(app, TEXT)}


def submit(page: Any, button: Any) -> None:
    """Click a button that posts its form, and wait for the page that answers."""
    with page.expect_navigation():
        button.click()


def focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_staff_run_a_session_organise_its_opinions_and_report_them(
    browser: Any, site: str, liaison: Liaison, seeded: dict[str, Any]
) -> None:
    context = browser.new_context(viewport=DESK, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(5000)

    # sign in: staff land on their desk
    sign_in(page, site, "caoyang", lands_on="/staff")
    assert page.locator("h1").inner_text() == "待办事项"

    # schedule a symposium on the draft
    page.click("text=安排征询活动")
    page.check(f"input[name=draft_ids][value='{seeded['draft'].hex}']")
    page.fill("#title", "个人信息保护法草案座谈会")
    page.fill("#venue", "社区中心三楼")
    page.click("button:has-text('安排活动')")
    page.wait_for_url(f"{site}/staff/sessions/*")
    with liaison.engine.connect() as conn:
        (session,) = list_sessions(conn, seeded["cp"])

    # a newcomer registers at the door
    page.fill("#p-name", "王建国")
    page.select_option("#p-kind", "resident")
    page.fill("#p-neighbourhood", "杏梅居委")
    page.check("input[name=consent_to_contact]")
    page.click("button:has-text('登记并记为到场')")
    assert "王建国" in page.locator("#attendance").inner_text()

    # three opinions, entered from the keyboard alone
    page.click("text=录入本草案的意见")
    page.wait_for_url("**/opinions")
    assert focused(page) == "content"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "participant_id"
    page.keyboard.press("ArrowDown")  # from anonymous to the one person present
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # from the whole draft to article 1
    page.keyboard.press("Tab")
    for words in SAID:
        assert focused(page) == "content"
        page.keyboard.type(words)
        page.keyboard.press("Tab")
        assert focused(page) == ""  # the submit button has no id
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert focused(page) == "content"
    page.keyboard.type("老年人不会用手机。")
    page.keyboard.press("Enter")  # a new line, not a submission
    page.keyboard.type("办事应当保留线下渠道。")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已保存" in page.locator(".saved").inner_text()
    assert page.locator("ol.so-far > li").count() == 3

    with liaison.engine.connect() as conn:
        first, second, third = (
            liaison.app.get(UUID(r["id"]), Suggestion)
            for r in session_opinions(conn, UUID(session["id"]))
        )
    assert [first.content, second.content] == SAID
    assert third.content == "老年人不会用手机。\n办事应当保留线下渠道。"
    assert first.article == 1 and first.participant_id is not None
    assert third.channel.value == "session"

    # the session was held
    page.goto(f"{site}/staff/sessions/{session['id']}")
    page.fill("#minutes", "到会居民1人，发表意见3条。")
    page.click("button:has-text('标记为已举行')")
    assert "已举行" in page.locator("dl.facts").inner_text()

    # organise: the repeat is merged into the first, which is reworded and accepted
    page.goto(f"{site}/staff/drafts/{seeded['draft']}/screening")
    repeat = page.locator(f"#s-{second.id.hex}")
    assert "相似度" in repeat.locator(".similar").inner_text()
    repeat.locator("summary:has-text('合并到其他意见')").click()
    assert repeat.locator("select[name=into]").input_value() == first.id.hex
    submit(page, repeat.locator("button:has-text('合并…')"))
    assert page.locator("h1").inner_text() == "确定把这条意见合并到另一条吗？"  # asks first
    submit(page, page.locator("main button:has-text('合并')"))

    kept = page.locator(f"#s-{first.id.hex}")
    kept.locator("summary:has-text('修改文字')").click()
    kept.locator("textarea[name=content]").fill("建议将行踪轨迹信息列为敏感个人信息。")
    submit(page, kept.locator("button:has-text('保存修改')"))
    kept = page.locator(f"#s-{first.id.hex}")
    assert "建议把行踪轨迹列入敏感个人信息。" in kept.locator(".original").inner_text()
    submit(page, kept.locator("button.accept"))
    submit(page, page.locator(f"#s-{third.id.hex} button.accept"))

    def status(suggestion: Suggestion) -> Status:
        return liaison.app.get(suggestion.id, Suggestion).status

    assert [status(first), status(second), status(third)] == [
        Status.ACCEPTED,
        Status.MERGED,
        Status.ACCEPTED,
    ]

    # build the report: both accepted opinions are ticked already
    page.goto(f"{site}/staff/drafts/{seeded['draft']}/report")
    assert page.locator("input[name=suggestion_ids]:checked").count() == 2
    page.click("button:has-text('预览汇总表')")
    assert page.locator(".preview tbody tr").count() == 2
    submit(page, page.locator("button:has-text('提交报送…')"))
    assert "将报送 2 条意见" in page.locator("main").inner_text()  # asks first
    page.click("main button:has-text('提交报送')")
    page.wait_for_url(f"{site}/staff/reports/*")

    with page.expect_download() as download:
        page.click("text=下载 Word 文件（DOCX）")
    document = Document(download.value.path())
    row = [cell.text for cell in document.tables[0].rows[1].cells]
    assert row[:5] == [
        "1",
        "第一条",
        "建议将行踪轨迹信息列为敏感个人信息。\n原始意见：建议把行踪轨迹列入敏感个人信息。",
        "座谈会（个人信息保护法草案座谈会）",
        "居民",
    ]
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_the_desk_pages_have_no_serious_accessibility_violations(
    browser: Any, site: str, liaison: Liaison, seeded: dict[str, Any], viewport: dict[str, int]
) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` at the repository root")
    app, cp, draft = liaison.app, seeded["cp"], seeded["draft"]
    starts = datetime(2021, 3, 15, 14, 0, tzinfo=app.clock.zone)
    session = app.schedule_session(
        cp, [draft], "symposium", "座谈会", starts, operator("caoyang")
    ).id
    person = app.register_participant(cp, "王建国", "resident", operator("caoyang")).id
    app.record_attendance(session, [person], operator("caoyang"))
    said = [
        app.record_suggestion(
            cp, draft, words, "session", operator("caoyang"), article=1, session_id=session
        )
        for words in SAID
    ]
    context = browser.new_context(viewport=viewport, bypass_csp=True)  # axe is a script
    page = context.new_page()
    page.set_default_timeout(5000)
    sign_in(page, site, "caoyang", lands_on="/staff")
    found = {}
    for path in [
        "/staff",
        "/staff/drafts",
        f"/staff/sessions/{session}",
        f"/staff/sessions/{session}/drafts/{draft}/opinions",
        f"/staff/drafts/{draft}/screening",
        f"/staff/suggestions/{said[0].id}",
    ]:
        page.goto(site + path)
        found[path] = serious_violations(page)
    page.locator("summary:has-text('不予报送')").click()  # a refusal, its error beside the field
    submit(page, page.locator("button.secondary:has-text('不予报送…')"))
    found["rejection asked"] = serious_violations(page)
    submit(page, page.locator("main button:has-text('不予报送')"))
    found["refused rejection"] = serious_violations(page)
    context.close()

    assert {path: v for path, v in found.items() if v} == {}
