"""Feedback to everyone, on the staff's report page: how many are owed it and for which
decision, one form with a message per decision (the default, editable), then what was done;
a bad message loses nothing; another contact point's report is not there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from typing import Any
from uuid import UUID

import httpx2
import pytest
from fastapi.testclient import TestClient

from domain.suggestion import Status, Suggestion
from liaison.commands.feedback import DEFAULT_MESSAGES
from tests.api.conftest import World
from tests.api.test_feedback import a_decided_report
from tests.forms import Browser, browsers, csrf_of
from web.app import create_app


@pytest.fixture
def browser(world: World) -> Iterator[Browser]:
    with browsers(create_app(liaison=world.liaison)) as open_as:
        yield open_as


def page_of(client: TestClient, report: dict[str, Any]) -> str:
    answer = client.get(f"/staff/reports/{report['id']}")
    assert answer.status_code == 200, answer.text
    return unescape(answer.text)


def textarea(page: str, name: str) -> str:
    found = re.search(rf'<textarea id="{name}" name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no {name} on the page"
    return found.group(1)


def send(client: TestClient, report: dict[str, Any], page: str, **messages: str) -> httpx2.Response:
    """The report page's feedback form, posted with its CSRF token and these messages."""
    return client.post(
        f"/staff/reports/{report['id']}/feedback",
        data={"csrf_token": csrf_of(page), **messages},
        follow_redirects=False,
    )


def suggestion(world: World, made: dict[str, Any]) -> Suggestion:
    return world.liaison.app.get(UUID(made["id"]), Suggestion)


def test_the_report_page_says_who_is_owed_feedback_with_the_default_message_for_each_decision(
    world: World, browser: Browser
) -> None:
    made = a_decided_report(world)

    page = page_of(browser("staff_a"), made["report"])

    # the adopted one and its two copies, the one not adopted; the third awaits the congress
    assert "还有 4 人（含被合并的意见）尚未被告知" in page
    assert "已告知：0 人。等待人大决定：1 人。" in page
    assert textarea(page, "message_adopted") == DEFAULT_MESSAGES["adopted"]
    assert textarea(page, "message_not_adopted") == DEFAULT_MESSAGES["not_adopted"]
    assert "message_partially_adopted" not in page
    assert "告知这 4 人" in page and "letters.csv" not in page
    # the table's rows say how many people each stands for: the adopted one with its copies
    table = page[page.index('<table class="report">') :]
    assert re.findall(r'<td class="n">(\d+)</td>\s*</tr>', table) == ["3", "1", "1"]


def test_one_form_tells_everyone_with_the_staff_s_own_words_and_says_what_it_did(
    world: World, browser: Browser
) -> None:
    made = a_decided_report(world)
    staff = browser("staff_a")
    page = page_of(staff, made["report"])
    own = "您的意见已被采纳，写入了第五条。欢迎继续参与。"

    sent = send(
        staff,
        made["report"],
        page,
        message_adopted=own,
        message_not_adopted=textarea(page, "message_not_adopted"),
    )

    assert sent.status_code == 303 and sent.headers["location"].endswith("done=fed_back#feedback")
    after = unescape(staff.get(sent.headers["location"]).text)
    assert "已将结果告知每一位提出意见的人" in after
    assert "已告知：4 人。等待人大决定：1 人。" in after
    assert "<textarea" not in after.split('id="feedback"')[1].split("</section>")[0]
    assert "letters.docx" in after and "letters.csv" in after
    assert suggestion(world, made["first"]).feedback == own
    assert suggestion(world, made["second"]).feedback == DEFAULT_MESSAGES["not_adopted"]
    for copy in made["copies"]:
        told = suggestion(world, copy)
        assert told.status is Status.MERGED and told.fed_back_on is not None
    assert suggestion(world, made["third"]).feedback is None


def test_a_blank_message_is_refused_where_it_was_typed_and_nobody_is_told(
    world: World, browser: Browser
) -> None:
    made = a_decided_report(world)
    staff = browser("staff_a")
    page = page_of(staff, made["report"])
    kept = "经研究，您的意见暂未采纳，我们会在今后的工作中参考。"

    refused = send(staff, made["report"], page, message_adopted="  ", message_not_adopted=kept)

    assert refused.status_code == 422
    again = unescape(refused.text)
    assert textarea(again, "message_not_adopted") == kept  # what was typed is not lost
    assert 'aria-invalid="true"' in again
    assert "已告知：0 人" in again
    assert suggestion(world, made["first"]).feedback is None
    assert suggestion(world, made["second"]).feedback is None


def test_another_contact_point_s_staff_neither_see_the_report_nor_tell_anyone(
    world: World, browser: Browser
) -> None:
    made = a_decided_report(world)
    page_of(browser("staff_a"), made["report"])  # there for its own staff
    other = browser("staff_b")
    other_token = csrf_of(other.get("/staff").text)

    assert other.get(f"/staff/reports/{made['report']['id']}").status_code == 404
    tried = other.post(
        f"/staff/reports/{made['report']['id']}/feedback",
        data={"csrf_token": other_token, "message_adopted": "x"},
    )
    assert tried.status_code == 404
    assert other.get(f"/staff/reports/{made['report']['id']}/letters.csv").status_code == 404
    assert suggestion(world, made["first"]).feedback is None
