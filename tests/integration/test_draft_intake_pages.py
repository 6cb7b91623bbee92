"""The congress's draft intake pages over a real Liaison: paste or upload, preview with its
warnings, register with the contact points asked; open, close, add a reading compared article
by article, enact. Staff and residents then see only what the draft was sent to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.draft import Draft, DraftStatus
from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.forms import Browser, browsers, csrf_of
from tests.records import word_file
from web.app import create_app

PASSWORD = "a-long-test-password"
TEXT = (
    "养老服务条例（草案）\n第一章　总则\n"
    "第一条　为了发展养老服务，制定本条例。\n"
    "第二条　本市行政区域内的养老服务适用本条例。\n"
    "第三条　养老服务应当坚持政府主导。"
)
SECOND = (
    "第一章　总则\n"
    "第一条　为了发展养老服务，满足老年人需求，制定本条例。\n"
    "第二条　本市行政区域内的养老服务适用本条例。\n"
    "第三条　养老服务应当坚持政府主导、社会参与。\n"
    "第四条　本条例自公布之日起施行。"
)


@dataclass
class City:
    liaison: Liaison
    cp_a: UUID
    cp_b: UUID


@pytest.fixture
def city(liaison: Liaison) -> City:
    app = liaison.app
    a = app.designate_contact_point("曹杨新村街道基层立法联系点", "普陀区", operator("admin")).id
    b = app.designate_contact_point("虹桥街道基层立法联系点", "长宁区", operator("admin")).id
    for name, role, cp in [
        ("congress", "congress", None),
        ("admin", "admin", None),
        ("staff_a", "staff", a),
        ("staff_b", "staff", b),
    ]:
        liaison.users.add(name, role, PASSWORD, cp)
    return City(liaison, a, b)


@pytest.fixture
def browser(city: City) -> Iterator[Browser]:
    with browsers(create_app(liaison=city.liaison)) as open_as:
        yield open_as


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no hidden {name}"
    return found.group(1)


def send(
    client: TestClient,
    path: str,
    data: dict[str, Any],
    files: dict[str, tuple[str, bytes]] | None = None,
    page: str = "/congress/drafts/new",
) -> Any:
    """A multipart form post with the session's CSRF token, not following the redirect."""
    token = csrf_of(client.get(page).text)
    return client.post(
        path,
        data={"csrf_token": token, **data},
        files=files or {"file": ("", b"")},
        follow_redirects=False,
    )


def details(city: City, **changes: Any) -> dict[str, Any]:
    return {
        "title": "养老服务条例（草案）",
        "level": "municipal",
        "issuer": "市人大常委会法工委",
        "received_on": "2021-03-01",
        "deadline": "2021-04-15",
        "contact_point_ids": [str(city.cp_a.hex), str(city.cp_b.hex)],
        "details": "1",
    } | changes


def registering(
    client: TestClient, city: City, text: str = TEXT, sent: str | None = None, **changes: Any
) -> Any:
    """The text previewed, then sent (as ``sent``, if given) with the details to register it:
    the answer, not followed."""
    shown = send(client, "/congress/drafts/new", {"text": text, "action": "preview"})
    assert shown.status_code == 200, shown.text
    return send(
        client,
        "/congress/drafts/new",
        {"text": sent or text, "action": "register", "previewed": hidden(shown.text, "previewed")}
        | details(city, **changes),
    )


def register(client: TestClient, city: City, text: str = TEXT, **changes: Any) -> UUID:
    answer = registering(client, city, text, **changes)
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(
        r"/congress/drafts/([0-9a-f-]+)/manage\?done=registered", answer.headers["location"]
    )
    assert found, answer.headers["location"]
    return UUID(found.group(1))


def test_the_congress_navigation_leads_to_the_intake_page(browser: Browser) -> None:
    client = browser("congress")

    overview = client.get("/congress").text
    page = client.get("/congress/drafts/new")

    assert 'href="/congress/drafts/new"' in overview
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'name="title"' not in page.text  # the details come once the text is previewed


def test_staff_and_residents_cannot_open_the_intake_page(browser: Browser) -> None:
    assert browser("staff_a").get("/congress/drafts/new").status_code == 403
    anonymous = browser(None).get("/congress/drafts/new", follow_redirects=False)
    assert anonymous.status_code == 303


