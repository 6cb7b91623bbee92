"""Every documented answer of API.md, family by family: the happy path and each error.

400 malformed JSON, 401 not signed in, 404 unknown id, 409 wrong state, 413 body too large,
422 invalid field (and which). Every request goes through `Api.send`, which asserts that the
answer is never a 500 and that its status is documented for that operation in /openapi.json;
`Api.expect` also asserts that a refused request recorded nothing in the event log.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from uuid import uuid4

import httpx2
import pytest
from argon2 import PasswordHasher
from docx import Document
from fastapi.routing import APIRoute

from liaison.bootstrap import Liaison
from liaison.rights import Actor, Role
from tests.api.conftest import PASSWORD, TEXT, World
from tests.conftest import FixedClock
from web.auth import TokenSigner

V1 = "/api/v1"
TOKEN = f"{V1}/token"
CONTACT_POINTS = f"{V1}/contact-points"
DRAFTS = f"{V1}/drafts"
DRAFT = f"{DRAFTS}/{{draft_id}}"
PARTICIPANTS = f"{V1}/participants"
PARTICIPANT = f"{PARTICIPANTS}/{{participant_id}}"
SESSIONS = f"{V1}/sessions"
SESSION = f"{SESSIONS}/{{session_id}}"
SUGGESTIONS = f"{V1}/suggestions"
SUGGESTION = f"{SUGGESTIONS}/{{suggestion_id}}"
REPORTS = f"{V1}/reports"
REPORT = f"{REPORTS}/{{report_id}}"
STATS = f"{V1}/stats"
RANKING = f"{V1}/stats/ranking"
EVENTS = f"{V1}/events"
INTEGRITY = f"{V1}/integrity"
PUBLIC = f"{V1}/public"
PUBLIC_DRAFT = f"{PUBLIC}/drafts/{{draft_id}}"
COMMENTS = f"{PUBLIC_DRAFT}/comments"
RECEIPT = f"{PUBLIC}/receipts/{{receipt}}"
TODAY = "2021-03-15"  # the tests' clock (tests/conftest.py): nothing may be dated after it

_OPENAPI: dict[str, Any] = {}  # the same for every app; fetched once


@pytest.fixture
def liaison(liaison: Liaison) -> Liaison:
    """The shared Liaison with a cheap password hash (argon2's cost is not under test here)."""
    liaison.users.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return liaison


@dataclass(frozen=True)
class Req:
    method: str
    template: str
    path: dict[str, str] = field(default_factory=dict)
    json: Any = None
    params: dict[str, Any] | None = None
    data: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content: Any = None
    role: str = "admin"


def post(template: str, body: Any = None, role: str = "admin", **path: str) -> Req:
    return Req("POST", template, path, body, role=role)


def get(
    template: str, params: dict[str, Any] | None = None, role: str = "admin", **path: str
) -> Req:
    return Req("GET", template, path, params=params, role=role)


class Api:
    """Sends requests as a role, checking what every answer must satisfy; makes records."""

    def __init__(self, world: World) -> None:
        self.w = world
        self.cp_a = world.cp_a
        self.cp_b = world.cp_b
        self.reports: dict[str, str] = {}  # suggestion id -> the report that carried it
        if not _OPENAPI:
            _OPENAPI.update(world.client.get("/openapi.json").json())

    def events(self) -> int | None:
        return self.w.liaison.app.recorder.max_notification_id()  # type: ignore[no-any-return]

    def send(self, req: Req) -> httpx2.Response:
        answer = self.w.client.request(
            req.method,
            req.template.format(**req.path),
            headers=self.w.as_(req.role) | req.headers,
            json=req.json,
            params=req.params,
            data=req.data,
            content=req.content,
        )
        assert answer.status_code < 500, f"{req.method} {req.template}: {answer.text}"
        documented = _OPENAPI["paths"][req.template][req.method.lower()]["responses"]
        assert str(answer.status_code) in documented, (req.method, req.template, documented)
        return answer

    def expect(self, status: int, req: Req) -> httpx2.Response:
        before = self.events()
        answer = self.send(req)
        assert answer.status_code == status, f"{req.method} {req.template}: {answer.text}"
        if status >= 400:
            assert answer.json()["detail"]
            assert self.events() == before, "a refused request recorded events"
        return answer

    def made(self, status: int, req: Req) -> Any:
        return self.expect(status, req).json()

    # records of contact point A (unless told), made through the API, in the state asked for

    def draft(self, status: str = "open", title: str = "个人信息保护法（草案）") -> str:
        draft_id: str = self.made(201, post(DRAFTS, draft_fields(title=title)))["id"]
        steps = {"received": [], "open": ["open"], "closed": ["open", "close"]}
        for step in steps.get(status, []):
            self.expect(200, post(f"{DRAFT}/{step}", draft_id=draft_id))
        if status == "enacted":
            enacted = {"enacted_on": TODAY, "text": TEXT}
            self.expect(200, post(f"{DRAFT}/enact", enacted, draft_id=draft_id))
        return draft_id

    def participant(self, erased: bool = False, cp: str | None = None) -> str:
        body = {"contact_point_id": cp or self.cp_a, "name": "王秀英", "kind": "resident"}
        made: str = self.made(201, post(PARTICIPANTS, body))["id"]
        if erased:
            self.expect(204, Req("DELETE", PARTICIPANT, {"participant_id": made}))
        return made

    def session(self, status: str = "scheduled", draft_id: str | None = None) -> str:
        body = session_fields(self.cp_a, draft_id or self.draft())
        made: str = self.made(201, post(SESSIONS, body))["id"]
        action = {"held": "complete", "cancelled": "cancel"}.get(status)
        if action:
            self.expect(200, post(f"{SESSION}/{action}", session_id=made))
        return made

    def suggestion(
        self, status: str = "received", draft_id: str | None = None, cp: str | None = None
    ) -> str:
        draft_id = draft_id or self.draft()
        cp = cp or self.cp_a
        made: str = self.made(201, post(SUGGESTIONS, suggestion_fields(cp, draft_id)))["id"]
        if status == "rejected":
            self._act(made, "screen", {"decision": "reject", "reason": "与草案无关"})
        if status in ("accepted", "reported", "decided", "fed_back"):
            self._act(made, "screen", {"decision": "accept"})
        if status in ("reported", "decided", "fed_back"):
            report = report_fields(cp, draft_id, [made])
            self.reports[made] = self.made(201, post(REPORTS, report))["id"]
        if status in ("decided", "fed_back"):
            self._act(made, "outcome", {"outcome": "adopted"})
        if status == "fed_back":
            self._act(made, "feedback", {"message": "您的意见已被采纳"})
        return made

    def _act(self, suggestion_id: str, action: str, body: dict[str, Any]) -> None:
        self.expect(200, post(f"{SUGGESTION}/{action}", body, suggestion_id=suggestion_id))

    def report(self) -> str:
        return self.reports[self.suggestion("reported")]


@pytest.fixture
def api(world: World) -> Api:
    return Api(world)


DROP = object()  # a field left out of a body


def _fields(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in (base | changes).items() if v is not DROP}


def draft_fields(**changes: Any) -> dict[str, Any]:
    base = {
        "title": "个人信息保护法（草案）",
        "level": "national",
        "issuer": "全国人大常委会法工委",
        "received_on": "2021-03-01",
        "deadline": "2021-03-31",
        "text": TEXT,
    }
    return _fields(base, changes)


def session_fields(cp: str, draft_id: str, **changes: Any) -> dict[str, Any]:
    base = {
        "contact_point_id": cp,
        "draft_ids": [draft_id],
        "kind": "symposium",
        "title": "个人信息保护法座谈会",
        "starts_at": "2021-03-05T14:00:00+08:00",
    }
    return _fields(base, changes)


def suggestion_fields(cp: str, draft_id: str, **changes: Any) -> dict[str, Any]:
    base = {
        "contact_point_id": cp,
        "draft_id": draft_id,
        "article": 1,
        "content": "建议明确个人信息的范围。",
        "channel": "letter",
        "received_on": "2021-03-10",
    }
    return _fields(base, changes)


def report_fields(cp: str, draft_id: str, ids: list[str], **changes: Any) -> dict[str, Any]:
    base = {
        "contact_point_id": cp,
        "draft_id": draft_id,
        "suggestion_ids": ids,
        "submitted_on": TODAY,
    }
    return _fields(base, changes)


# Builders: a request made from fresh records. A change may be a function of the Api.
Build = Callable[[Api], Req]


def _resolved(a: Api, changes: dict[str, Any]) -> dict[str, Any]:
    return {k: v(a) if callable(v) else v for k, v in changes.items()}


def nothing(_a: Api) -> str:
    """An id that names nothing."""
    return str(uuid4())


def new_contact_point(**changes: Any) -> Build:
    return lambda a: post(
        CONTACT_POINTS, _fields({"name": "田林街道", "district": "徐汇区"}, changes)
    )


def new_draft(**changes: Any) -> Build:
    return lambda a: post(DRAFTS, draft_fields(**changes))


def new_participant(**changes: Any) -> Build:
    base = {"name": "王秀英", "kind": "resident"}
    return lambda a: post(
        PARTICIPANTS, _fields({"contact_point_id": a.cp_a, **base}, _resolved(a, changes))
    )


def new_session(**changes: Any) -> Build:
    return lambda a: post(
        SESSIONS, _fields(session_fields(a.cp_a, a.draft()), _resolved(a, changes))
    )


def new_suggestion(**changes: Any) -> Build:
    return lambda a: post(
        SUGGESTIONS, _fields(suggestion_fields(a.cp_a, a.draft()), _resolved(a, changes))
    )


def new_report(status: str = "accepted", **changes: Any) -> Build:
    """A report for A carrying one suggestion in ``status`` of the same draft."""

    def build(a: Api) -> Req:
        draft_id = a.draft()
        ids = [a.suggestion(status, draft_id)]
        return post(REPORTS, _fields(report_fields(a.cp_a, draft_id, ids), _resolved(a, changes)))

    return build


def new_comment(draft: str = "open", **changes: Any) -> Build:
    base = {"article": 1, "content": "建议明确必要原则"}
    return lambda a: post(
        COMMENTS,
        _fields({"contact_point_id": a.cp_a, **base}, _resolved(a, changes)),
        role="anonymous",
        draft_id=a.draft(draft),
    )


def _on(kind: str, action: str, body: Any, status: str) -> Build:
    template = f"{V1}/{kind}s/{{{kind}_id}}/{action}"

    def build(a: Api) -> Req:
        record = getattr(a, kind)(status)
        return post(template, body(a) if callable(body) else body, **{f"{kind}_id": record})

    return build


def on_draft(action: str, body: Any = None, status: str = "open") -> Build:
    return _on("draft", action, body, status)


def on_session(action: str, body: Any = None, status: str = "scheduled") -> Build:
    return _on("session", action, body, status)


def on_suggestion(action: str, body: Any = None, status: str = "received") -> Build:
    return _on("suggestion", action, body, status)


def query(template: str, params: dict[str, Any]) -> Build:
    return lambda a: get(template, params)


def merge(suggestion_id: str, into: str) -> Req:
    return post(f"{SUGGESTION}/merge", {"into": into}, suggestion_id=suggestion_id)


def names_field(answer: httpx2.Response, name: str) -> bool:
    """A 422 says which field: in a `loc` when detail is a list, in the words when a string."""
    detail = answer.json()["detail"]
    if isinstance(detail, list):
        return any(name in [str(part) for part in error["loc"]] for error in detail)
    return re.search(rf"\b{re.escape(name)}\b", detail) is not None


def api_operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for template, operations in _OPENAPI["paths"].items():
        if template.startswith(V1):
            for method, operation in operations.items():
                yield method.upper(), template, operation


def any_path(template: str) -> dict[str, str]:
    """A value naming nothing for each path parameter of ``template``."""
    names = re.findall(r"{(\w+)}", template)
    return {n: "NO-SUCH-RECEIPT" if n == "receipt" else str(uuid4()) for n in names}


# ---- happy paths, family by family ---------------------------------------------------------


def test_a_right_password_gets_a_bearer_token(api: Api) -> None:
    form = {"username": "staff_a", "password": PASSWORD}

    token = api.made(200, Req("POST", TOKEN, data=form, role="anonymous"))

    assert token["token_type"] == "bearer" and token["role"] == "staff" and token["access_token"]
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    api.expect(200, Req("GET", CONTACT_POINTS, headers=bearer, role="anonymous"))


def test_contact_points_are_designated_by_admin_and_listed(api: Api) -> None:
    body = {"name": "田林街道基层立法联系点", "district": "徐汇区"}

    made = api.made(201, post(CONTACT_POINTS, body))

    assert made == {"id": made["id"], **body}
    assert made in api.made(200, get(CONTACT_POINTS, role="staff_a"))
    assert made in api.made(200, get(f"{PUBLIC}/contact-points", role="anonymous"))


def test_a_draft_is_received_opened_revised_closed_enacted_and_traced(api: Api) -> None:
    made = api.made(201, post(DRAFTS, draft_fields()))
    at = {"draft_id": made["id"]}
    assert made["status"] == "received" and [a["number"] for a in made["articles"]] == [1, 2, 3]

    assert api.made(200, post(f"{DRAFT}/open", **at))["status"] == "open"
    api.expect(201, post(f"{DRAFT}/versions", {"label": "二审稿", "text": TEXT}, **at))
    assert api.made(200, post(f"{DRAFT}/close", **at))["status"] == "closed"
    enacted = {"enacted_on": TODAY, "text": TEXT}
    assert api.made(200, post(f"{DRAFT}/enact", enacted, "congress", **at))["status"] == "enacted"

    assert api.made(200, get(DRAFT, role="staff_b", **at))["enacted_on"] == TODAY
    listed = api.made(200, get(DRAFTS, {"status": "enacted"}))
    assert [d["id"] for d in listed] == [made["id"]]
    assert api.made(200, get(f"{DRAFT}/trace", role="congress", **at))["draft"]["id"] == made["id"]


def test_a_participant_is_registered_read_and_erased(api: Api) -> None:
    body = {
        "contact_point_id": api.cp_a,
        "name": "王秀英",
        "kind": "resident",
        "neighbourhood": "曹杨一村",
        "phone": "13812345678",
        "consent_to_contact": True,
    }
    made = api.made(201, post(PARTICIPANTS, body, "staff_a"))
    at = {"participant_id": made["id"]}
    assert made["phone"] == "138****5678"

    assert api.made(200, get(PARTICIPANT, role="staff_a", **at))["name"] == "王秀英"
    api.expect(204, Req("DELETE", PARTICIPANT, at, role="staff_a"))
    erased = api.made(200, get(PARTICIPANT, **at))
    assert erased["erased"] and erased["name"] is None and erased["phone"] is None


def test_a_session_is_scheduled_attended_held_listed_or_cancelled(api: Api) -> None:
    draft_id = api.draft()
    person = api.participant()
    made = api.made(201, post(SESSIONS, session_fields(api.cp_a, draft_id), "staff_a"))
    at = {"session_id": made["id"]}
    assert made["status"] == "scheduled"

    api.expect(200, post(f"{SESSION}/attendance", {"participant_ids": [person]}, **at))
    held = api.made(200, post(f"{SESSION}/complete", {"minutes": "逐条讨论"}, **at))
    assert held["status"] == "held" and held["participant_ids"] == [person]
    assert api.made(200, get(SESSION, role="congress", **at))["minutes"] == "逐条讨论"
    listed = api.made(200, get(SESSIONS, {"draft_id": draft_id}))
    assert [s["id"] for s in listed] == [made["id"]]

    other = api.session(draft_id=draft_id)
    cancelled = api.made(200, post(f"{SESSION}/cancel", {"reason": "改期"}, session_id=other))
    assert cancelled["status"] == "cancelled"


def test_a_suggestion_goes_from_received_to_fed_back(api: Api) -> None:
    draft_id = api.draft()
    body = suggestion_fields(api.cp_a, draft_id)
    made = api.made(201, post(SUGGESTIONS, body, "staff_a"))
    at = {"suggestion_id": made["id"]}
    assert made["status"] == "received" and made["receipt"]
    duplicate = api.suggestion(draft_id=draft_id)

    def act(action: str, body: dict[str, Any], role: str = "staff_a") -> Any:
        return api.made(200, post(f"{SUGGESTION}/{action}", body, role, **at))["status"]

    assert api.made(200, merge(duplicate, made["id"]))["status"] == "merged"
    assert act("revise", {"content": "建议在第一条明确范围"}) == "received"
    assert act("screen", {"decision": "accept"}) == "accepted"
    api.expect(201, post(REPORTS, report_fields(api.cp_a, draft_id, [made["id"]]), "staff_a"))
    outcome = {"outcome": "partially_adopted", "final_article": 1}
    assert act("outcome", outcome, "congress") == "partially_adopted"
    assert act("feedback", {"message": "已部分采纳"}) == "fed_back"

    read = api.made(200, get(SUGGESTION, role="congress", **at))
    assert read["original_content"] == body["content"] and read["feedback"] == "已部分采纳"
    listed = api.made(200, get(SUGGESTIONS, {"draft_id": draft_id}))
    assert {s["id"] for s in listed} == {made["id"], duplicate}
    history = api.made(200, get(f"{SUGGESTION}/history", **at))
    assert [history[0]["type"], history[-1]["type"]] == [
        "Suggestion.Received",
        "Suggestion.FedBack",
    ]


def test_a_report_is_read_and_exported_as_csv_and_docx(api: Api) -> None:
    at = {"report_id": api.report()}

    read = api.made(200, get(REPORT, role="congress", **at))
    as_csv = api.expect(200, get(f"{REPORT}/export", {"format": "csv"}, **at))
    as_docx = api.expect(200, get(f"{REPORT}/export", {"format": "docx"}, "staff_a", **at))

    assert read["id"] == at["report_id"] and len(read["suggestion_ids"]) == 1
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert any("建议明确个人信息的范围。" in row for row in csv.reader(io.StringIO(as_csv.text)))
    assert Document(io.BytesIO(as_docx.content)).tables


def test_stats_and_ranking_answer_for_a_period(api: Api) -> None:
    api.suggestion("reported")
    period = {"from": "2021-03-01", "to": "2021-03-31"}

    stats = api.made(200, get(STATS, period | {"contact_point_id": api.cp_a}))
    ranking = api.made(200, get(RANKING, period, "staff_b"))

    assert stats["suggestions"]["received"] == 1 and stats["suggestions"]["reported"] == 1
    assert ranking[0]["contact_point_id"] == api.cp_a and ranking[0]["reported"] == 1


def test_the_event_log_pages_and_its_chain_verifies(api: Api) -> None:
    api.suggestion()

    page = api.made(200, get(EVENTS, {"limit": 2}, "congress"))
    rest = api.made(200, get(EVENTS, {"after": page["next"]}))
    integrity = api.made(200, get(INTEGRITY, role="congress"))

    assert len(page["items"]) == 2 and rest["next"] is None
    assert integrity["ok"] and integrity["events"] == len(page["items"]) + len(rest["items"])


def test_the_public_reads_open_drafts_comments_and_follows_a_receipt(api: Api) -> None:
    draft_id = api.draft()
    api.draft("closed", title="已截止的草案")

    listed = api.made(200, get(f"{PUBLIC}/drafts", role="anonymous"))
    read = api.made(200, get(PUBLIC_DRAFT, role="anonymous", draft_id=draft_id))
    said = {"contact_point_id": api.cp_a, "article": 2, "content": "建议明确", "name": "李四"}
    comment = api.made(201, post(COMMENTS, said, "anonymous", draft_id=draft_id))
    receipt = api.made(200, get(RECEIPT, role="anonymous", receipt=comment["receipt"]))

    assert [d["id"] for d in listed] == [draft_id] and read["id"] == draft_id
    assert receipt["status"] == "received" and receipt["article"] == 2
    assert "李四" not in json.dumps(receipt, ensure_ascii=False)


def test_openapi_is_served_and_describes_every_api_route(api: Api) -> None:
    answer = api.w.client.get("/openapi.json")

    assert answer.status_code == 200
    documented = {
        (method.upper(), template)
        for template, operations in answer.json()["paths"].items()
        if template.startswith(V1)
        for method in operations
    }
    assert documented == served_routes(api)


def served_routes(api: Api) -> set[tuple[str, str]]:
    """Every (method, path) the app serves under /api/v1, included routers flattened."""
    from fastapi.routing import iter_route_contexts

    routes = iter_route_contexts(api.w.client.app.routes)  # type: ignore[attr-defined]
    return {
        (method, route.path)
        for route in routes
        if isinstance(route.original_route, APIRoute) and route.path.startswith(V1)
        for method in route.methods
    }


# ---- 401 ----------------------------------------------------------------------------------


def _bearer(key: str, minutes: int) -> dict[str, str]:
    token = TokenSigner(key, minutes).issue(Actor("admin", Role.ADMIN, None))
    return {"Authorization": f"Bearer {token}"}


CREDENTIALS: dict[str, Callable[[Api], dict[str, str]]] = {
    "no-token": lambda a: {},
    "garbage-token": lambda a: {"Authorization": "Bearer not.a.token"},
    "expired-token": lambda a: _bearer(a.w.client.app.state.signer.key, -1),  # type: ignore[attr-defined]
    "token-signed-with-another-key": lambda a: _bearer("another-key-" + "y" * 40, 60),
    "basic-not-bearer": lambda a: {"Authorization": "Basic YWRtaW46cGFzc3dvcmQ="},
}


@pytest.mark.parametrize("credentials", sorted(CREDENTIALS))
def test_every_protected_route_answers_401_without_a_valid_token(
    api: Api, credentials: str
) -> None:
    headers = CREDENTIALS[credentials](api)
    protected = [
        (method, template)
        for method, template, _ in api_operations()
        if not template.startswith(PUBLIC) and template != TOKEN
    ]
    assert len(protected) >= 35

    for method, template in protected:
        req = Req(method, template, any_path(template), headers=headers, role="anonymous")
        answer = api.expect(401, req)
        assert answer.headers["WWW-Authenticate"] == "Bearer", (method, template)
        assert answer.json() == {"detail": "not signed in"}


def test_a_wrong_password_is_answered_like_an_unknown_user(api: Api) -> None:
    def sign_in(username: str) -> httpx2.Response:
        form = {"username": username, "password": "not-the-password"}
        return api.expect(401, Req("POST", TOKEN, data=form, role="anonymous"))

    wrong_password, unknown_user = sign_in("admin"), sign_in("nobody-at-all")

    assert wrong_password.json() == unknown_user.json() == {"detail": "wrong username or password"}
    assert wrong_password.headers["WWW-Authenticate"] == unknown_user.headers["WWW-Authenticate"]


@pytest.mark.parametrize("missing", ["username", "password"])
def test_the_token_form_fields_are_required(api: Api, missing: str) -> None:
    form = {"username": "admin", "password": PASSWORD}
    del form[missing]

    answer = api.expect(422, Req("POST", TOKEN, data=form, role="anonymous"))

    assert names_field(answer, missing)


# ---- 400 and 413 --------------------------------------------------------------------------


def _body_routes(media: str | None = None) -> list[tuple[str, str, str]]:
    return [
        (method, template, content_type)
        for method, template, operation in api_operations()
        for content_type in operation.get("requestBody", {}).get("content", {})
        if media is None or content_type == media
    ]


def test_malformed_json_is_400_on_every_json_route(api: Api) -> None:
    routes = _body_routes("application/json")
    assert len(routes) >= 17

    for method, template, content_type in routes:
        malformed = b'{"title": '
        headers = {"content-type": content_type}
        req = Req(method, template, any_path(template), headers=headers, content=malformed)
        assert isinstance(api.expect(400, req).json()["detail"], str), (method, template)


def _oversized(api: Api, chunked: bool) -> dict[str, int]:
    """Each route with a body, sent one over the limit: its status (and nothing recorded)."""
    size = api.w.liaison.settings.max_body_bytes + 1
    draft_id = api.draft()

    def chunks() -> Iterator[bytes]:
        yield b'{"content": "'
        for _ in range(0, size, 64 * 1024):
            yield b"x" * (64 * 1024)
        yield b'"}'

    statuses = {}
    for method, template, content_type in _body_routes():
        path = any_path(template) | ({"draft_id": draft_id} if "{draft_id}" in template else {})
        content = chunks() if chunked else b'{"content": "' + b"x" * size + b'"}'
        req = Req(method, template, path, headers={"content-type": content_type}, content=content)
        before = api.events()
        statuses[f"{method} {template}"] = api.send(req).status_code  # never a 500
        assert api.events() == before, f"{method} {template} recorded events"
    assert len(statuses) >= 18
    return statuses


def test_a_body_over_the_limit_is_413_and_records_nothing(api: Api) -> None:
    statuses = _oversized(api, chunked=False)

    assert {route: s for route, s in statuses.items() if s != 413} == {}


def test_a_chunked_body_over_the_limit_is_refused_and_records_nothing(api: Api) -> None:
    statuses = _oversized(api, chunked=True)

    assert {route: s for route, s in statuses.items() if not 400 <= s < 500} == {}


def test_a_chunked_body_over_the_limit_is_413(api: Api) -> None:
    statuses = _oversized(api, chunked=True)

    assert {route: s for route, s in statuses.items() if s != 413} == {}


def test_a_chunked_body_under_the_limit_is_accepted(api: Api) -> None:
    body = json.dumps(suggestion_fields(api.cp_a, api.draft())).encode()
    chunks = iter([body[:10], body[10:]])
    headers = {"content-type": "application/json"}

    made = api.made(201, Req("POST", SUGGESTIONS, headers=headers, content=chunks))

    assert made["content"] == "建议明确个人信息的范围。"


# ---- 422 ----------------------------------------------------------------------------------


def _report_naming_one_suggestion_twice(a: Api) -> Req:
    draft_id = a.draft()
    twice = [a.suggestion("accepted", draft_id)] * 2
    return post(REPORTS, report_fields(a.cp_a, draft_id, twice))


def _with_idempotency_key(key: str) -> Build:
    return lambda a: replace(new_comment()(a), headers={"Idempotency-Key": key})


def _export(format_: str) -> Build:
    return lambda a: get(f"{REPORT}/export", {"format": format_}, report_id=a.report())


INVALID: dict[str, tuple[str, Build]] = {
    # contact points
    "contact-point-name-too-long": ("name", new_contact_point(name="名" * 201)),
    "contact-point-district-missing": ("district", new_contact_point(district=DROP)),
    "contact-point-name-not-text": ("name", new_contact_point(name=42)),
    # drafts
    "draft-title-too-long": ("title", new_draft(title="题" * 201)),
    "draft-title-blank": ("title", new_draft(title="   ")),
    "draft-title-with-a-control-character": ("title", new_draft(title="数据条例\x00（草案）")),
    "draft-level-unknown": ("level", new_draft(level="galactic")),
    "draft-received-on-not-a-date": ("received_on", new_draft(received_on="last tuesday")),
    "draft-text-missing": ("text", new_draft(text=DROP)),
    "draft-deadline-before-received-on": ("deadline", new_draft(deadline="2021-02-28")),
    "drafts-status-unknown": ("status", query(DRAFTS, {"status": "pending"})),
    "draft-id-not-a-uuid": ("draft_id", lambda a: get(DRAFT, draft_id="not-a-uuid")),
    "version-label-too-long": ("label", on_draft("versions", {"label": "稿" * 51, "text": TEXT})),
    "version-label-kept-for-the-law": (
        "label",
        on_draft("versions", {"label": "通过稿", "text": TEXT}),
    ),
    "version-text-not-text": ("text", on_draft("versions", {"label": "二审稿", "text": 7})),
    "enact-date-not-a-date": (
        "enacted_on",
        on_draft("enact", {"enacted_on": "soon", "text": TEXT}),
    ),
    "enact-before-received": (
        "enacted_on",
        on_draft("enact", {"enacted_on": "2021-02-01", "text": TEXT}),
    ),
    "trace-contact-point-not-a-uuid": (
        "contact_point_id",
        lambda a: get(f"{DRAFT}/trace", {"contact_point_id": "A"}, draft_id=a.draft()),
    ),
    # participants
    "participant-kind-unknown": ("kind", new_participant(kind="alien")),
    "participant-name-too-long": ("name", new_participant(name="王" * 101)),
    "participant-phone-not-a-number": ("phone", new_participant(phone="call me")),
    "participant-contact-point-not-a-uuid": (
        "contact_point_id",
        new_participant(contact_point_id="A"),
    ),
    "participant-consent-not-a-boolean": (
        "consent_to_contact",
        new_participant(consent_to_contact="maybe"),
    ),
    "participant-id-not-a-uuid": (
        "participant_id",
        lambda a: get(PARTICIPANT, participant_id="42"),
    ),
    # sessions
    "session-without-drafts": ("draft_ids", new_session(draft_ids=[])),
    "session-naming-a-draft-twice": ("draft_ids", new_session(draft_ids=lambda a: [a.draft()] * 2)),
    "session-starts-at-not-a-time": ("starts_at", new_session(starts_at="after lunch")),
    "session-kind-unknown": ("kind", new_session(kind="party")),
    "session-title-too-long": ("title", new_session(title="会" * 201)),
    "attendance-of-nobody": ("participant_ids", on_session("attendance", {"participant_ids": []})),
    "attendance-not-uuids": (
        "participant_ids",
        on_session("attendance", {"participant_ids": ["王"]}),
    ),
    "complete-minutes-too-long": ("minutes", on_session("complete", {"minutes": "记" * 20_001})),
    "complete-held-on-not-a-date": ("held_on", on_session("complete", {"held_on": "today"})),
    "cancel-reason-too-long": ("reason", on_session("cancel", {"reason": "因" * 201})),
    "sessions-contact-point-not-a-uuid": (
        "contact_point_id",
        query(SESSIONS, {"contact_point_id": "A"}),
    ),
    # suggestions
    "suggestion-content-too-long": ("content", new_suggestion(content="意" * 5001)),
    "suggestion-content-missing": ("content", new_suggestion(content=DROP)),
    "suggestion-channel-unknown": ("channel", new_suggestion(channel="pigeon")),
    "suggestion-article-zero": ("article", new_suggestion(article=0)),
    "suggestion-article-not-a-number": ("article", new_suggestion(article="first")),
    "suggestion-article-not-in-the-draft": ("article", new_suggestion(article=99)),
    "suggestion-received-on-not-a-date": ("received_on", new_suggestion(received_on="3/10")),
    "suggestion-draft-id-not-a-uuid": ("draft_id", new_suggestion(draft_id="draft-1")),
    "suggestions-status-unknown": ("status", query(SUGGESTIONS, {"status": "lost"})),
    "suggestions-limit-zero": ("limit", query(SUGGESTIONS, {"limit": 0})),
    "suggestions-cursor-too-long": ("after", query(SUGGESTIONS, {"after": "x" * 65})),
    "merge-into-not-a-uuid": ("into", on_suggestion("merge", {"into": "that one"})),
    "merge-into-itself": ("into", lambda a: merge(s := a.suggestion(), s)),
    "revise-content-too-long": ("content", on_suggestion("revise", {"content": "改" * 5001})),
    "revise-content-empty": ("content", on_suggestion("revise", {"content": ""})),
    "screen-decision-unknown": ("decision", on_suggestion("screen", {"decision": "maybe"})),
    "reject-without-a-reason": ("reason", on_suggestion("screen", {"decision": "reject"})),
    "reject-with-a-blank-reason": (
        "reason",
        on_suggestion("screen", {"decision": "reject", "reason": "  "}),
    ),
    "reject-reason-too-long": (
        "reason",
        on_suggestion("screen", {"decision": "reject", "reason": "因" * 1001}),
    ),
    "outcome-unknown": ("outcome", on_suggestion("outcome", {"outcome": "ignored"}, "reported")),
    "outcome-final-article-zero": (
        "final_article",
        on_suggestion("outcome", {"outcome": "adopted", "final_article": 0}, "reported"),
    ),
    "feedback-message-empty": ("message", on_suggestion("feedback", {"message": ""}, "decided")),
    "feedback-message-too-long": (
        "message",
        on_suggestion("feedback", {"message": "复" * 5001}, "decided"),
    ),
    # reports
    "report-without-suggestions": ("suggestion_ids", new_report(suggestion_ids=[])),
    "report-naming-a-suggestion-twice": ("suggestion_ids", _report_naming_one_suggestion_twice),
    "report-submitted-on-not-a-date": ("submitted_on", new_report(submitted_on="Q1")),
    "export-as-pdf": ("format", _export("pdf")),
    # statistics
    "stats-to-before-from": ("to", query(STATS, {"from": "2021-03-31", "to": "2021-03-01"})),
    "stats-from-not-a-date": ("from", query(STATS, {"from": "March"})),
    "stats-contact-point-not-a-uuid": ("contact_point_id", query(STATS, {"contact_point_id": "A"})),
    "ranking-to-before-from": ("to", query(RANKING, {"from": "2021-03-31", "to": "2021-03-01"})),
    "ranking-to-not-a-date": ("to", query(RANKING, {"to": "2021-13-01"})),
    # the event log
    "events-after-negative": ("after", query(EVENTS, {"after": -1})),
    "events-after-not-a-number": ("after", query(EVENTS, {"after": "start"})),
    "events-limit-zero": ("limit", query(EVENTS, {"limit": 0})),
    "events-limit-too-big": ("limit", query(EVENTS, {"limit": 1001})),
    # public comments
    "comment-content-too-long": ("content", new_comment(content="意" * 5001)),
    "comment-content-missing": ("content", new_comment(content=DROP)),
    "comment-phone-not-a-number": ("phone", new_comment(phone="call me")),
    "comment-name-too-long": ("name", new_comment(name="李" * 101)),
    "comment-article-zero": ("article", new_comment(article=0)),
    "comment-article-not-in-the-draft": ("article", new_comment(article=99)),
    "comment-contact-point-not-a-uuid": ("contact_point_id", new_comment(contact_point_id="A")),
    "comment-idempotency-key-too-long": ("idempotency-key", _with_idempotency_key("k" * 129)),
    # business dates run forward: nothing before its record's start (the draft received on
    # 2021-03-01, the session set for 03-05, the opinion received 03-10 and accepted today),
    # nothing after today (the tests' clock: 2021-03-15)
    "draft-received-tomorrow": ("received_on", new_draft(received_on="2021-03-16")),
    "enacted-tomorrow": (
        "enacted_on",
        on_draft("enact", {"enacted_on": "2021-03-16", "text": TEXT}),
    ),
    "session-before-its-draft-was-received": (
        "starts_at",
        new_session(starts_at="2021-02-26T14:00:00+08:00"),
    ),
    "held-before-the-day-it-was-set-for": (
        "held_on",
        on_session("complete", {"held_on": "2021-03-04"}),
    ),
    "held-tomorrow": ("held_on", on_session("complete", {"held_on": "2021-03-16"})),
    "suggestion-received-tomorrow": ("received_on", new_suggestion(received_on="2021-03-16")),
    "suggestion-received-before-its-draft": (
        "received_on",
        new_suggestion(received_on="2021-02-28"),
    ),
    "report-before-its-suggestion-was-accepted": (
        "submitted_on",
        new_report(submitted_on="2021-03-14"),
    ),
    "report-submitted-tomorrow": ("submitted_on", new_report(submitted_on="2021-03-16")),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_an_invalid_field_is_422_and_named(api: Api, case: str) -> None:
    name, build = INVALID[case]

    answer = api.expect(422, build(api))

    assert names_field(answer, name), answer.text


def test_a_screening_dated_before_the_opinion_was_received_is_422_with_the_reason(
    api: Api, clock: FixedClock
) -> None:
    """A screening is dated today: an opinion recorded as received on the 20th cannot be
    screened while the clock says the 15th (set back, or in another time zone)."""
    clock.day = date(2021, 3, 20)
    body = suggestion_fields(api.cp_a, api.draft(), received_on="2021-03-20")
    made = api.made(201, post(SUGGESTIONS, body, "staff_a"))
    clock.day = date(2021, 3, 15)

    accept = {"decision": "accept"}
    answer = api.expect(422, post(f"{SUGGESTION}/screen", accept, suggestion_id=made["id"]))

    assert answer.json()["detail"] == (
        "on: must not be before the day the suggestion was received (2021-03-20)"
    )
    assert api.made(200, get(SUGGESTION, suggestion_id=made["id"]))["status"] == "received"


def _report_carrying_another_contact_points_suggestion(a: Api) -> Req:
    draft_id = a.draft()
    theirs = a.suggestion("accepted", draft_id, cp=a.cp_b)
    return post(REPORTS, report_fields(a.cp_a, draft_id, [theirs]))


MISMATCHED: dict[str, Build] = {
    "merge-into-a-suggestion-on-another-draft": lambda a: merge(
        a.suggestion(), a.suggestion(draft_id=a.draft(title="另一部草案"))
    ),
    "suggestion-at-a-session-on-another-draft": new_suggestion(
        session_id=lambda a: a.session(), channel="session"
    ),
}


@pytest.mark.parametrize("case", sorted(MISMATCHED))
def test_records_that_do_not_belong_together_are_422(api: Api, case: str) -> None:
    api.expect(422, MISMATCHED[case](api))


# Another contact point's records do not exist for a request made for this one (even for admin).
ELSEWHERE: dict[str, Build] = {
    "attendance-of-another-contact-points-participant": on_session(
        "attendance", lambda a: {"participant_ids": [a.participant(cp=a.cp_b)]}
    ),
    "report-carrying-another-contact-points-suggestion": (
        _report_carrying_another_contact_points_suggestion
    ),
}


@pytest.mark.parametrize("case", sorted(ELSEWHERE))
def test_records_of_another_contact_point_are_not_found(api: Api, case: str) -> None:
    api.expect(404, ELSEWHERE[case](api))


# ---- 404 ----------------------------------------------------------------------------------

# Every route on one record by id, with a valid body: only the id can be wrong.
ON_ID: dict[str, tuple[str, str, Any]] = {
    "get-draft": ("GET", DRAFT, None),
    "open-draft": ("POST", f"{DRAFT}/open", None),
    "close-draft": ("POST", f"{DRAFT}/close", None),
    "add-version": ("POST", f"{DRAFT}/versions", {"label": "二审稿", "text": TEXT}),
    "enact": ("POST", f"{DRAFT}/enact", {"enacted_on": "2021-08-20", "text": TEXT}),
    "trace": ("GET", f"{DRAFT}/trace", None),
    "summary": ("GET", f"{DRAFT}/summary.docx", None),
    "get-participant": ("GET", PARTICIPANT, None),
    "erase-participant": ("DELETE", PARTICIPANT, None),
    "attendance": (
        "POST",
        f"{SESSION}/attendance",
        lambda a: {"participant_ids": [a.participant()]},
    ),
    "complete": ("POST", f"{SESSION}/complete", {"minutes": "纪要"}),
    "cancel": ("POST", f"{SESSION}/cancel", None),
    "get-session": ("GET", SESSION, None),
    "get-suggestion": ("GET", SUGGESTION, None),
    "merge": ("POST", f"{SUGGESTION}/merge", lambda a: {"into": a.suggestion()}),
    "revise": ("POST", f"{SUGGESTION}/revise", {"content": "改写"}),
    "screen": ("POST", f"{SUGGESTION}/screen", {"decision": "accept"}),
    "outcome": ("POST", f"{SUGGESTION}/outcome", {"outcome": "adopted"}),
    "feedback": ("POST", f"{SUGGESTION}/feedback", {"message": "已采纳"}),
    "history": ("GET", f"{SUGGESTION}/history", None),
    "get-report": ("GET", REPORT, None),
    "export": ("GET", f"{REPORT}/export", {"format": "docx"}),
    "report-feedback": ("POST", f"{REPORT}/feedback", {"message": "已采纳"}),
    "letters": ("GET", f"{REPORT}/letters", {"format": "csv"}),
    "public-draft": ("GET", PUBLIC_DRAFT, None),
    "public-comment": ("POST", COMMENTS, lambda a: {"contact_point_id": a.cp_a, "content": "意见"}),
}


def on_id(a: Api, case: str, record_id: str) -> Req:
    method, template, extra = ON_ID[case]
    extra = extra(a) if callable(extra) else extra
    (name,) = re.findall(r"{(\w+)}", template)
    role = "anonymous" if template.startswith(PUBLIC) else "admin"
    if method == "GET":
        return Req(method, template, {name: record_id}, params=extra, role=role)
    return Req(method, template, {name: record_id}, extra, role=role)


def _id_of_another_kind(a: Api, template: str) -> str:
    """A real record of a kind the route does not take: a suggestion for draft routes, else
    a draft."""
    return a.suggestion() if "{draft_id}" in template else a.draft()


@pytest.mark.parametrize("case", sorted(ON_ID))
def test_an_unknown_id_is_404(api: Api, case: str) -> None:
    unknown = str(uuid4())

    answer = api.expect(404, on_id(api, case, unknown))

    assert unknown in answer.json()["detail"]


@pytest.mark.parametrize("case", sorted(ON_ID))
def test_the_id_of_a_record_of_another_kind_is_404(api: Api, case: str) -> None:
    other = _id_of_another_kind(api, ON_ID[case][1])

    api.expect(404, on_id(api, case, other))


REFERENCES: dict[str, Build] = {
    "participant-of-an-unknown-contact-point": new_participant(contact_point_id=nothing),
    "session-at-an-unknown-contact-point": new_session(contact_point_id=nothing),
    "session-on-an-unknown-draft": new_session(draft_ids=lambda a: [nothing(a)]),
    "suggestion-on-an-unknown-draft": new_suggestion(draft_id=nothing),
    "suggestion-at-an-unknown-contact-point": new_suggestion(contact_point_id=nothing),
    "suggestion-by-an-unknown-participant": new_suggestion(participant_id=nothing),
    "suggestion-at-an-unknown-session": new_suggestion(session_id=nothing, channel="session"),
    "merge-into-an-unknown-suggestion": lambda a: merge(a.suggestion(), nothing(a)),
    "attendance-of-an-unknown-participant": on_session(
        "attendance", lambda a: {"participant_ids": [nothing(a)]}
    ),
    "report-of-an-unknown-suggestion": new_report(suggestion_ids=lambda a: [nothing(a)]),
    "report-on-an-unknown-draft": new_report(draft_id=nothing),
    "comment-to-an-unknown-contact-point": new_comment(contact_point_id=nothing),
    "unknown-receipt": lambda a: get(RECEIPT, role="anonymous", receipt="NO-SUCH-CODE"),
    "suggestion-id-as-receipt": lambda a: get(RECEIPT, role="anonymous", receipt=a.suggestion()),
    "public-draft-not-yet-open": lambda a: get(
        PUBLIC_DRAFT, role="anonymous", draft_id=a.draft("received")
    ),
    "public-draft-closed": lambda a: get(
        PUBLIC_DRAFT, role="anonymous", draft_id=a.draft("closed")
    ),
}


@pytest.mark.parametrize("case", sorted(REFERENCES))
def test_a_reference_to_nothing_is_404(api: Api, case: str) -> None:
    api.expect(404, REFERENCES[case](api))


# ---- 409 ----------------------------------------------------------------------------------


def _merge_a(status: str) -> Build:
    """Merge a suggestion in ``status`` into a received one of the same draft."""

    def build(a: Api) -> Req:
        draft_id = a.draft()
        if status == "merged":
            duplicate = a.suggestion(draft_id=draft_id)
            a.expect(200, merge(duplicate, a.suggestion(draft_id=draft_id)))
        else:
            duplicate = a.suggestion(status, draft_id)
        return merge(duplicate, a.suggestion(draft_id=draft_id))

    return build


def _suggestion_at_a_cancelled_session(a: Api) -> Req:
    draft_id = a.draft()
    session_id = a.session("cancelled", draft_id)
    body = suggestion_fields(a.cp_a, draft_id, session_id=session_id, channel="session")
    return post(SUGGESTIONS, body)


TEXT_V3 = {"label": "三审稿", "text": TEXT}
LATER_LAW = {"enacted_on": "2021-09-01", "text": TEXT}

WRONG_STATE: dict[str, Build] = {
    "open-an-open-draft": on_draft("open"),
    "open-an-enacted-draft": on_draft("open", status="enacted"),
    "close-a-received-draft": on_draft("close", status="received"),
    "close-a-closed-draft": on_draft("close", status="closed"),
    "add-a-version-to-an-enacted-draft": on_draft("versions", TEXT_V3, "enacted"),
    "enact-an-enacted-draft": on_draft("enact", LATER_LAW, "enacted"),
    "erase-an-erased-participant": lambda a: Req(
        "DELETE", PARTICIPANT, {"participant_id": a.participant(erased=True)}
    ),
    "attendance-of-an-erased-participant": on_session(
        "attendance", lambda a: {"participant_ids": [a.participant(erased=True)]}
    ),
    "attendance-at-a-cancelled-session": on_session(
        "attendance", lambda a: {"participant_ids": [a.participant()]}, "cancelled"
    ),
    "complete-a-cancelled-session": on_session("complete", status="cancelled"),
    "complete-a-held-session": on_session("complete", status="held"),
    "cancel-a-held-session": on_session("cancel", status="held"),
    "suggestion-on-an-enacted-draft": new_suggestion(draft_id=lambda a: a.draft("enacted")),
    "suggestion-at-a-cancelled-session": _suggestion_at_a_cancelled_session,
    "suggestion-by-an-erased-participant": new_suggestion(
        participant_id=lambda a: a.participant(erased=True)
    ),
    "revise-a-reported-suggestion": on_suggestion("revise", {"content": "改写"}, "reported"),
    "screen-a-reported-suggestion": on_suggestion("screen", {"decision": "accept"}, "reported"),
    "merge-a-reported-suggestion": _merge_a("reported"),
    "merge-a-merged-suggestion": _merge_a("merged"),
    "outcome-on-an-unreported-suggestion": on_suggestion(
        "outcome", {"outcome": "adopted"}, "accepted"
    ),
    "outcome-after-feedback": on_suggestion("outcome", {"outcome": "adopted"}, "fed_back"),
    "feedback-before-an-outcome": on_suggestion("feedback", {"message": "已收到"}, "reported"),
    "feedback-on-a-rejected-suggestion": on_suggestion(
        "feedback", {"message": "未采纳"}, "rejected"
    ),
    "report-a-received-suggestion": new_report("received"),
    "report-a-rejected-suggestion": new_report("rejected"),
    "report-a-reported-suggestion-again": new_report("reported"),
    "comment-on-a-closed-draft": new_comment("closed"),
    "comment-on-a-draft-not-yet-open": new_comment("received"),
    "comment-on-an-enacted-draft": new_comment("enacted"),
}


@pytest.mark.parametrize("case", sorted(WRONG_STATE))
def test_a_wrong_state_is_409_and_records_nothing(api: Api, case: str) -> None:
    answer = api.expect(409, WRONG_STATE[case](api))

    assert isinstance(answer.json()["detail"], str)
