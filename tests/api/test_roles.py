"""Who may call what: every /api/v1 route the app serves, against every role, on real records.

The table RULES is the contract of web/auth.py and API.md in one place. It is checked against
the app's own route table, so a new route without a rule fails, and so does a rule for a route
that is gone. Every case builds its own records of contact point A, so no case depends on
another. staff_b is staff of contact point B: A's records must look to them as if they did not
exist (404), and naming A outright is refused (403).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from uuid import uuid4

import httpx2
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.routing import APIRoute

from liaison.bootstrap import Liaison
from tests.api.conftest import PASSWORD, TEXT, World

ROLES = ("admin", "congress", "staff_a", "staff_b", "anonymous")
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ADMIN = frozenset({"admin"})
REGISTRAR = frozenset({"admin", "congress"})  # drafts are registered and changed by these
CONGRESS = frozenset({"admin", "congress"})  # the event log and its integrity
STAFF = frozenset({"admin", "staff_a", "staff_b"})
READER = frozenset({"admin", "congress", "staff_a", "staff_b"})
DECIDER = frozenset({"admin", "congress", "staff_a", "staff_b"})

V1 = "/api/v1"
RULES: dict[tuple[str, str], frozenset[str]] = {
    ("POST", f"{V1}/token"): EVERYONE,
    ("POST", f"{V1}/contact-points"): ADMIN,
    ("GET", f"{V1}/contact-points"): SIGNED_IN,
    ("PATCH", f"{V1}/contact-points/{{contact_point_id}}"): ADMIN,
    ("POST", f"{V1}/users"): ADMIN,
    ("GET", f"{V1}/users"): ADMIN,
    ("POST", f"{V1}/users/{{username}}/reset"): ADMIN,
    ("POST", f"{V1}/users/{{username}}/deactivate"): ADMIN,
    ("POST", f"{V1}/account/password"): SIGNED_IN,
    ("POST", f"{V1}/drafts"): REGISTRAR,
    ("POST", f"{V1}/drafts/preview"): REGISTRAR,
    ("POST", f"{V1}/drafts/text"): REGISTRAR,
    ("GET", f"{V1}/drafts"): SIGNED_IN,
    ("GET", f"{V1}/drafts/{{draft_id}}"): SIGNED_IN,
    ("POST", f"{V1}/drafts/{{draft_id}}/open"): REGISTRAR,
    ("POST", f"{V1}/drafts/{{draft_id}}/close"): REGISTRAR,
    ("POST", f"{V1}/drafts/{{draft_id}}/versions"): REGISTRAR,
    ("POST", f"{V1}/drafts/{{draft_id}}/enact"): REGISTRAR,
    ("GET", f"{V1}/drafts/{{draft_id}}/trace"): READER,
    ("GET", f"{V1}/drafts/{{draft_id}}/lineage"): SIGNED_IN,
    ("GET", f"{V1}/drafts/{{draft_id}}/groups"): READER,
    ("GET", f"{V1}/drafts/{{draft_id}}/summary.docx"): READER,
    ("POST", f"{V1}/suggestions/merge"): STAFF,
    ("POST", f"{V1}/suggestions/batch"): STAFF,
    ("GET", f"{V1}/suggestions/collected"): STAFF,
    ("GET", f"{V1}/stats/channels"): READER,
    ("POST", f"{V1}/participants"): STAFF,
    ("GET", f"{V1}/participants/{{participant_id}}"): STAFF,
    ("DELETE", f"{V1}/participants/{{participant_id}}"): STAFF,
    ("POST", f"{V1}/participants/{{participant_id}}/reveal"): STAFF,
    ("POST", f"{V1}/sessions"): STAFF,
    ("POST", f"{V1}/sessions/{{session_id}}/attendance"): STAFF,
    ("POST", f"{V1}/sessions/{{session_id}}/complete"): STAFF,
    ("POST", f"{V1}/sessions/{{session_id}}/cancel"): STAFF,
    ("GET", f"{V1}/sessions"): READER,
    ("GET", f"{V1}/sessions/{{session_id}}"): READER,
    ("POST", f"{V1}/suggestions"): STAFF,
    ("GET", f"{V1}/suggestions"): READER,
    ("GET", f"{V1}/suggestions/{{suggestion_id}}"): READER,
    ("POST", f"{V1}/suggestions/{{suggestion_id}}/merge"): STAFF,
    ("POST", f"{V1}/suggestions/{{suggestion_id}}/revise"): STAFF,
    ("POST", f"{V1}/suggestions/{{suggestion_id}}/screen"): STAFF,
    ("POST", f"{V1}/suggestions/{{suggestion_id}}/outcome"): DECIDER,
    ("POST", f"{V1}/suggestions/{{suggestion_id}}/feedback"): STAFF,
    ("GET", f"{V1}/suggestions/{{suggestion_id}}/history"): READER,
    ("POST", f"{V1}/reports"): STAFF,
    ("GET", f"{V1}/reports"): READER,
    ("GET", f"{V1}/reports/{{report_id}}"): READER,
    ("POST", f"{V1}/reports/{{report_id}}/decisions"): DECIDER,
    ("GET", f"{V1}/reports/{{report_id}}/export"): READER,
    ("POST", f"{V1}/reports/{{report_id}}/feedback"): STAFF,
    ("GET", f"{V1}/reports/{{report_id}}/letters"): STAFF,
    ("GET", f"{V1}/stats"): READER,
    ("GET", f"{V1}/stats/ranking"): SIGNED_IN,
    ("GET", f"{V1}/events"): CONGRESS,
    ("GET", f"{V1}/integrity"): CONGRESS,
    ("GET", f"{V1}/audit"): ADMIN,
    ("GET", f"{V1}/public/contact-points"): EVERYONE,
    ("GET", f"{V1}/public/drafts"): EVERYONE,
    ("GET", f"{V1}/public/drafts/{{draft_id}}"): EVERYONE,
    ("POST", f"{V1}/public/drafts/{{draft_id}}/comments"): EVERYONE,
    ("GET", f"{V1}/public/receipts/{{receipt}}"): EVERYONE,
}


@pytest.fixture
def liaison(liaison: Liaison) -> Liaison:
    """The shared Liaison with a cheap password hash: hundreds of cases each sign in four
    accounts, and argon2's production cost is not what these tests are about."""
    liaison.users.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return liaison


