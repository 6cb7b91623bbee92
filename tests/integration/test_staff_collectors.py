"""The desk's figures by channel and by collector: staff see their own point's; a collector,
the congress (at the desk) and the anonymous do not."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from liaison.bootstrap import Liaison
from liaison.commands.batch import BatchItem
from liaison.rights import Actor, Role, operator
from tests.records import PASSWORD, add_users, draft_received, two_contact_points
from web.app import create_app

ADMIN = operator("admin")
Open = Callable[[str | None], TestClient]


@pytest.fixture
def points(liaison: Liaison) -> dict[str, UUID]:
    app = liaison.app
    a, b = two_contact_points(app)
    draft = draft_received(app, deadline=date(2021, 4, 30))
    add_users(
        liaison,
        ("staff_a", "staff", a),
        ("staff_b", "staff", b),
        ("lao_li", "collector", a),
        ("congress", "congress", None),
        ("admin", "admin", None),
    )
    lao_li, lao_wang = Actor("lao_li", Role.COLLECTOR, a), Actor("lao_wang", Role.COLLECTOR, a)
    for n, day in enumerate((date(2021, 3, 3), date(2021, 3, 9), date(2021, 3, 12))):
        app.record_batch(lao_li, [BatchItem(f"li{n}", a, draft, f"意见{n}", received_on=day)])
    app.record_batch(lao_wang, [BatchItem("w", a, draft, "老王", received_on=date(2021, 3, 5))])
    app.record_batch(Actor("lao_zhao", Role.COLLECTOR, b), [BatchItem("z", b, draft, "别处的意见")])
    app.record_suggestion(a, draft, "一封来信", "letter", ADMIN, received_on=date(2021, 3, 4))
    return {"a": a, "b": b}


@pytest.fixture
def open_as(liaison: Liaison, points: dict[str, UUID]) -> Iterator[Open]:
    site = create_app(liaison=liaison)
    with ExitStack() as stack:

        def signed_in(username: str | None) -> TestClient:
            client = stack.enter_context(TestClient(site))
            if username is not None:
                token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
                assert token is not None
                client.post(
                    "/login",
                    data={"username": username, "password": PASSWORD, "csrf_token": token[1]},
                )
            return client

        yield signed_in


def cells(page: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table[^>]*id="{table}".*?<tbody>(.*?)</tbody>', page, re.S)
    assert body is not None, f"no table {table}"
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    return [[c.strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]


def test_staff_see_each_collectors_count_and_days_at_their_point(open_as: Open) -> None:
    page = open_as("staff_a").get("/staff/collectors?lang=en")

    assert page.status_code == 200
    assert cells(page.text, "by-collector") == [
        ["lao_li", "3", "2021-03-03", "2021-03-12"],
        ["lao_wang", "1", "2021-03-05", "2021-03-05"],
    ]
    by_channel = dict(cells(page.text, "by-channel"))
    assert by_channel["Through a collector"] == "4" and by_channel["By letter"] == "1"
    assert "lao_zhao" not in page.text  # another point's collector


def test_a_period_narrows_the_figures(open_as: Open) -> None:
    page = open_as("staff_a").get("/staff/collectors?from=2021-03-04&to=2021-03-10")

    assert cells(page.text, "by-collector") == [
        ["lao_li", "1", "2021-03-09", "2021-03-09"],
        ["lao_wang", "1", "2021-03-05", "2021-03-05"],
    ]


def test_the_desk_links_to_the_figures(open_as: Open) -> None:
    assert 'href="/staff/collectors"' in open_as("staff_a").get("/staff").text


def test_an_admin_sees_the_point_chosen(open_as: Open, points: dict[str, UUID]) -> None:
    page = open_as("admin").get(f"/staff/collectors?contact_point_id={points['b']}")

    assert page.status_code == 200
    assert [row[0] for row in cells(page.text, "by-collector")] == ["lao_zhao"]


@pytest.mark.parametrize("who", ["lao_li", "congress"])
def test_a_collector_and_the_congress_may_not_open_the_desks_figures(
    open_as: Open, who: str
) -> None:
    page = open_as(who).get("/staff/collectors", follow_redirects=False)

    assert page.status_code == 403
    assert "lao_wang" not in page.text


def test_staff_naming_another_point_find_nothing(open_as: Open, points: dict[str, UUID]) -> None:
    page = open_as("staff_a").get(f"/staff/collectors?contact_point_id={points['b']}")

    assert page.status_code == 404
    assert "lao_zhao" not in page.text


def test_the_anonymous_are_sent_to_sign_in(open_as: Open) -> None:
    page = open_as(None).get("/staff/collectors", follow_redirects=False)

    assert page.status_code == 303 and page.headers["location"].startswith("/login")
