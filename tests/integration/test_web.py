"""The minimal site and public API over a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from liaison.bootstrap import Liaison
from tests.records import draft_received
from web.app import create_app

TEXT = (
    "第一章　总则\n第一条　为了保护<b>个人信息</b>，制定本法。\n"
    "第二条　自然人的个人信息受法律保护。"
)


@pytest.fixture
def client(liaison: Liaison) -> Iterator[TestClient]:
    with TestClient(create_app(liaison=liaison)) as client:
        yield client


@pytest.fixture
def drafts(liaison: Liaison) -> dict[str, str]:
    app = liaison.app
    opened = draft_received(app, TEXT)
    closed = draft_received(
        app,
        TEXT,
        title="数据条例（草案）",
        level="municipal",
        issuer="市人大",
        received_on=date(2021, 1, 1),
        deadline=date(2021, 1, 31),
        open_it=False,
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