def served_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) of the app's /api/v1 routes, included routers flattened."""
    try:  # FastAPI ≥ 0.16x keeps included routers as branches of app.routes
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover - older FastAPI lists the APIRoutes themselves
        routes: list[Any] = list(app.routes)
    else:
        routes = list(iter_route_contexts(app.routes))
    return {
        (method, route.path)
        for route in routes
        if isinstance(getattr(route, "original_route", route), APIRoute)
        and route.path.startswith(V1)
        for method in route.methods
    }


class Scene:
    """Contact point A's records, each created through the API the first time it is used.

    `private` collects what staff of another contact point must never be shown: the ids and
    words of A's participants, sessions, suggestions and reports (drafts and contact points
    are shared by everyone and are not private)."""

    def __init__(self, world: World) -> None:
        self.w = world
        self.cp_a = world.cp_a
        self.private: list[str] = []

    def _keep(self, record: dict[str, Any], *words: str) -> dict[str, Any]:
        self.private += [record["id"], *words]
        if "receipt" in record:
            self.private.append(record["receipt"])
        return record

    @cached_property
    def draft(self) -> dict[str, Any]:
        """An open draft."""
        return self.w.new_draft()

    @cached_property
    def enacted_draft(self) -> dict[str, Any]:
        """A draft passed into law (its published summary)."""
        draft = self.w.new_draft("慈善法（草案）", open_it=False)
        body = {"enacted_on": "2021-03-15", "text": TEXT}
        return self.w.ok(self.w.post("admin", f"{V1}/drafts/{draft['id']}/enact", body))

    @cached_property
    def received_draft(self) -> dict[str, Any]:
        return self.w.new_draft("数据安全条例（草案）", open_it=False)

    @cached_property
    def participant(self) -> dict[str, Any]:
        body = {
            "contact_point_id": self.cp_a,
            "name": "甲方居民王秀英",
            "kind": "resident",
            "neighbourhood": "曹杨一村",
            "phone": "13812345678",
            "consent_to_contact": True,
        }
        made = self.w.ok(self.w.post("staff_a", f"{V1}/participants", body), 201)
        return self._keep(made, "甲方居民王秀英", "曹杨一村")

    @cached_property
    def session(self) -> dict[str, Any]:
        body = {
            "contact_point_id": self.cp_a,
            "draft_ids": [self.draft["id"]],
            "kind": "symposium",
            "title": "甲方座谈会",
            "starts_at": "2021-03-05T14:00:00+08:00",
        }
        return self._keep(
            self.w.ok(self.w.post("staff_a", f"{V1}/sessions", body), 201), "甲方座谈会"
        )

    def _suggestion(self, content: str) -> dict[str, Any]:
        return self._keep(self.w.suggestion(self.draft["id"], content=content), content)

    @cached_property
    def suggestion(self) -> dict[str, Any]:
        """Received: not yet screened."""
        return self._suggestion("甲方意见一：建议明确个人信息的范围")

    @cached_property
    def duplicate(self) -> dict[str, Any]:
        return self._suggestion("甲方意见二：同上")

    @cached_property
    def accepted(self) -> dict[str, Any]:
        made = self._suggestion("甲方意见三：建议增加告知义务")
        return self._screen(made["id"])

    def _screen(self, suggestion_id: str) -> dict[str, Any]:
        path = f"{V1}/suggestions/{suggestion_id}/screen"
        return self.w.ok(self.w.post("staff_a", path, {"decision": "accept"}))  # type: ignore[no-any-return]

    @cached_property
    def _reporting(self) -> tuple[dict[str, Any], str, str]:
        first = self._suggestion("甲方意见四：建议删除第三条")
        second = self._suggestion("甲方意见五：建议细化第二条")
        for made in (first, second):
            self._screen(made["id"])
        body = {
            "contact_point_id": self.cp_a,
            "draft_id": self.draft["id"],
            "suggestion_ids": [first["id"], second["id"]],
            "submitted_on": "2021-03-15",
        }
        report = self.w.ok(self.w.post("staff_a", f"{V1}/reports", body), 201)
        return self._keep(report), first["id"], second["id"]

    @cached_property
    def report(self) -> dict[str, Any]:
        return self._reporting[0]

    @cached_property
    def reported(self) -> str:
        """The id of a reported suggestion awaiting its outcome."""
        return self._reporting[1]

    @cached_property
    def decided(self) -> str:
        """The id of a reported suggestion the congress has decided on."""
        suggestion_id = self._reporting[2]
        path = f"{V1}/suggestions/{suggestion_id}/outcome"
        self.w.ok(self.w.post("congress", path, {"outcome": "adopted"}))
        return suggestion_id

    def everything(self) -> Scene:
        """Create every kind of A's records (for the views that list or count them)."""
        for name in ("participant", "session", "suggestion", "accepted", "decided", "report"):
            getattr(self, name)
        return self


