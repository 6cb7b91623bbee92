"""Fault tests: crashes, a busy store, races. Each runs a short version in every ``pytest``
run; ``FAULTS_LONG=1`` (``make faults``) runs the long one. Their figures are printed at the
end of the run, under "fault figures"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.conftest import world  # noqa: F401 - the API world, for the race tests
from tests.reliability.support import LONG

FIGURES: list[tuple[str, dict[str, Any]]] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "faults: injects a fault (kill, lock, race); FAULTS_LONG=1 runs it long"
    )


@pytest.fixture
def figures() -> Callable[..., None]:
    """Record what a fault test measured, for the summary at the end of the run."""

    def record(name: str, **counts: Any) -> None:
        FIGURES.append((f"{name} ({'long' if LONG else 'short'})", counts))

    return record


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("fault figures")
    for name, counts in FIGURES:
        terminalreporter.write_line(f"{name}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
