"""An API client over a real Liaison, with one account per role and two contact points."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from liaison.bootstrap import Liaison
from liaison.rights import operator
from web.app import create_app

PASSWORD = "a-long-test-password"
TEXT = (
    "中华人民共和国个人信息保护法（草案）\n第一章　总则\n"
    "第一条　为了保护个人信息权益，制定本法。\n"
    "第二条　自然人的个人信息受法律保护。\n（一）姓名；\n（二）电话。\n"
    "第三条　处理个人信息应当遵循合法、正当、必要原则。"
)


@dataclass
class World:
    client: TestClient
    liaison: Liaison
    cp_a: str
    cp_b: str
    headers: dict[str, dict[str, str]]

    def as_(self, role: str) -> dict[str, str]:
        return self.headers[role]

    def post(self, role: str, path: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(path, json=json, headers=self.headers.get(role, {}), **kw)

    def get(self, role: str, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.headers.get(role, {}), **kw)

    def ok(self, response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    def made(self, role: str, path: str, json: Any) -> Any:
        """Posted by ``role`` and answered 201 (created): the record made."""
        return self.ok(self.post(role, path, json), 201)

    def new_draft(
        self, title: str = "个人信息保护法（草案）", open_it: bool = True
    ) -> dict[str, Any]:
        draft = self.made(
            "admin",
            "/api/v1/drafts",
            {
                "title": title,
                "level": "national",
                "issuer": "全国人大常委会法工委",
                "received_on": "2021-03-01",
                "deadline": "2021-03-31",
                "text": TEXT,
            },
        )
        if open_it:
            draft = self.ok(self.post("admin", f"/api/v1/drafts/{draft['id']}/open"))
        return draft

    def suggestion(
        self, draft_id: str, role: str = "staff_a", cp: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        body = {
            "contact_point_id": cp or self.cp_a,
            "draft_id": draft_id,
            "article": 1,
            "content": "建议明确个人信息的范围。",
            "channel": "letter",
            "received_on": "2021-03-10",
        } | fields
        return self.made(role, "/api/v1/suggestions", body)

    def comment(self, draft_id: str, **fields: Any) -> dict[str, Any]:
        """A resident's comment through the public door (to contact point A unless told)."""
        body = {"contact_point_id": self.cp_a} | fields
        path = f"/api/v1/public/drafts/{draft_id}/comments"
        return self.ok(self.client.post(path, json=body), 201)

    def accept(self, suggestion_id: str, role: str = "staff_a") -> dict[str, Any]:
        path = f"/api/v1/suggestions/{suggestion_id}/screen"
        return self.ok(self.post(role, path, {"decision": "accept"}))

    def report(
        self,
        draft_id: str,
        suggestion_ids: list[str],
        on: str = "2021-03-15",  # the test clock's today
        role: str = "staff_a",
        cp: str | None = None,
    ) -> dict[str, Any]:
        """Accepted suggestions sent up in one report, answered 201."""
        body = {
            "contact_point_id": cp or self.cp_a,
            "draft_id": draft_id,
            "suggestion_ids": suggestion_ids,
            "submitted_on": on,
        }
        return self.made(role, "/api/v1/reports", body)


def _token(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/v1/token", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def world(liaison: Liaison) -> Iterator[World]:
    a = liaison.app.designate_contact_point(
        "曹杨新村街道基层立法联系点", "普陀区", operator("admin"), on=date(2021, 1, 1)
    )
    b = liaison.app.designate_contact_point(
        "虹桥街道基层立法联系点", "长宁区", operator("admin"), on=date(2021, 1, 1)
    )
    users = liaison.users
    users.add("admin", "admin", PASSWORD, None)
    users.add("congress", "congress", PASSWORD, None)
    users.add("staff_a", "staff", PASSWORD, a.id)
    users.add("staff_b", "staff", PASSWORD, b.id)
    with TestClient(create_app(liaison=liaison)) as client:
        headers = {
            name: _token(client, name) for name in ("admin", "congress", "staff_a", "staff_b")
        }
        headers["anonymous"] = {}
        yield World(client, liaison, str(a.id), str(b.id), headers)