@dataclass
class Call:
    path: dict[str, str] = field(default_factory=dict)
    json: Any = None
    query: dict[str, str] | None = None
    form: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes]] | None = None

    def send(self, world: World, role: str, method: str, template: str) -> httpx2.Response:
        return world.client.request(
            method,
            template.format(**self.path),
            headers=world.as_(role),
            json=self.json,
            params=self.query,
            data=self.form,
            files=self.files,
        )

    def text(self, template: str) -> str:
        """Everything the caller said: what they send cannot be a leak."""
        return f"{template.format(**self.path)} {self.json} {self.query} {self.form}"


DRAFT = {
    "title": "未成年人保护条例（草案）",
    "level": "municipal",
    "issuer": "市人大常委会法工委",
    "received_on": "2021-03-01",
    "deadline": "2021-03-31",
    "text": TEXT,
}


def _draft(s: Scene) -> dict[str, str]:
    return {"draft_id": s.draft["id"]}


def _participant(s: Scene) -> dict[str, str]:
    return {"participant_id": s.participant["id"]}


def _session(s: Scene) -> dict[str, str]:
    return {"session_id": s.session["id"]}


def _suggestion(s: Scene) -> dict[str, str]:
    return {"suggestion_id": s.suggestion["id"]}


def _report(s: Scene) -> dict[str, str]:
    return {"report_id": s.report["id"]}


def _listing(s: Scene, **path: str) -> Call:
    s.everything()
    return Call(path)


