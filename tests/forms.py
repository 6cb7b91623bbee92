"""The server-rendered pages as a browser uses them: a form's CSRF token, signing in."""

from __future__ import annotations

import re

import httpx2
from fastapi.testclient import TestClient

from tests.records import PASSWORD


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> httpx2.Response:
    """The login form, sent with its CSRF token; the answer as it is (not followed)."""
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def sign_in(client: TestClient, username: str) -> httpx2.Response:
    """Signed in with the test password: the login must succeed (303)."""
    answer = log_in(client, username)
    assert answer.status_code == 303, answer.text
    return answer
