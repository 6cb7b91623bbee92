"""A big draft's trace is paged: counts per article, a few suggestions each, "more…" pages
one article, over the API and on the congress's page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from liaison.bootstrap import Liaison
from liaison.rights import operator
from projections.traceability import ARTICLE_LIMIT, OVERVIEW_LIMIT
from tests.forms import sign_in
from tests.records import PASSWORD

TEXT = "第一条　总则。\n第二条　细则。"
ON_ONE = OVERVIEW_LIMIT + ARTICLE_LIMIT + 3  # a first glance, a full page, and three more


@pytest.fixture
def draft(liaison: Liaison) -> tuple[UUID, UUID, list[str]]:
    app = liaison.app
    cp = app.designate_contact_point("A 街道", "普陀区", operator("admin")).id
    liaison.users.add("congress", "congress", PASSWORD, None)
    draft_id = app.receive_draft(
        "草案", "national", "法工委", date(2021, 2, 1), date(2021, 4, 30), TEXT, operator("admin")
    ).id
    words = []
    for i in range(ON_ONE):
        day = date(2021, 2, 2) + timedelta(days=i)  # one a day: the order is plain
        words.append(f"第{i:02d}条意见")
        app.record_suggestion(
            cp, draft_id, words[-1], "letter", operator("s"), article=1, received_on=day
        )
    app.record_suggestion(
        cp, draft_id, "整体意见", "letter", operator("s"), received_on=date(2021, 2, 3)
    )
    return draft_id, cp, words


def _token(client: TestClient) -> dict[str, str]:
    answer = client.post("/api/v1/token", data={"username": "congress", "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_the_api_counts_every_article_and_pages_one(
    client: TestClient, draft: tuple[UUID, UUID, list[str]]
) -> None:
    draft_id, cp, ordered = draft
    auth = _token(client)
    url = f"/api/v1/drafts/{draft_id}/trace"

    overview = client.get(url, params={"limit": OVERVIEW_LIMIT}, headers=auth).json()
    unasked = client.get(url, headers=auth).json()
    narrowed = client.get(url, params={"contact_point_id": str(cp)}, headers=auth).json()
    page = client.get(url, params={"article": 1, "offset": OVERVIEW_LIMIT}, headers=auth).json()
    last = client.get(url, params={"article": 1, "offset": 25, "limit": 5}, headers=auth).json()
    general = client.get(url, params={"article": "general"}, headers=auth).json()

    first = overview["articles"][0]
    assert overview["suggestion_count"] == ON_ONE + 1 and overview["general_count"] == 1
    assert first["suggestion_count"] == ON_ONE
    assert [s["content"] for s in first["suggestions"]] == ordered[:OVERVIEW_LIMIT]
    # a client that does not ask gets every suggestion of a draft this size, as before paging
    assert [s["content"] for s in unasked["articles"][0]["suggestions"]] == ordered
    assert overview["articles"][1]["suggestion_count"] == 0
    assert narrowed["suggestion_count"] == overview["suggestion_count"]
    assert [a["number"] for a in page["articles"]] == [1] and page["general"] == []
    shown = [s["content"] for s in page["articles"][0]["suggestions"]]
    assert shown == ordered[OVERVIEW_LIMIT : OVERVIEW_LIMIT + ARTICLE_LIMIT]
    assert [s["content"] for s in last["articles"][0]["suggestions"]] == ordered[25:]
    assert general["articles"] == [] and [s["content"] for s in general["general"]] == ["整体意见"]


@pytest.mark.parametrize(
    ("params", "status"),
    [({"article": 3}, 404), ({"article": "x"}, 422), ({"offset": -1}, 422), ({"limit": 501}, 422)],
)
def test_a_page_that_cannot_be_is_refused(
    client: TestClient, draft: tuple[UUID, UUID, list[str]], params: dict, status: int
) -> None:
    answer = client.get(f"/api/v1/drafts/{draft[0]}/trace", params=params, headers=_token(client))
    assert answer.status_code == status


def test_the_page_shows_a_first_glance_and_more_pages_through_one_article(
    client: TestClient, draft: tuple[UUID, UUID, list[str]]
) -> None:
    draft_id, _, ordered = draft
    sign_in(client, "congress")

    overview = client.get(f"/congress/drafts/{draft_id}").text
    more = re.search(r'href="([^"]*article=1&amp;offset=(\d+)[^"]*)" rel="next"', overview)
    assert more is not None and int(more.group(2)) == OVERVIEW_LIMIT
    page = client.get(more.group(1).replace("&amp;", "&"))
    following = re.search(r'href="([^"]*offset=(\d+)[^"]*)" rel="next"', page.text)

    assert f"{ON_ONE}条" in overview  # the article's count, not just what is shown
    assert ordered[OVERVIEW_LIMIT - 1] in overview and ordered[OVERVIEW_LIMIT] not in overview
    assert page.status_code == 200
    assert ordered[OVERVIEW_LIMIT] in page.text and ordered[OVERVIEW_LIMIT - 1] not in page.text
    assert "返回全部条文" in page.text and "整体意见" not in page.text
    assert following is not None and int(following.group(2)) == OVERVIEW_LIMIT + ARTICLE_LIMIT
    assert client.get(f"/congress/drafts/{draft_id}?article=9").status_code == 404