def test_preview_shows_chapters_articles_and_warnings_first(browser: Browser) -> None:
    client = browser("congress")
    text = "第一章　总则\n第一条　甲。\n第三条　乙。\n第三条　丙。"

    page = send(client, "/congress/drafts/new", {"text": text, "action": "preview"}).text

    warnings = page.index('class="warnings"')
    assert warnings < page.index("第一章　总则</li>")
    assert "缺少" in page or "没有第2条" in page
    assert "第3条出现了不止一次" in page
    assert 'aria-invalid="true"' in page  # the text must be fixed before registering
    assert 'name="contact_point_ids"' in page


def test_the_preview_suggests_the_title_dates_and_every_point(browser: Browser, city: City) -> None:
    page = send(browser("congress"), "/congress/drafts/new", {"text": TEXT, "action": "preview"})

    assert 'value="养老服务条例（草案）"' in page.text
    assert 'value="2021-03-15"' in page.text and 'value="2021-04-14"' in page.text
    for cp in (city.cp_a, city.cp_b):
        assert re.search(rf'value="{cp.hex}" checked', page.text)


def test_an_uploaded_gb18030_file_is_previewed_not_registered(browser: Browser, city: City) -> None:
    client = browser("congress")

    page = send(
        client,
        "/congress/drafts/new",
        {"text": "", "action": "register"} | details(city),
        files={"file": ("草案.txt", TEXT.encode("gb18030"))},
    )

    assert page.status_code == 200
    assert "第二条" in page.text and "本市行政区域内的养老服务适用本条例。" in page.text
    assert city.liaison.queries.drafts(operator()) == []


def test_an_uploaded_word_file_is_read(browser: Browser) -> None:
    page = send(
        browser("congress"),
        "/congress/drafts/new",
        {"action": "preview"},
        files={"file": ("draft.docx", word_file(TEXT))},
    )

    assert page.status_code == 200
    assert "第三条" in page.text and "养老服务应当坚持政府主导。" in page.text


def test_an_unreadable_file_is_named_beside_its_field(browser: Browser) -> None:
    page = send(
        browser("congress"),
        "/congress/drafts/new",
        {"action": "preview"},
        files={"file": ("draft.pdf", b"%PDF-1.4")},
    )

    assert page.status_code == 422
    assert 'id="file-error"' in page.text


def test_registering_asks_only_the_ticked_points(browser: Browser, city: City) -> None:
    client = browser("congress")

    draft_id = register(client, city, contact_point_ids=[city.cp_b.hex])

    draft = city.liaison.app.get(draft_id, Draft)
    assert draft.contact_point_ids == (city.cp_b,)
    page = client.get(f"/congress/drafts/{draft_id}/manage?done=registered").text
    assert "虹桥街道基层立法联系点" in page and "曹杨新村街道基层立法联系点" not in page


def test_every_point_ticked_asks_all_of_them(browser: Browser, city: City) -> None:
    draft_id = register(browser("congress"), city)

    assert city.liaison.app.get(draft_id, Draft).asks_all


def test_missing_details_are_shown_beside_their_fields_with_the_input_kept(
    browser: Browser, city: City
) -> None:
    answer = registering(
        browser("congress"), city, issuer="", deadline="2021-02-01", contact_point_ids=[]
    )

    assert answer.status_code == 422
    for field in ("issuer", "deadline", "contact_point_ids"):
        assert f'id="{field}-error"' in answer.text, field
    assert 'value="养老服务条例（草案）"' in answer.text
    assert city.liaison.queries.drafts(operator()) == []


def test_a_text_changed_after_its_preview_is_previewed_again(browser: Browser, city: City) -> None:
    answer = registering(browser("congress"), city, sent=SECOND)

    assert answer.status_code == 422
    assert city.liaison.queries.drafts(operator()) == []


def test_open_and_close_are_confirmed_first(browser: Browser, city: City) -> None:
    client = browser("congress")
    draft_id = register(client, city)

    asked = client.get(f"/congress/drafts/{draft_id}/open")
    assert asked.status_code == 200
    assert city.liaison.app.get(draft_id, Draft).status is DraftStatus.RECEIVED
    opened = send(client, f"/congress/drafts/{draft_id}/open", {})
    assert opened.headers["location"].endswith("done=opened")
    assert city.liaison.app.get(draft_id, Draft).status is DraftStatus.OPEN
    closed = send(client, f"/congress/drafts/{draft_id}/close", {})
    assert closed.headers["location"].endswith("done=closed")
    assert city.liaison.app.get(draft_id, Draft).status is DraftStatus.CLOSED


