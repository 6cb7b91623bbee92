"""Fixtures shared by every test layer: a real Liaison on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher

from liaison.bootstrap import Liaison, bootstrap
from liaison.settings import Settings


class FixedClock:
    """A clock that says what the test wants; business dates never depend on the wall."""

    def __init__(self, today: date) -> None:
        self.day = today
        self.zone = ZoneInfo("Asia/Shanghai")

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day, time(10, 0), self.zone)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'liaison.sqlite3'}",
        secret_key="test-secret-" + "x" * 40,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(date(2021, 3, 15))


@pytest.fixture
def liaison(settings: Settings, clock: FixedClock) -> Iterator[Liaison]:
    wired = bootstrap(settings)
    wired.app.clock = clock  # type: ignore[assignment]
    wired.users.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # fast
    yield wired
    wired.close()
