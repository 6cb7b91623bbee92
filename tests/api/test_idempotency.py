"""A repeat with the same Idempotency-Key returns the first answer and records nothing new."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import httpx2
from sqlalchemy import func, insert, select

from liaison.idempotency import fingerprint, idempotency_keys
from projections.tables import suggestions
from tests.api.conftest import World
from tests.live_server import serving


def _comment(
    w: World, draft_id: str, key: str, content: str = "建议保留线下渠道", article: int = 1
):
    return w.client.post(
        f"/api/v1/public/drafts/{draft_id}/comments",
        json={"contact_point_id": w.cp_a, "article": article, "content": content},
        headers={"Idempotency-Key": key},
    )


def _count(w: World, draft_id: str) -> int:
    with w.liaison.engine.connect() as conn:
        return conn.execute(
            select(func.count())
            .select_from(suggestions)
            .where(suggestions.c.draft_id == draft_id.replace("-", ""))
        ).scalar_one()


def test_a_repeat_returns_the_first_answer_and_records_nothing(world: World) -> None:
    draft = world.new_draft()
    first = _comment(world, draft["id"], "key-1")
    events = world.liaison.app.recorder.max_notification_id()

    repeat = _comment(world, draft["id"], "key-1")

    assert first.status_code == repeat.status_code == 201
    assert repeat.json() == first.json()
    assert world.liaison.app.recorder.max_notification_id() == events
    assert _count(world, draft["id"]) == 1


def test_different_keys_record_different_comments(world: World) -> None:
    draft = world.new_draft()
    receipts = {_comment(world, draft["id"], f"key-{i}").json()["receipt"] for i in range(3)}

    assert len(receipts) == 3 and _count(world, draft["id"]) == 3


def test_a_key_reused_for_another_request_is_refused(world: World) -> None:
    draft = world.new_draft()
    _comment(world, draft["id"], "key-1")

    other = _comment(world, draft["id"], "key-1", content="完全不同的意见")

    assert other.status_code == 422 and "Idempotency-Key" in other.json()["detail"]
    assert _count(world, draft["id"]) == 1


def test_a_refused_first_attempt_does_not_use_up_the_key(world: World) -> None:
    draft = world.new_draft()

    refused = _comment(world, draft["id"], "key-1", article=99)
    accepted = _comment(world, draft["id"], "key-1")

    assert refused.status_code == 422 and accepted.status_code == 201
    assert _count(world, draft["id"]) == 1


def test_repeats_arriving_at_the_same_moment_record_one_comment(world: World) -> None:
    draft = world.new_draft()
    answers: list[httpx2.Response] = []
    start = threading.Barrier(12)

    with serving(world.client.app) as base:

        def send() -> None:
            with httpx2.Client(base_url=base, timeout=30) as client:
                start.wait()
                answers.append(
                    client.post(
                        f"/api/v1/public/drafts/{draft['id']}/comments",
                        json={"contact_point_id": world.cp_a, "article": 1, "content": "同时到达"},
                        headers={"Idempotency-Key": "same-moment"},
                    )
                )

        threads = [threading.Thread(target=send) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert [a.status_code for a in answers] == [201] * 12
    assert len({a.json()["receipt"] for a in answers}) == 1
    assert _count(world, draft["id"]) == 1


def test_a_retry_after_a_crash_finishes_the_work_once(world: World) -> None:
    # given a claim left behind by a worker that died before answering
    draft = world.new_draft()
    body = {
        "contact_point_id": world.cp_a,
        "article": 1,
        "content": "崩溃之后重试",
        "name": None,
        "phone": None,
    }
    claimed_for = uuid4()
    with world.liaison.engine.begin() as conn:
        conn.execute(
            insert(idempotency_keys).values(
                key="crashed",
                fingerprint=fingerprint(draft["id"], body),
                suggestion_id=claimed_for.hex,
                claimed_at=datetime.now(UTC) - timedelta(minutes=5),
            )
        )

    # when the client retries, twice
    first = _comment(world, draft["id"], "crashed", content="崩溃之后重试")
    second = _comment(world, draft["id"], "crashed", content="崩溃之后重试")

    # then the suggestion has the claimed id, exists once, and both answers agree
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert world.liaison.app.receipts.find(first.json()["receipt"]) == claimed_for
    assert _count(world, draft["id"]) == 1


def test_a_retry_after_a_crash_past_the_save_answers_from_the_saved_comment(world: World) -> None:
    # given a worker that saved the comment and died before recording its answer
    draft = world.new_draft()
    saved = world.liaison.app.comment_publicly(
        UUID(draft["id"]), UUID(world.cp_a), "已保存未应答", article=1, suggestion_id=uuid4()
    )
    body = {
        "contact_point_id": world.cp_a,
        "article": 1,
        "content": "已保存未应答",
        "name": None,
        "phone": None,
    }
    with world.liaison.engine.begin() as conn:
        conn.execute(
            insert(idempotency_keys).values(
                key="saved-then-crashed",
                fingerprint=fingerprint(draft["id"], body),
                suggestion_id=saved.id.hex,
                claimed_at=datetime.now(UTC) - timedelta(minutes=5),
            )
        )

    retry = _comment(world, draft["id"], "saved-then-crashed", content="已保存未应答")

    assert retry.status_code == 201 and retry.json()["receipt"] == saved.receipt
    assert _count(world, draft["id"]) == 1