def _new_suggestion(s: Scene) -> dict[str, Any]:
    return {
        "contact_point_id": s.cp_a,
        "draft_id": s.draft["id"],
        "article": 2,
        "content": "甲方新意见",
        "channel": "letter",
    }


def _new_report(s: Scene) -> dict[str, Any]:
    return {
        "contact_point_id": s.cp_a,
        "draft_id": s.draft["id"],
        "suggestion_ids": [s.accepted["id"]],
        "submitted_on": "2021-03-15",
    }


# A real, valid request for each route, on A's records.
CALLS: dict[tuple[str, str], Callable[[Scene], Call]] = {
    ("POST", f"{V1}/token"): lambda s: Call(form={"username": "admin", "password": PASSWORD}),
    ("POST", f"{V1}/contact-points"): lambda s: Call(
        json={"name": "新联系点", "district": "徐汇区"}
    ),
    ("GET", f"{V1}/contact-points"): lambda s: Call(),
    ("PATCH", f"{V1}/contact-points/{{contact_point_id}}"): lambda s: Call(
        {"contact_point_id": s.cp_a}, json={"name": "曹杨新村街道人大工委基层立法联系点"}
    ),
    ("POST", f"{V1}/users"): lambda s: Call(json={"username": "newcomer", "role": "congress"}),
    ("GET", f"{V1}/users"): lambda s: Call(),
    ("POST", f"{V1}/users/{{username}}/reset"): lambda s: Call({"username": "staff_b"}),
    ("POST", f"{V1}/users/{{username}}/deactivate"): lambda s: Call({"username": "staff_b"}),
    ("POST", f"{V1}/account/password"): lambda s: Call(
        json={"current_password": PASSWORD, "new_password": "another-long-password"}
    ),
    ("POST", f"{V1}/drafts"): lambda s: Call(json=DRAFT),
    ("POST", f"{V1}/drafts/preview"): lambda s: Call(json={"text": TEXT}),
    ("POST", f"{V1}/drafts/text"): lambda s: Call(
        files={"file": ("draft.txt", TEXT.encode("gb18030"))}
    ),
    ("GET", f"{V1}/drafts"): lambda s: _listing(s),
    ("GET", f"{V1}/drafts/{{draft_id}}"): lambda s: Call(_draft(s)),
    ("POST", f"{V1}/drafts/{{draft_id}}/open"): lambda s: Call(
        {"draft_id": s.received_draft["id"]}
    ),
    ("POST", f"{V1}/drafts/{{draft_id}}/close"): lambda s: Call(_draft(s)),
    ("POST", f"{V1}/drafts/{{draft_id}}/versions"): lambda s: Call(
        _draft(s), json={"label": "二审稿", "text": TEXT}
    ),
    ("POST", f"{V1}/drafts/{{draft_id}}/enact"): lambda s: Call(
        _draft(s), json={"enacted_on": "2021-03-15", "text": TEXT}
    ),
    ("GET", f"{V1}/drafts/{{draft_id}}/trace"): lambda s: _listing(s, **_draft(s)),
    ("GET", f"{V1}/drafts/{{draft_id}}/lineage"): lambda s: Call(_draft(s)),
    ("GET", f"{V1}/drafts/{{draft_id}}/groups"): lambda s: _listing(s, **_draft(s)),
    ("GET", f"{V1}/drafts/{{draft_id}}/summary.docx"): lambda s: Call(
        {"draft_id": s.enacted_draft["id"]}
    ),
    ("POST", f"{V1}/suggestions/merge"): lambda s: Call(
        json={"suggestion_ids": [s.suggestion["id"]], "into": s.duplicate["id"]}
    ),
    ("POST", f"{V1}/suggestions/batch"): lambda s: Call(
        json={
            "items": [
                {
                    "client_key": "role-test-1",
                    "contact_point_id": s.cp_a,
                    "draft_id": s.draft["id"],
                    "article": 2,
                    "content": "信息员收集的意见",
                    "channel": "collector",
                }
            ]
        }
    ),
    ("GET", f"{V1}/suggestions/collected"): lambda s: _listing(s),
    ("GET", f"{V1}/stats/channels"): lambda s: _listing(s),
    ("POST", f"{V1}/participants"): lambda s: Call(
        json={"contact_point_id": s.cp_a, "name": "李四", "kind": "expert"}
    ),
    ("GET", f"{V1}/participants/{{participant_id}}"): lambda s: Call(_participant(s)),
    ("DELETE", f"{V1}/participants/{{participant_id}}"): lambda s: Call(_participant(s)),
    ("POST", f"{V1}/participants/{{participant_id}}/reveal"): lambda s: Call(_participant(s)),
    ("POST", f"{V1}/sessions"): lambda s: Call(
        json={
            "contact_point_id": s.cp_a,
            "draft_ids": [s.draft["id"]],
            "kind": "hearing",
            "title": "听证会",
            "starts_at": "2021-03-08T09:00:00+08:00",
        }
    ),
    ("POST", f"{V1}/sessions/{{session_id}}/attendance"): lambda s: Call(
        _session(s), json={"participant_ids": [s.participant["id"]]}
    ),
    ("POST", f"{V1}/sessions/{{session_id}}/complete"): lambda s: Call(
        _session(s), json={"minutes": "逐条讨论"}
    ),
    ("POST", f"{V1}/sessions/{{session_id}}/cancel"): lambda s: Call(
        _session(s), json={"reason": "改期"}
    ),
    ("GET", f"{V1}/sessions"): lambda s: _listing(s),
    ("GET", f"{V1}/sessions/{{session_id}}"): lambda s: Call(_session(s)),
    ("POST", f"{V1}/suggestions"): lambda s: Call(json=_new_suggestion(s)),
    ("GET", f"{V1}/suggestions"): lambda s: _listing(s),
    ("GET", f"{V1}/suggestions/{{suggestion_id}}"): lambda s: Call(_suggestion(s)),
    ("POST", f"{V1}/suggestions/{{suggestion_id}}/merge"): lambda s: Call(
        _suggestion(s), json={"into": s.duplicate["id"]}
    ),
    ("POST", f"{V1}/suggestions/{{suggestion_id}}/revise"): lambda s: Call(
        _suggestion(s), json={"content": "建议在第一条明确个人信息的范围"}
    ),
    ("POST", f"{V1}/suggestions/{{suggestion_id}}/screen"): lambda s: Call(
        _suggestion(s), json={"decision": "reject", "reason": "与草案无关"}
    ),
    ("POST", f"{V1}/suggestions/{{suggestion_id}}/outcome"): lambda s: Call(
        {"suggestion_id": s.reported}, json={"outcome": "partially_adopted", "final_article": 2}
    ),
    ("POST", f"{V1}/suggestions/{{suggestion_id}}/feedback"): lambda s: Call(
        {"suggestion_id": s.decided}, json={"message": "您的意见已被采纳"}
    ),
    ("GET", f"{V1}/suggestions/{{suggestion_id}}/history"): lambda s: Call(_suggestion(s)),
    ("POST", f"{V1}/reports"): lambda s: Call(json=_new_report(s)),
    ("GET", f"{V1}/reports"): lambda s: _listing(s),
    ("GET", f"{V1}/reports/{{report_id}}"): lambda s: Call(_report(s)),
    ("POST", f"{V1}/reports/{{report_id}}/decisions"): lambda s: Call(
        _report(s), json={"decisions": [{"suggestion_id": s.reported, "outcome": "adopted"}]}
    ),
    ("GET", f"{V1}/reports/{{report_id}}/export"): lambda s: Call(
        _report(s), query={"format": "csv"}
    ),
    ("POST", f"{V1}/reports/{{report_id}}/feedback"): lambda s: Call(_report(s)),
    ("GET", f"{V1}/reports/{{report_id}}/letters"): lambda s: Call(
        _report(s), query={"format": "csv"}
    ),
    ("GET", f"{V1}/stats"): lambda s: _listing(s),
    ("GET", f"{V1}/stats/ranking"): lambda s: _listing(s),
    ("GET", f"{V1}/events"): lambda s: _listing(s),
    ("GET", f"{V1}/integrity"): lambda s: Call(),
    ("GET", f"{V1}/audit"): lambda s: Call(),
    ("GET", f"{V1}/public/contact-points"): lambda s: Call(),
    ("GET", f"{V1}/public/drafts"): lambda s: Call(),
    ("GET", f"{V1}/public/drafts/{{draft_id}}"): lambda s: Call(_draft(s)),
    ("POST", f"{V1}/public/drafts/{{draft_id}}/comments"): lambda s: Call(
        _draft(s), json={"contact_point_id": s.cp_a, "article": 1, "content": "公众意见"}
    ),
    ("GET", f"{V1}/public/receipts/{{receipt}}"): lambda s: Call(
        {"receipt": s.suggestion["receipt"]}
    ),
}

