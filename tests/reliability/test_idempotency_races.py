"""An Idempotency-Key makes at most one suggestion, even when a slow first attempt is taken
over by a retry, and a repeat after a crash that followed the save answers at once.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select, update

from domain.suggestion import Suggestion
from liaison.idempotency import fingerprint, idempotency_keys
from tests.api.conftest import World
from tests.reliability.support import notifications
from web.api.public import _comment_out

pytestmark = pytest.mark.faults

BODY = {"article": 1, "content": "慢的第一次", "name": None, "phone": None}


def _post(w: World, draft_id: str, key: str) -> Any:
    return w.client.post(
        f"/api/v1/public/drafts/{draft_id}/comments",
        json={"contact_point_id": w.cp_a} | BODY,
        headers={"Idempotency-Key": key},
    )


def _recorded(w: World) -> list[Any]:
    return [
        e
        for e in notifications(w.liaison)
        if isinstance(e, Suggestion.Received) and e.content == BODY["content"]
    ]


def _claim(w: World, key: str) -> dict[str, Any] | None:
    with w.liaison.engine.connect() as conn:
        row = conn.execute(select(idempotency_keys).where(idempotency_keys.c.key == key)).first()
    return dict(row._mapping) if row else None


def test_a_retry_refused_after_taking_over_a_slow_first_attempt_frees_no_second_suggestion(
    world: World,
) -> None:
    w = world
    draft = w.new_draft()
    app, store = w.liaison.app, w.liaison.idempotency
    print_ = fingerprint(draft["id"], {"contact_point_id": w.cp_a} | BODY)
    go_on, answers = threading.Event(), []

    def slow_first_attempt(suggestion_id: UUID) -> tuple[int, dict[str, Any]]:
        go_on.wait(timeout=30)  # held up (a lock, a slow disk) past the claim's lease
        saved = app.comment_publicly(
            UUID(draft["id"]), UUID(w.cp_a), BODY["content"], article=1, suggestion_id=suggestion_id
        )
        return 201, _comment_out(saved)  # what the API's own first attempt would answer

    first = threading.Thread(
        target=lambda: answers.append(store.run("slow", print_, slow_first_attempt))
    )
    first.start()
    deadline = time.monotonic() + 10
    while _claim(w, "slow") is None and time.monotonic() < deadline:
        time.sleep(0.01)
    with w.liaison.engine.begin() as conn:  # the lease runs out while it is still working
        conn.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.key == "slow")
            .values(claimed_at=datetime.now(UTC) - timedelta(minutes=5))
        )

    # when the client's retry takes over and is refused (this address sent too many)
    for _ in range(w.liaison.settings.comments_per_minute):
        w.liaison.limiter.take("comment:testclient", w.liaison.settings.comments_per_minute, 60)
    refused = _post(w, draft["id"], "slow")
    # and the first attempt then saves its suggestion after all
    go_on.set()
    first.join(timeout=30)
    w.liaison.limiter.take("comment:testclient", 10**9, 0)  # a new minute begins
    later = _post(w, draft["id"], "slow")

    # then the key still names the one suggestion the first attempt saved
    assert refused.status_code == 429
    assert answers and answers[0][0] == 201
    assert later.status_code == 201, later.text
    assert later.json()["receipt"] == answers[0][1]["receipt"]
    assert len(_recorded(w)) == 1


def test_a_repeat_after_a_crash_that_followed_the_save_is_answered_at_once(world: World) -> None:
    """The worker saved the comment and died before storing its answer: the repeat finds the
    suggestion in the log instead of waiting for the claim's lease to run out."""
    w = world
    draft = w.new_draft()
    store = w.liaison.idempotency
    print_ = fingerprint(draft["id"], {"contact_point_id": w.cp_a} | BODY)

    def crash_after_saving(suggestion_id: UUID) -> tuple[int, dict[str, Any]]:
        w.liaison.app.comment_publicly(
            UUID(draft["id"]), UUID(w.cp_a), BODY["content"], article=1, suggestion_id=suggestion_id
        )
        raise KeyboardInterrupt  # stands for SIGKILL: nothing after this line runs

    with pytest.raises(KeyboardInterrupt):
        store.run("crashed", print_, crash_after_saving)
    with w.liaison.engine.begin() as conn:  # a real crash releases nothing: a fresh claim
        conn.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.key == "crashed")
            .values(claimed_at=datetime.now(UTC))
        )

    started = time.monotonic()
    repeat = _post(w, draft["id"], "crashed")

    assert repeat.status_code == 201, repeat.text
    assert time.monotonic() - started < 2
    assert len(_recorded(w)) == 1
    assert (_claim(w, "crashed") or {}).get("status") == 201  # and the answer is kept now
