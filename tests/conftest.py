"""Fixtures shared by every test layer: a real Liaison on a real store.

``LIAISON_TEST_STORE`` (read here only, never by the application) chooses the store:
``sqlite`` (the default) gives each test a fresh SQLite file; ``postgres`` gives each test
a fresh database on a PostgreSQL server the session starts on loopback
(``tests/postgres_server.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from liaison.bootstrap import Liaison, bootstrap
from liaison.clock import Clock
from liaison.settings import Settings

pytest_plugins = ["tests.postgres_server"]  # the session's PostgreSQL server, when used

STORE = os.environ.get("LIAISON_TEST_STORE", "sqlite")
if STORE not in ("sqlite", "postgres"):
    raise pytest.UsageError(f"LIAISON_TEST_STORE must be sqlite or postgres, not {STORE!r}")
SECRET = "test-secret-" + "x" * 40


class FixedClock(Clock):
    """A clock that says what the test wants; business dates never depend on the wall."""

    def __init__(self, today: date) -> None:
        super().__init__("Asia/Shanghai")
        self.day = today

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day, time(10, 0), self.zone)


def pytest_report_header() -> str:
    return f"store: {STORE}"


@pytest.fixture(scope="session")
def new_store(request: pytest.FixtureRequest) -> Iterator[Callable[[Path], str]]:
    """Makes fresh stores for fixtures of any scope: ``new_store(folder)`` gives the URL of
    an SQLite file in ``folder`` (made at first bootstrap) or of a new PostgreSQL database
    with the schema (copied from the template), dropped at the end of the session."""
    if STORE == "sqlite":
        yield lambda folder: f"sqlite:///{folder / 'liaison.sqlite3'}"
        return
    from tests.postgres_server import TEMPLATE

    server = request.getfixturevalue("postgres_server")
    made: list[str] = []

    def make(_folder: Path) -> str:
        made.append(server.create_database(template=TEMPLATE))
        return str(server.url(made[-1]))

    yield make
    for name in made:
        server.drop_database(name)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh store for one test: an SQLite file (made at first bootstrap) or a PostgreSQL
    database with the schema (copied from the template), dropped afterwards."""
    if STORE == "sqlite":
        yield f"sqlite:///{tmp_path / 'liaison.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    with server.fresh_database() as url:
        yield url


def store_settings(url: str, **overrides: object) -> Settings:
    """Settings for a test store: the test secret and, on PostgreSQL, small pools."""
    from tests.postgres_server import TEST_POOL

    extra = dict(TEST_POOL) if STORE == "postgres" else {}
    return Settings(database_url=url, secret_key=SECRET, **{**extra, **overrides})  # type: ignore[arg-type]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return store_settings(database_url)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(date(2021, 3, 15))


@pytest.fixture
def liaison(settings: Settings, clock: FixedClock) -> Iterator[Liaison]:
    wired = bootstrap(settings, clock=clock)
    wired.users.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # fast
    yield wired
    wired.close()


@pytest.fixture
def client(liaison: Liaison) -> Iterator[TestClient]:
    """The site over the test's Liaison, as a browser or API client reaches it."""
    from web.app import create_app  # here, so that domain and unit tests need not load the web

    with TestClient(create_app(liaison=liaison)) as client:
        yield client