# Requests that name contact point A in their body: staff of B are refused outright (403).
NAMES_A = {
    ("POST", f"{V1}/participants"),
    ("POST", f"{V1}/sessions"),
    ("POST", f"{V1}/suggestions"),
    ("POST", f"{V1}/reports"),
}
# Requests on one of A's records by id: for staff of B it does not exist (404).
BY_ID_OF_A = {
    (method, path)
    for method, path in RULES
    if any(f"{{{kind}_id}}" in path for kind in ("participant", "session", "suggestion", "report"))
} | {("POST", f"{V1}/suggestions/merge")}  # A's suggestions named in the body


def _leaks(scene: Scene, call: Call, template: str, answer: httpx2.Response) -> list[str]:
    said = call.text(template)
    return [word for word in scene.private if word in answer.text and word not in said]


def test_every_route_served_has_a_rule_and_every_rule_a_route(world: World) -> None:
    served = served_routes(world.client.app)  # type: ignore[arg-type]

    assert served, "no /api/v1 routes found"
    assert sorted(served - RULES.keys()) == [], "routes without a rule"
    assert sorted(RULES.keys() - served) == [], "rules for routes the app does not serve"
    assert CALLS.keys() == RULES.keys()
    assert all(roles <= EVERYONE and "admin" in roles for roles in RULES.values())


