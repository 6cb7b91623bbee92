"""A serving process leaves its start-up heap out of the cycle collector's walks."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from liaison import heap
from web import app as web_app


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector as it was, afterwards (this test process must not keep what it froze)."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_settle_freezes_what_lives_and_collects_the_young_less_often(collector: None) -> None:
    # given an object made at start-up
    kept: list[list[str]] = [["made at start-up"]]
    assert any(kept is o for o in gc.get_objects())

    # when the process settles
    heap.settle()

    # then it is out of the collector's generations, and the youngest is collected later
    assert gc.get_freeze_count() > 0
    assert not any(kept is o for o in gc.get_objects())
    assert gc.get_threshold()[0] == heap.YOUNG > 700


def test_a_served_app_settles_once_started_and_a_tested_one_does_not(
    monkeypatch: pytest.MonkeyPatch, liaison: object
) -> None:
    settled: list[str] = []
    monkeypatch.setattr(heap, "settle", lambda: settled.append("settled"))

    with TestClient(web_app.create_app(liaison=liaison)):  # type: ignore[arg-type]
        pass
    assert settled == []

    with TestClient(web_app.create_app(liaison=liaison, serving=True)):  # type: ignore[arg-type]
        assert settled == ["settled"]
