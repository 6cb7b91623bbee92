"""The minimal site and public API over a real SQLite file."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.records import draft_received, municipal_draft

TEXT = (
    "第一章　总则\n第一条　为了保护<b>个人信息</b>，制定本法。\n"
    "第二条　自然人的个人信息受法律保护。"
)


@pytest.fixture
def drafts(liaison: Liaison) -> dict[str, str]:
    app = liaison.app
    opened = draft_received(app, TEXT)
    closed = municipal_draft(
        app, TEXT, received_on=date(2021, 1, 1), deadline=date(2021, 1, 31), open_it=False
    )
    return {"open": str(opened), "closed": str(closed)}


def test_the_home_page_lists_open_drafts_first(client: TestClient, drafts: dict[str, str]) -> None:
    page = client.get("/")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    body = page.text
    assert (
        body.index("个人信息保护法（草案）")
        < body.index("往期草案")
        < body.index("数据条例（草案）")
    )


def test_a_draft_page_shows_its_articles_escaped(
    client: TestClient, drafts: dict[str, str]
) -> None:
    page = client.get(f"/drafts/{drafts['open']}")

    assert page.status_code == 200
    assert "第一章　总则" in page.text and "第二条" in page.text
    assert "&lt;b&gt;个人信息&lt;/b&gt;" in page.text and "<b>" not in page.text


def test_the_public_api_serves_only_open_drafts(client: TestClient, drafts: dict[str, str]) -> None:
    listed = client.get("/api/v1/public/drafts").json()
    one = client.get(f"/api/v1/public/drafts/{drafts['open']}").json()

    assert [d["id"] for d in listed] == [drafts["open"]]
    assert [a["number"] for a in one["articles"]] == [1, 2]
    assert client.get(f"/api/v1/public/drafts/{drafts['closed']}").status_code == 404
    assert client.get("/api/v1/public/drafts/not-a-uuid").status_code == 422


def test_unknown_pages_are_404_not_500(client: TestClient) -> None:
    assert client.get("/drafts/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/static/site.css").status_code == 200


# -- commenting on a draft's page ------

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def comment_form(client: TestClient, draft_id: str) -> dict[str, str]:
    page = client.get(f"/drafts/{draft_id}").text
    return {
        "csrf_token": CSRF.findall(page)[0],
        "idempotency_key": KEY.findall(page)[-1],  # the whole draft's form
        "contact_point_id": "",
        "article": "",
        "content": "",
    }


@pytest.fixture
def contact_point(liaison: Liaison) -> str:
    app = liaison.app
    return str(
        app.designate_contact_point("曹杨新村街道基层立法联系点", "普陀区", operator("admin")).id
    )


def send(client: TestClient, draft_id: str, form: dict[str, str]) -> Any:
    return client.post(f"/drafts/{draft_id}/comments", data=form, follow_redirects=False)


def test_changed_words_sent_again_from_the_same_form_are_a_new_comment(
    client: TestClient, drafts: dict[str, str], contact_point: str
) -> None:
    form = comment_form(client, drafts["open"]) | {"contact_point_id": contact_point}

    first = send(client, drafts["open"], form | {"content": "建议保护老年人。"})
    again = send(client, drafts["open"], form | {"content": "建议保护老年人。"})
    changed = send(client, drafts["open"], form | {"content": "建议保护老年人和儿童。"})

    assert first.status_code == again.status_code == changed.status_code == 303
    assert again.headers["location"] == first.headers["location"]  # a double tap: one receipt
    assert changed.headers["location"] != first.headers["location"]


def test_a_wrong_phone_opens_the_optional_section_and_marks_the_field(
    client: TestClient, drafts: dict[str, str], contact_point: str
) -> None:
    form = comment_form(client, drafts["open"]) | {"contact_point_id": contact_point}

    refused = send(client, drafts["open"], form | {"content": "建议。", "phone": "12345"})

    assert refused.status_code == 422
    html = refused.text
    phone = re.search(r'<input id="phone-all"[^>]*>', html)
    assert phone is not None
    assert 'aria-invalid="true"' in phone.group(0) and "autofocus" in phone.group(0)
    assert 'aria-describedby="phone-error-all"' in phone.group(0)
    assert 'id="phone-error-all"' in html
    whole = html[html.index('id="whole"') :]
    assert "<details open>" in whole
    assert 'value="12345"' in whole and "建议。" in whole


def test_switching_language_after_a_refused_comment_goes_to_the_draft_page(
    client: TestClient, drafts: dict[str, str], contact_point: str
) -> None:
    form = comment_form(client, drafts["open"])
    refused = send(client, drafts["open"], form | {"content": "建议。"})

    switch = re.search(r'href="([^"]+)" lang="en" hreflang="en"', refused.text)

    assert refused.status_code == 422 and switch is not None
    assert switch.group(1) == f"/drafts/{drafts['open']}?lang=en"
    assert client.get(switch.group(1)).status_code == 200


def test_switching_language_keeps_the_query_of_a_page(client: TestClient) -> None:
    page = client.get("/receipts?code=")

    assert 'href="/receipts?code=&amp;lang=en"' in page.text


def test_a_long_opinion_is_refused_with_its_words_kept_never_cut(
    client: TestClient, drafts: dict[str, str], contact_point: str
) -> None:
    page = client.get(f"/drafts/{drafts['open']}").text
    assert 'maxlength="5000"' not in page and 'data-limit="5000"' in page

    form = comment_form(client, drafts["open"]) | {"contact_point_id": contact_point}
    words = "很" * 5001
    refused = send(client, drafts["open"], form | {"content": words})

    assert refused.status_code == 422 and words in refused.text


def test_after_the_deadline_day_the_draft_takes_no_public_comments(
    client: TestClient, liaison: Liaison, drafts: dict[str, str], contact_point: str, clock: Any
) -> None:
    form = comment_form(client, drafts["open"]) | {"contact_point_id": contact_point}
    clock.day = date(2021, 3, 31)  # the deadline day itself: still open
    assert send(client, drafts["open"], form | {"content": "最后一天的意见。"}).status_code == 303

    clock.day = date(2021, 4, 1)
    late = send(client, drafts["open"], form | {"content": "晚到的意见。"})
    page = client.get(f"/drafts/{drafts['open']}").text
    home = client.get("/").text
    answer = client.post(
        f"/api/v1/public/drafts/{drafts['open']}/comments",
        json={"contact_point_id": contact_point, "content": "晚到的意见。"},
    )

    assert late.status_code == 422
    assert "征求意见已于2021-03-31结束" in late.text and "晚到的意见。" in late.text
    assert "征求意见已于2021-03-31结束" in page and 'action="/drafts/' not in page
    assert home.index("往期草案") < home.index("个人信息保护法（草案）")
    assert answer.status_code == 409


def test_earlier_drafts_are_listed_newest_first(
    client: TestClient, liaison: Liaison, drafts: dict[str, str]
) -> None:
    app = liaison.app
    for title, received_on, deadline in [
        ("物业条例（草案）", date(2020, 1, 1), date(2020, 2, 1)),
        ("养老条例（草案）", date(2020, 6, 1), date(2021, 2, 1)),
    ]:
        municipal_draft(app, TEXT, title, received_on=received_on, deadline=deadline, open_it=False)

    home = client.get("/").text
    earlier = home[home.index("往期草案") :]

    assert earlier.index("养老条例") < earlier.index("数据条例") < earlier.index("物业条例")


# -- the receipt page ------


def test_a_receipt_shows_the_words_the_reason_and_the_article_as_the_draft_writes_it(
    client: TestClient, liaison: Liaison, drafts: dict[str, str], contact_point: str
) -> None:
    app = liaison.app
    said = app.comment_publicly(UUID(drafts["open"]), UUID(contact_point), "与本条无关的话。", 2)
    app.screen_suggestion(said.id, "reject", operator("admin"), reason="与草案内容无关")

    page = client.get(f"/receipts/{said.receipt}").text

    assert "第二条" in page and "第2条" not in page
    assert "与本条无关的话。" in page and "与草案内容无关" in page
    assert f'href="/drafts/{drafts["open"]}"' in page
    assert "未予报送" in page


def test_a_receipt_code_typed_in_full_width_is_found(
    client: TestClient, liaison: Liaison, drafts: dict[str, str], contact_point: str
) -> None:
    said = liaison.app.comment_publicly(UUID(drafts["open"]), UUID(contact_point), "建议。")
    typed = said.receipt.replace("-", "－").translate(
        {ord(c): ord(c) + 0xFEE0 for c in "ABCDEFGHJKMNPQRSTUVWXYZ23456789"}
    )

    found = client.get("/receipts", params={"code": typed})

    assert found.status_code == 200 and said.receipt in found.text
