"""The server-rendered pages as a browser uses them: a form's CSRF token, signing in, one
browser per person."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import httpx2
from fastapi import FastAPI
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


Browser = Callable[..., TestClient]
"""``browser(username, *more)``: a fresh client, signed in as ``username`` (None: anonymous)."""


@contextmanager
def browsers(site: FastAPI, signing_in: Callable[..., object] = sign_in) -> Iterator[Browser]:
    """Browsers on one site, each signed in by ``signing_in(client, username, *more)``;
    all closed at the end."""
    with ExitStack() as stack:

        def open_as(username: str | None, *more: str) -> TestClient:
            client = stack.enter_context(TestClient(site))
            if username is not None:
                signing_in(client, username, *more)
            return client

        yield open_as