CASES = [(method, path, role) for (method, path) in RULES for role in ROLES]


@pytest.mark.parametrize(("method", "template", "role"), CASES)
def test_each_role_on_each_route(world: World, method: str, template: str, role: str) -> None:
    scene = Scene(world)
    call = CALLS[(method, template)](scene)
    answer = call.send(world, role, method, template)

    assert answer.status_code < 500, answer.text
    if role not in RULES[(method, template)]:
        if role == "anonymous":
            assert answer.status_code == 401, answer.text
            assert answer.headers.get("WWW-Authenticate") == "Bearer"
        else:
            assert answer.status_code == 403, answer.text
    elif role == "staff_b" and (method, template) in NAMES_A:
        assert answer.status_code == 403, answer.text
    elif role == "staff_b" and (method, template) in BY_ID_OF_A:
        assert answer.status_code == 404, answer.text
    else:
        assert 200 <= answer.status_code < 300, answer.text
    if role == "staff_b":
        assert _leaks(scene, call, template, answer) == []


LISTS_BY_CONTACT_POINT = [
    f"{V1}/sessions",
    f"{V1}/reports",
    f"{V1}/suggestions",
    f"{V1}/stats",
    f"{V1}/drafts/{{draft_id}}/trace",
]


@pytest.mark.parametrize("template", LISTS_BY_CONTACT_POINT)
def test_staff_asking_for_another_contact_point_is_refused(world: World, template: str) -> None:
    scene = Scene(world).everything()
    path = template.format(draft_id=scene.draft["id"])

    answer = world.get("staff_b", path, params={"contact_point_id": world.cp_a})

    assert answer.status_code == 403, answer.text
    assert [w for w in scene.private if w in answer.text] == []


