"""A save that reached the log is answered as done, whatever the read models make of it; and
nothing a client sends can become an event the read models cannot store.

Found by fuzzing: an outcome naming article 2**70 was saved, then every projection of it
failed (SQLite integers are 64-bit), so that save and every later one answered 500 although
each was recorded, and the read models stopped for good.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.suggestion import Suggestion
from tests.api.conftest import World
from tests.reliability.support import notifications

pytestmark = pytest.mark.faults


def _reported(w: World) -> str:
    draft = w.new_draft()
    s = w.suggestion(draft["id"])
    w.accept(s["id"])
    w.report(draft["id"], [s["id"]])  # on the test clock's today: accepted today
    return str(s["id"])


@pytest.mark.parametrize("final_article", [2**70, 2**63, 10_001])
def test_an_article_number_beyond_any_law_is_refused_before_it_is_recorded(
    world: World, final_article: int
) -> None:
    suggestion_id = _reported(world)
    events = world.liaison.app.recorder.max_notification_id()

    answer = world.post(
        "congress",
        f"/api/v1/suggestions/{suggestion_id}/outcome",
        {"outcome": "adopted", "final_article": final_article},
    )

    assert answer.status_code == 422, answer.text
    assert world.liaison.app.recorder.max_notification_id() == events
    assert world.liaison.projector.position() == events


@pytest.mark.parametrize(
    ("path", "query"),
    [("/api/v1/audit", {"before": 2**63}), ("/api/v1/events", {"after": 2**63})],
)
def test_a_position_beyond_64_bits_is_refused_not_a_server_error(
    world: World, path: str, query: dict[str, Any]
) -> None:
    assert world.get("admin", path, params=query).status_code == 422


def test_a_save_stands_when_the_read_models_fail_to_follow(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = world.new_draft()

    def broken() -> int:
        raise RuntimeError("a read model that cannot apply this event")

    monkeypatch.setattr(world.liaison.app, "on_saved", broken)
    answer = world.post(
        "staff_a",
        "/api/v1/suggestions",
        {
            "contact_point_id": world.cp_a,
            "draft_id": draft["id"],
            "content": "照样保存",
            "channel": "letter",
        },
    )
    monkeypatch.undo()

    assert answer.status_code == 201, answer.text  # recorded, so answered as recorded
    saved = [
        e
        for e in notifications(world.liaison)
        if isinstance(e, Suggestion.Received) and e.content == "照样保存"
    ]
    assert len(saved) == 1
    assert world.liaison.projector.catch_up() >= 1  # and the read models follow later
