"""Two staff change the same suggestion at the same moment: one wins, the other gets 409, and
nothing is half-applied — a merge or a report that loses leaves no trace on any aggregate.

Both requests are held just before they save (after each has read the suggestion and
decided), so they truly race on the store's (originator_id, version) key.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any
from uuid import UUID

import httpx2
import pytest

from domain.report import Report
from domain.suggestion import Suggestion
from tests.api.conftest import PASSWORD, World
from tests.live_server import serving
from tests.reliability.support import LONG, compare_with_rebuild, notifications

pytestmark = pytest.mark.faults

ROUNDS = 30 if LONG else 3

Request = tuple[str, str, dict[str, Any] | None]  # who, path, body


@pytest.fixture
def two_staff(world: World) -> World:
    """A second account for the same contact point as staff_a."""
    world.liaison.users.add("staff_a2", "staff", PASSWORD, UUID(world.cp_a))
    answer = world.client.post("/api/v1/token", data={"username": "staff_a2", "password": PASSWORD})
    world.headers["staff_a2"] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    return world


def race(w: World, first: Request, second: Request) -> list[int]:
    """Send both at once; each waits for the other just before saving. Their statuses."""
    app = w.liaison.app
    save = app.save
    meet = threading.Barrier(2)

    def save_together(*aggregates: Any, **kwargs: Any) -> Any:
        meet.wait(timeout=10)
        return save(*aggregates, **kwargs)

    statuses: dict[int, int] = {}
    app.save = save_together  # type: ignore[method-assign]
    try:
        with serving(w.client.app) as base:

            def send(n: int, request: Request) -> None:
                who, path, body = request
                with httpx2.Client(base_url=base, timeout=30) as http:
                    statuses[n] = http.post(path, json=body, headers=w.as_(who)).status_code

            threads = [
                threading.Thread(target=send, args=(n, r)) for n, r in enumerate([first, second])
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
    finally:
        del app.save  # type: ignore[method-assign]
    return [statuses.get(0, 0), statuses.get(1, 0)]


def versions(w: World, *ids: str) -> list[int]:
    return [w.liaison.app.get(UUID(i), Suggestion).version for i in ids]


def reports_in_log(w: World) -> int:
    return sum(isinstance(e, Report.Submitted) for e in notifications(w.liaison))


def accepted(w: World, draft_id: str, content: str) -> str:
    s = w.suggestion(draft_id, content=content)
    w.accept(s["id"])
    return str(s["id"])


def test_two_staff_changing_one_suggestion_one_wins_the_other_gets_409(
    two_staff: World, figures: Any
) -> None:
    w = two_staff
    draft = w.new_draft()
    outcomes: Counter[str] = Counter()
    for n in range(ROUNDS):
        s = w.suggestion(draft["id"], content=f"原话 {n}")
        path = f"/api/v1/suggestions/{s['id']}"
        before = versions(w, s["id"])[0]

        statuses = race(
            w,
            ("staff_a", f"{path}/revise", {"content": f"改写 {n}"}),
            ("staff_a2", f"{path}/screen", {"decision": "reject", "reason": "重复"}),
        )

        assert sorted(statuses) == [200, 409], statuses
        after = w.ok(w.get("admin", path))
        assert versions(w, s["id"])[0] == before + 1  # exactly one change went in
        if statuses[0] == 200:
            assert (after["content"], after["status"]) == (f"改写 {n}", "received")
            outcomes["revise won"] += 1
        else:
            assert (after["content"], after["status"]) == (f"原话 {n}", "rejected")
            outcomes["reject won"] += 1
        assert after["original_content"] == f"原话 {n}"
    figures("same suggestion, two staff", rounds=ROUNDS, **outcomes)


def test_a_merge_that_loses_the_race_leaves_neither_suggestion_changed(
    two_staff: World, figures: Any
) -> None:
    w = two_staff
    draft = w.new_draft()
    outcomes: Counter[str] = Counter()
    for n in range(ROUNDS):
        duplicate = w.suggestion(draft["id"], content=f"重复 {n}")["id"]
        survivor = w.suggestion(draft["id"], content=f"保留 {n}")["id"]
        before = versions(w, duplicate, survivor)

        statuses = race(
            w,
            ("staff_a", f"/api/v1/suggestions/{duplicate}/merge", {"into": survivor}),
            ("staff_a2", f"/api/v1/suggestions/{survivor}/revise", {"content": f"改写 {n}"}),
        )

        assert sorted(statuses) == [200, 409], statuses
        merged = w.ok(w.get("admin", f"/api/v1/suggestions/{duplicate}"))
        kept = w.ok(w.get("admin", f"/api/v1/suggestions/{survivor}"))
        if statuses[0] == 200:  # the merge went in whole: both aggregates changed
            assert versions(w, duplicate, survivor) == [before[0] + 1, before[1] + 1]
            assert merged["status"] == "merged" and kept["absorbed"] == [duplicate]
            outcomes["merge won"] += 1
        else:  # the merge left no trace on either
            assert versions(w, duplicate, survivor) == [before[0], before[1] + 1]
            assert merged["status"] == "received" and kept["absorbed"] == []
            assert kept["content"] == f"改写 {n}"
            outcomes["rewording won"] += 1
    figures("merge against rewording", rounds=ROUNDS, **outcomes)


def test_a_report_that_loses_the_race_is_not_half_submitted(two_staff: World, figures: Any) -> None:
    w = two_staff
    draft = w.new_draft()
    outcomes: Counter[str] = Counter()
    for n in range(ROUNDS):
        first, second = (accepted(w, draft["id"], f"意见 {n}-{i}") for i in (1, 2))
        reports_before = reports_in_log(w)

        statuses = race(
            w,
            (
                "staff_a",
                "/api/v1/reports",
                {
                    "contact_point_id": w.cp_a,
                    "draft_id": draft["id"],
                    "suggestion_ids": [first, second],
                    "submitted_on": "2021-03-15",  # the test clock's today: accepted today
                },
            ),
            ("staff_a2", f"/api/v1/suggestions/{second}/revise", {"content": f"改写 {n}"}),
        )

        assert sorted(statuses) in ([201, 409], [200, 409]), statuses
        states = [
            w.ok(w.get("admin", f"/api/v1/suggestions/{i}"))["status"] for i in (first, second)
        ]
        if statuses[0] == 201:
            assert states == ["reported", "reported"]
            assert reports_in_log(w) == reports_before + 1
            outcomes["report won"] += 1
        else:  # no report, and neither suggestion reported
            assert states == ["accepted", "accepted"]
            assert reports_in_log(w) == reports_before
            outcomes["rewording won"] += 1
    figures("report against rewording", rounds=ROUNDS, **outcomes)
    assert compare_with_rebuild(w.liaison).equal


def test_many_staff_at_once_answer_200_or_409_and_the_log_explains_everything(
    two_staff: World, figures: Any
) -> None:
    """No barrier: eight clients fire screens and rewordings at three suggestions."""
    w = two_staff
    draft = w.new_draft()
    ids = [w.suggestion(draft["id"], content=f"意见 {i}")["id"] for i in range(3)]
    rounds = 40 if LONG else 6
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def actions(n: int) -> list[Callable[[httpx2.Client], httpx2.Response]]:
        who = "staff_a" if n % 2 else "staff_a2"
        return [
            lambda h, i=i, k=k: h.post(  # type: ignore[misc]
                f"/api/v1/suggestions/{i}/{'revise' if k % 2 else 'screen'}",
                json={"content": f"改写 {n}-{k}"} if k % 2 else {"decision": "accept"},
                headers=w.as_(who),
            )
            for k in range(rounds)
            for i in ids
        ]

    with serving(w.client.app) as base:

        def work(n: int) -> None:
            with httpx2.Client(base_url=base, timeout=30) as http:
                for act in actions(n):
                    code = act(http).status_code
                    with lock:
                        statuses[code] += 1

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    figures("eight staff, three suggestions", answers=dict(statuses))
    assert set(statuses) <= {200, 409}, statuses
    changes = Counter(
        str(e.originator_id)
        for e in notifications(w.liaison)
        if isinstance(e, Suggestion.Revised | Suggestion.Accepted)
    )
    # every 200 that changed something left exactly one event (re-accepting changes nothing)
    assert sum(changes.values()) <= statuses[200]
    assert compare_with_rebuild(w.liaison).equal