@pytest.mark.parametrize("template", LISTS_BY_CONTACT_POINT)
@pytest.mark.parametrize("own_filter", [False, True], ids=["unfiltered", "own-filter"])
def test_staff_lists_show_only_their_own_contact_point(
    world: World, template: str, own_filter: bool
) -> None:
    scene = Scene(world).everything()
    theirs = world.suggestion(scene.draft["id"], role="staff_b", cp=world.cp_b, content="乙方意见")
    session = {
        "contact_point_id": world.cp_b,
        "draft_ids": [scene.draft["id"]],
        "kind": "online",
        "title": "乙方网上征询",
        "starts_at": "2021-03-06T10:00:00+08:00",
    }
    their_session = world.ok(world.post("staff_b", f"{V1}/sessions", session), 201)
    their_report = None
    if template.endswith("/reports"):
        screen = f"{V1}/suggestions/{theirs['id']}/screen"
        world.ok(world.post("staff_b", screen, {"decision": "accept"}))
        body = {
            "contact_point_id": world.cp_b,
            "draft_id": scene.draft["id"],
            "suggestion_ids": [theirs["id"]],
            "submitted_on": "2021-03-15",
        }
        their_report = world.ok(world.post("staff_b", f"{V1}/reports", body), 201)
    params = {"contact_point_id": world.cp_b} if own_filter else {}

    answer = world.get("staff_b", template.format(draft_id=scene.draft["id"]), params=params)

    assert answer.status_code == 200, answer.text
    assert [w for w in scene.private if w in answer.text] == []
    if template.endswith("/stats"):
        assert answer.json()["suggestions"]["received"] == 1
    else:
        own = their_session["id"] if template.endswith("/sessions") else theirs["id"]
        assert (their_report or {"id": own})["id"] in answer.text


def _unknown(call: Call) -> Call:
    """The same request with every id of A's records in its path replaced by a random one."""
    path = {k: str(uuid4()) if k.endswith("_id") else v for k, v in call.path.items()}
    return Call(path, call.json, call.query, call.form, call.files)


@pytest.mark.parametrize(("method", "template"), sorted(BY_ID_OF_A))
def test_staff_cannot_tell_another_contact_points_record_from_an_unknown_id(
    world: World, method: str, template: str
) -> None:
    call = CALLS[(method, template)](Scene(world))
    unknown = _unknown(call)

    theirs = call.send(world, "staff_b", method, template)
    nobodys = unknown.send(world, "staff_b", method, template)

    assert theirs.status_code == nobodys.status_code == 404
    hidden = theirs.json()["detail"]
    for key, value in call.path.items():
        hidden = hidden.replace(value, unknown.path[key])
    assert hidden == nobodys.json()["detail"]


def _b_session(world: World, draft_id: str) -> str:
    body = {
        "contact_point_id": world.cp_b,
        "draft_ids": [draft_id],
        "kind": "symposium",
        "title": "乙方座谈会",
        "starts_at": "2021-03-05T14:00:00+08:00",
    }
    return world.ok(world.post("staff_b", f"{V1}/sessions", body), 201)["id"]  # type: ignore[no-any-return]


def _suggestion_naming(field_name: str) -> Callable[[World, Scene, str], tuple[str, Any]]:
    def build(world: World, scene: Scene, record_id: str) -> tuple[str, Any]:
        body = {
            "contact_point_id": world.cp_b,
            "draft_id": scene.draft["id"],
            "content": "乙方意见",
            "channel": "session",
            field_name: record_id,
        }
        return f"{V1}/suggestions", body

    return build


def _attendance_of(world: World, scene: Scene, record_id: str) -> tuple[str, Any]:
    path = f"{V1}/sessions/{_b_session(world, scene.draft['id'])}/attendance"
    return path, {"participant_ids": [record_id]}


def _report_carrying(world: World, scene: Scene, record_id: str) -> tuple[str, Any]:
    body = {
        "contact_point_id": world.cp_b,
        "draft_id": scene.draft["id"],
        "suggestion_ids": [record_id],
        "submitted_on": "2021-03-15",
    }
    return f"{V1}/reports", body


REFERENCES = {
    "suggestion-by-A-participant": ("participant", _suggestion_naming("participant_id")),
    "suggestion-at-A-session": ("session", _suggestion_naming("session_id")),
    "attendance-of-A-participant": ("participant", _attendance_of),
    "report-carrying-A-suggestion": ("accepted", _report_carrying),
}


@pytest.mark.parametrize("case", sorted(REFERENCES))
def test_staff_naming_another_contact_points_record_in_a_body_learn_nothing(
    world: World, case: str
) -> None:
    scene = Scene(world)
    attribute, build = REFERENCES[case]
    record_id = getattr(scene, attribute)["id"]

    theirs = world.post("staff_b", *build(world, scene, record_id))
    nobodys = world.post("staff_b", *build(world, scene, str(uuid4())))

    assert nobodys.status_code == 404, nobodys.text
    assert theirs.status_code == 404, theirs.text
