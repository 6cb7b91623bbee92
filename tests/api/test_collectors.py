"""Collectors through the API: batches once per client key, their own records, and every
other door shut (participants, statistics, other points, other collectors' records)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from domain.suggestion import Suggestion
from tests.api.conftest import PASSWORD, World, _token


@pytest.fixture
def collectors(world: World) -> World:
    users = world.liaison.users
    users.add("lao_li", "collector", PASSWORD, UUID(world.cp_a))
    users.add("lao_wang", "collector", PASSWORD, UUID(world.cp_a))
    for name in ("lao_li", "lao_wang"):
        world.headers[name] = _token(world.client, name)
    return world


def _item(world: World, draft: dict[str, Any], key: str, **more: Any) -> dict[str, Any]:
    return {
        "client_key": key,
        "contact_point_id": world.cp_a,
        "draft_id": draft["id"],
        "article": 1,
        "content": "建议在小区公告栏张贴草案。",
    } | more


def test_a_batch_is_recorded_once_however_often_it_is_sent(collectors: World) -> None:
    w = collectors
    draft = w.new_draft()
    items = [_item(w, draft, f"phone-1:{n}", content=f"意见{n}") for n in range(4)]
    first = w.ok(w.post("lao_li", "/api/v1/suggestions/batch", {"items": items}))["results"]
    again = w.ok(w.post("lao_li", "/api/v1/suggestions/batch", {"items": items}))["results"]
    assert [r["status"] for r in first] == ["created"] * 4
    assert [r["status"] for r in again] == ["duplicate"] * 4
    assert [r["receipt"] for r in again] == [r["receipt"] for r in first]
    listed = w.ok(w.get("staff_a", "/api/v1/suggestions", params={"draft_id": draft["id"]}))
    assert sorted(s["receipt"] for s in listed) == sorted(r["receipt"] for r in first)
    assert {s["channel"] for s in listed} == {"collector"}


def test_malformed_items_are_answered_one_by_one(collectors: World) -> None:
    w = collectors
    draft = w.new_draft()
    items = [
        _item(w, draft, "ok-1"),
        _item(w, draft, "no-draft", draft_id="not-a-uuid"),
        _item(w, draft, "too-long", content="字" * 100_000),
        _item(w, draft, "elsewhere", contact_point_id=w.cp_b),
        _item(w, draft, "ok-2", said_by="居民原话：楼道不能堆杂物", content="老人反映"),
    ]
    results = w.ok(w.post("lao_li", "/api/v1/suggestions/batch", {"items": items}))["results"]
    assert [(r["client_key"], r["status"]) for r in results] == [
        ("ok-1", "created"),
        ("no-draft", "invalid"),
        ("too-long", "invalid"),
        ("elsewhere", "invalid"),
        ("ok-2", "created"),
    ]
    assert results[1]["errors"][0]["field"] == "draft_id"


def test_a_collector_reads_only_their_own_records(collectors: World) -> None:
    w = collectors
    draft = w.new_draft()
    [li] = w.ok(w.post("lao_li", "/api/v1/suggestions/batch", {"items": [_item(w, draft, "k")]}))[
        "results"
    ]
    [wang] = w.ok(
        w.post("lao_wang", "/api/v1/suggestions/batch", {"items": [_item(w, draft, "k")]})
    )["results"]
    mine = w.ok(w.get("lao_li", "/api/v1/suggestions/collected"))
    assert [row["receipt"] for row in mine] == [li["receipt"]]
    staff_view = w.ok(w.get("staff_a", "/api/v1/suggestions", params={"draft_id": draft["id"]}))
    ids = {s["receipt"]: s["id"] for s in staff_view}
    assert w.get("lao_li", f"/api/v1/suggestions/{ids[li['receipt']]}").status_code == 200
    assert w.get("lao_li", f"/api/v1/suggestions/{ids[wang['receipt']]}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/suggestions"),
        ("get", "/api/v1/sessions"),
        ("get", "/api/v1/stats"),
        ("get", "/api/v1/stats/channels"),
        ("get", "/api/v1/stats/ranking"),
        ("get", "/api/v1/reports"),
        ("get", "/api/v1/events"),
        ("get", "/api/v1/users"),
        ("post", "/api/v1/participants"),
        ("post", "/api/v1/suggestions"),
    ],
)
def test_every_other_door_is_shut_to_a_collector(collectors: World, method: str, path: str) -> None:
    w = collectors
    body = {
        "contact_point_id": w.cp_a,
        "name": "王秀英",
        "kind": "resident",
        "consent_to_contact": False,
    }
    answer = w.get("lao_li", path) if method == "get" else w.post("lao_li", path, body)
    assert answer.status_code in (403, 422), (path, answer.status_code, answer.text)
    if answer.status_code == 422:  # the body was wrong for this door: a well-formed one
        draft = w.new_draft()  # a letter: collectors record only what they gathered
        right = {
            "contact_point_id": w.cp_a,
            "draft_id": draft["id"],
            "content": "意见",
            "channel": "letter",
        }
        assert w.post("lao_li", path, right).status_code == 403


def test_a_collectors_draft_reads_stop_at_open_drafts_of_their_point(collectors: World) -> None:
    w = collectors
    draft = w.new_draft()
    assert w.get("lao_li", f"/api/v1/drafts/{draft['id']}").status_code == 403
    assert w.get("lao_li", f"/api/v1/participants/{draft['id']}").status_code in (403, 404)


def test_staff_see_opinions_by_channel_and_by_collector(collectors: World) -> None:
    w = collectors
    draft = w.new_draft()
    items = [_item(w, draft, f"k{n}", content=f"意见{n}") for n in range(2)]
    w.ok(w.post("lao_li", "/api/v1/suggestions/batch", {"items": items}))
    w.suggestion(draft["id"])
    seen = w.ok(w.get("staff_a", "/api/v1/stats/channels"))
    assert seen["channels"]["collector"] == 2
    assert seen["channels"]["letter"] == 1
    assert [(c["collector"], c["opinions"]) for c in seen["collectors"]] == [("lao_li", 2)]
    other = w.ok(w.get("staff_b", "/api/v1/stats/channels"))
    assert other["channels"]["collector"] == 0


def test_a_neighbourhood_given_with_consent_is_kept_sealed_with_the_name(
    collectors: World,
) -> None:
    w = collectors
    draft = w.new_draft()
    items = [
        _item(w, draft, "with", name="陈阿姨", neighbourhood="曹杨一村"),
        _item(w, draft, "without"),
        _item(w, draft, "too-long", neighbourhood="村" * 201),
    ]

    results = w.ok(w.post("lao_li", "/api/v1/suggestions/batch", {"items": items}))["results"]

    assert [r["status"] for r in results] == ["created", "created", "invalid"]
    assert results[2]["errors"][0]["field"] == "neighbourhood"
    app = w.liaison.app
    given, none = (app.get(app.receipts.find(r["receipt"]), Suggestion) for r in results[:2])
    assert app.commenter(given) == {"name": "陈阿姨", "phone": None, "neighbourhood": "曹杨一村"}
    assert "曹杨一村" not in str(given.sealed_neighbourhood)  # sealed, never plain in the log
    assert none.sealed_neighbourhood is None and app.commenter(none) == {
        "name": None,
        "phone": None,
    }
