"""The desk in a real browser, for what only a browser shows: the message after an action is
announced and seen at the top, a refused form puts the cursor on its first error, a rejection
asks first, and a wrongly ticked attendee leaves the session page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from domain.session import ConsultationSession
from domain.suggestion import Status, Suggestion
from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.e2e.conftest import DESK, sign_in
from tests.records import CAOYANG, add_users, draft_received

pytestmark = pytest.mark.e2e

TEXT = (
    "第一章　总则\n第一条　为了保护个人信息权益，制定本法。\n第二条　自然人的个人信息受法律保护。"
)


@pytest.fixture
def seeded(liaison: Liaison) -> dict[str, Any]:
    app = liaison.app
    cp = app.designate_contact_point(*CAOYANG, operator("admin")).id
    add_users(liaison, ("caoyang", "staff", cp))
    draft = draft_received(app, TEXT)
    starts = datetime(2021, 3, 15, 14, 0, tzinfo=app.clock.zone)
    session = app.schedule_session(cp, [draft], "symposium", "座谈会", starts, operator("caoyang"))
    came = app.register_participant(cp, "王建国", "resident", operator("caoyang")).id
    wrong = app.register_participant(cp, "李错勾", "resident", operator("caoyang")).id
    app.record_attendance(session.id, [came, wrong], operator("caoyang"))
    said = app.record_suggestion(
        cp, draft, "与本草案无关的意见。", "session", operator("caoyang"), session_id=session.id
    )
    return {"session": session.id, "came": came, "wrong": wrong, "said": said.id}


@pytest.fixture
def page(browser: Any, site: str, seeded: dict[str, Any]) -> Any:
    """Signed in as the desk's staff member, once the records are made."""
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    page.set_default_timeout(5000)
    sign_in(page, site, "caoyang", lands_on="/staff")
    yield page
    context.close()


def submit(page: Any, button: Any) -> None:
    with page.expect_navigation():
        button.click()


def test_the_message_after_an_action_is_announced_and_seen_at_the_top(
    page: Any, site: str, seeded: dict[str, Any]
) -> None:
    page.goto(f"{site}/staff/sessions/{seeded['session']}")
    page.fill("#minutes", "到会2人。")
    submit(page, page.locator("button:has-text('标记为已举行')"))

    status = page.locator("[role=status]")
    assert status.inner_text() == "活动已标记为已举行。"
    assert status.is_visible()
    box, heading = status.bounding_box(), page.locator("main h1").bounding_box()
    assert 0 <= box["y"] < heading["y"]  # above the page's heading, in the first screen
    assert box["y"] + box["height"] <= DESK["height"]


def test_a_rejection_asks_first_and_a_refused_one_puts_the_cursor_on_the_reason(
    page: Any, site: str, liaison: Liaison, seeded: dict[str, Any]
) -> None:
    said = seeded["said"]
    page.goto(f"{site}/staff/suggestions/{said}")
    page.locator("summary:has-text('不予报送')").click()
    submit(page, page.locator("button.secondary:has-text('不予报送…')"))

    assert page.locator("main h1").inner_text() == "确定不予报送这条意见吗？"
    assert liaison.app.get(said, Suggestion).status is Status.RECEIVED  # nothing yet
    submit(page, page.locator("main button:has-text('不予报送')"))  # no reason was given

    reason = f"reject-{said.hex}"
    assert page.evaluate("document.activeElement && document.activeElement.id") == reason
    assert page.locator(f"#{reason}").get_attribute("aria-invalid") == "true"
    assert liaison.app.get(said, Suggestion).status is Status.RECEIVED

    page.fill(f"#{reason}", "与本草案无关")
    submit(page, page.locator("button.secondary:has-text('不予报送…')"))
    assert "与本草案无关" in page.locator("main").inner_text()
    submit(page, page.locator("main button:has-text('不予报送')"))
    assert liaison.app.get(said, Suggestion).status is Status.REJECTED


def test_removing_a_wrongly_ticked_attendee_updates_the_session_page(
    page: Any, site: str, liaison: Liaison, seeded: dict[str, Any]
) -> None:
    page.goto(f"{site}/staff/sessions/{seeded['session']}")
    who_came = page.locator("#attendance ul.people")
    assert "李错勾" in who_came.inner_text()

    wrong = who_came.locator("li", has_text="李错勾")
    wrong.locator("summary").click()
    wrong.locator("input[name=reason]").fill("并未到会，误勾选")
    submit(page, wrong.locator("button"))

    assert "李错勾" not in page.locator("#attendance ul.people").inner_text()
    assert "王建国" in page.locator("#attendance ul.people").inner_text()
    assert page.locator("#attendance h2 .count").inner_text() == "1"
    assert "已从到会名单中移除" in page.locator("[role=status]").inner_text()
    session = liaison.app.get(seeded["session"], ConsultationSession)
    assert session.participant_ids == [seeded["came"]]