def test_a_reading_is_compared_article_by_article_then_added(browser: Browser, city: City) -> None:
    client = browser("congress")
    draft_id = register(client, city)
    path = f"/congress/drafts/{draft_id}/readings"

    shown = send(client, path, {"label": "二审稿", "text": SECOND, "action": "preview"})

    assert shown.status_code == 200, shown.text
    assert "<ins>" in shown.text and "满足老年人需求" in shown.text
    assert "新增条文" in shown.text  # 第四条 is new
    added = send(
        client,
        path,
        {
            "label": "二审稿",
            "text": SECOND,
            "action": "add",
            "previewed": re.findall(r'name="previewed" value="([^"]*)"', shown.text)[0],
        },
    )
    assert added.status_code == 303, added.text
    assert [v.label for v in city.liaison.app.get(draft_id, Draft).versions][-1] == "二审稿"


def test_a_reading_without_a_new_name_is_refused_beside_the_field(
    browser: Browser, city: City
) -> None:
    client = browser("congress")
    draft_id = register(client, city)

    answer = send(
        client,
        f"/congress/drafts/{draft_id}/readings",
        {"label": "征求意见稿", "text": SECOND, "action": "preview"},
    )

    assert answer.status_code == 422
    assert 'id="label-error"' in answer.text


def test_enacting_records_the_text_as_passed_and_its_date(browser: Browser, city: City) -> None:
    client = browser("congress")
    draft_id = register(client, city)
    path = f"/congress/drafts/{draft_id}/enact"

    shown = send(client, path, {"enacted_on": "2021-03-15", "text": SECOND, "action": "preview"})
    previewed = re.findall(r'name="previewed" value="([^"]*)"', shown.text)[1]
    done = send(
        client,
        path,
        {"enacted_on": "2021-03-15", "text": SECOND, "action": "enact", "previewed": previewed},
    )

    assert done.status_code == 303, done.text
    draft = city.liaison.app.get(draft_id, Draft)
    assert draft.status is DraftStatus.ENACTED and draft.enacted_on == date(2021, 3, 15)
    assert len(draft.current.articles) == 4


def test_staff_see_a_newly_assigned_draft_on_their_to_do(browser: Browser, city: City) -> None:
    draft_id = register(browser("congress"), city, contact_point_ids=[city.cp_a.hex])

    theirs = browser("staff_a").get("/staff").text
    others = browser("staff_b").get("/staff").text
    other_drafts = browser("staff_b").get("/staff/drafts").text

    assert "养老服务条例（草案）" in theirs and "2021-04-15" in theirs
    assert "养老服务条例（草案）" not in others
    assert "养老服务条例（草案）" not in other_drafts
    assert browser("staff_b").get(f"/staff/drafts/{draft_id}").status_code == 404


def test_staff_cannot_schedule_a_session_on_a_draft_not_sent_to_them(
    browser: Browser, city: City
) -> None:
    draft_id = register(browser("congress"), city, contact_point_ids=[city.cp_a.hex])

    form = browser("staff_b").get("/staff/sessions/new").text

    assert str(draft_id.hex) not in form and str(draft_id) not in form


def test_the_public_form_offers_only_the_points_asked(browser: Browser, city: City) -> None:
    client = browser("congress")
    draft_id = register(client, city, contact_point_ids=[city.cp_b.hex])
    send(client, f"/congress/drafts/{draft_id}/open", {})

    page = browser(None).get(f"/drafts/{draft_id}").text

    assert "虹桥街道基层立法联系点" in page
    assert "曹杨新村街道基层立法联系点" not in page
    assert re.search(rf'value="{city.cp_b.hex}" selected', page)  # the only one


def test_the_address_can_preselect_a_contact_point(browser: Browser, city: City) -> None:
    client = browser("congress")
    draft_id = register(client, city)
    send(client, f"/congress/drafts/{draft_id}/open", {})
    public = browser(None)

    chosen = public.get(f"/drafts/{draft_id}?contact_point_id={city.cp_a}").text
    plain = public.get(f"/drafts/{draft_id}").text

    assert re.search(rf'value="{city.cp_a.hex}" selected', chosen)
    assert not re.search(r'value="[0-9a-f]{32}" selected', plain)
