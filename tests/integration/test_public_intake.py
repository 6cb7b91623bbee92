"""Public comments arriving together are admitted and saved together, each answered alone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.draft import Draft
from domain.errors import WrongStateError
from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison, bootstrap
from liaison.commands.admission import Opinion, Visit
from liaison.database import DEFERRED, deferred
from liaison.rate_limits import RateLimitedError
from liaison.rights import operator
from liaison.settings import Settings
from tests.records import CHAPTERED, consultation, projected


@pytest.fixture
def place(liaison: Liaison) -> tuple[UUID, UUID]:
    """An open draft and a contact point: (draft id, contact point id)."""
    cp, draft = consultation(liaison.app, CHAPTERED)
    return draft, cp


def _comment(
    liaison: Liaison, place: tuple[UUID, UUID], content: str, key: str | None = None, **kw: Any
) -> tuple[int, dict[str, Any]]:
    draft_id, cp_id = place
    return liaison.app.comment(
        Opinion(cp_id, draft_id, content, article=kw.get("article", 1), name=kw.get("name")),
        Visit(
            kw.get("address", "10.0.0.1"),
            key,
            f"print-{key}",
            lambda s: {"receipt": s.receipt, "id": s.id.hex},
            kw.get("per_minute", 100),
        ),
    )


class HeldGroup:
    """Holds the first group's save until the comments started meanwhile are all queued, so
    the next group is exactly those; records the events each save was given."""

    def __init__(self, liaison: Liaison, monkeypatch: pytest.MonkeyPatch) -> None:
        self.liaison = liaison
        self.saves: list[int] = []
        self.release = threading.Event()
        real = liaison.app.write

        def write(*events: Any) -> Any:
            self.saves.append(len(events))
            if len(self.saves) == 1:
                self.release.wait(10)
            return real(*events)

        monkeypatch.setattr(liaison.app, "write", write)

    def run(self, first: Callable[[], Any], then: list[Callable[[], Any]]) -> list[Any]:
        """``first`` leads and is held; each of ``then`` is queued in order; then all go."""
        answers: list[Any] = [None] * (1 + len(then))

        def call(i: int, action: Callable[[], Any]) -> None:
            try:
                answers[i] = action()
            except Exception as error:
                answers[i] = error

        threads = [threading.Thread(target=call, args=(0, first))]
        threads[0].start()
        _until(lambda: len(self.saves) == 1)
        for i, action in enumerate(then, start=1):
            threads.append(threading.Thread(target=call, args=(i, action)))
            threads[-1].start()
            _until(lambda i=i: self.liaison.app.writer.waiting == i)  # type: ignore[misc]
        self.release.set()
        for thread in threads:
            thread.join(30)
        return answers


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


@pytest.fixture
def held(liaison: Liaison, monkeypatch: pytest.MonkeyPatch) -> HeldGroup:
    return HeldGroup(liaison, monkeypatch)


def test_comments_arriving_together_are_saved_in_one_transaction_and_each_answered(
    liaison: Liaison, place: tuple[UUID, UUID], held: HeldGroup
) -> None:
    # when one comment's save is held while seven more arrive
    answers = held.run(
        lambda: _comment(liaison, place, "意见0", key="k0"),
        [lambda i=i: _comment(liaison, place, f"意见{i}", key=f"k{i}") for i in range(1, 8)],
    )

    # then the seven are saved by one save, and each answer names its own comment
    assert held.saves == [1, 7]
    for i, (status, body) in enumerate(answers):
        assert status == 201
        suggestion = liaison.app.get(liaison.app.receipts.find(body["receipt"]), Suggestion)
        assert (suggestion.content, suggestion.id.hex) == (f"意见{i}", body["id"])
    assert len({body["receipt"] for _status, body in answers}) == 8
    # read models were brought up to date before the answers went out
    assert projected(liaison, place[0]) == 8
    # and a repeat of any key gets its first answer without a new event
    events = liaison.app.recorder.max_notification_id()
    assert _comment(liaison, place, "意见5", key="k5") == answers[5]
    assert liaison.app.recorder.max_notification_id() == events


def test_a_conflicting_comment_does_not_fail_the_others_of_its_group(
    liaison: Liaison, place: tuple[UUID, UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a suggestion already saved under the id one comment of the group will get
    taken = uuid4()
    first = liaison.app.comment_publicly(*place, "先到的意见", article=1, suggestion_id=taken)
    held = HeldGroup(liaison, monkeypatch)
    ids: Iterator[UUID] = iter([uuid4(), uuid4(), taken, uuid4()])
    liaison.app.new_id = lambda: next(ids)

    # when it is saved together with two others
    answers = held.run(
        lambda: _comment(liaison, place, "领头"),
        [lambda c=c: _comment(liaison, place, c) for c in ("甲", "乙", "丙")],
    )

    # then the group's save failed on it, each was saved alone, and only it was not new
    assert held.saves == [1, 3, 1, 1, 1]
    statuses = [status for status, _body in answers]
    assert statuses == [201, 201, 201, 201]
    assert answers[2][1]["receipt"] == first.receipt
    for i, content in ((1, "甲"), (3, "丙")):
        suggestion = liaison.app.get(UUID(answers[i][1]["id"]), Suggestion)
        assert suggestion.content == content
    assert liaison.app.get(taken, Suggestion).content == "先到的意见"
    assert projected(liaison, place[0]) == 4


def test_the_rate_limit_counts_each_comment_of_a_group(
    liaison: Liaison, place: tuple[UUID, UUID], held: HeldGroup
) -> None:
    answers = held.run(
        lambda: _comment(liaison, place, "第1条", key="r0", per_minute=3),
        [
            lambda i=i: _comment(liaison, place, f"第{i}条", key=f"r{i}", per_minute=3)
            for i in range(1, 6)
        ],
    )

    assert [type(a).__name__ for a in answers] == ["tuple"] * 3 + ["RateLimitedError"] * 3
    assert all(a.retry_after >= 1 for a in answers[3:] if isinstance(a, RateLimitedError))
    assert projected(liaison, place[0]) == 3
    # a refused comment's key was not used up: from another address it is recorded
    again = _comment(liaison, place, "第4条", key="r4", per_minute=3, address="10.0.0.2")
    assert again[0] == 201


def test_a_group_from_many_addresses_limits_each_address_on_its_own(
    liaison: Liaison, place: tuple[UUID, UUID], held: HeldGroup
) -> None:
    # given an address that has used its two comments a minute
    for _ in range(2):
        assert liaison.limiter.take("comment:10.0.9.9", 2, 60) == 0

    # when a group brings two from new addresses and one from each address twice
    addresses = ["10.0.1.1", "10.0.9.9", "10.0.2.2", "10.0.2.2", "10.0.2.2"]
    answers = held.run(
        lambda: _comment(liaison, place, "先", key="m0", per_minute=2, address="10.0.0.1"),
        [
            lambda i=i, a=a: _comment(
                liaison, place, f"第{i}条", key=f"m{i}", per_minute=2, address=a
            )
            for i, a in enumerate(addresses, start=1)
        ],
    )

    # then only the full address and the third from 10.0.2.2 are refused
    kinds = [type(a).__name__ for a in answers]
    assert kinds == ["tuple", "tuple", "RateLimitedError", "tuple", "tuple", "RateLimitedError"]
    assert held.saves == [1, 3]


def test_a_repeat_is_answered_from_the_log_with_the_first_answer(
    liaison: Liaison, place: tuple[UUID, UUID]
) -> None:
    first = _comment(liaison, place, "只记一次", key="once")
    events = liaison.app.recorder.max_notification_id()

    assert _comment(liaison, place, "只记一次", key="once") == first
    assert _comment(liaison, place, "只记一次", key="once") == first
    assert liaison.app.recorder.max_notification_id() == events


def test_a_refusal_in_a_group_loses_nothing_of_the_others(
    liaison: Liaison, place: tuple[UUID, UUID], held: HeldGroup
) -> None:
    answers = held.run(
        lambda: _comment(liaison, place, "第一条的意见", key="a"),
        [
            lambda: _comment(liaison, place, "没有的条文", key="b", article=99),
            lambda: _comment(liaison, place, "   ", key="c"),
            lambda: _comment(liaison, place, "第二条的意见", key="d", article=2),
        ],
    )

    assert [type(a).__name__ for a in answers] == [
        "tuple",
        "UnknownArticleError",
        "InvalidValueError",
        "tuple",
    ]
    assert held.saves == [1, 1]
    assert projected(liaison, place[0]) == 2
    assert _comment(liaison, place, "没有的条文", key="b", article=1)[0] == 201  # key free


def test_a_comment_sees_a_draft_closed_by_another_process(
    settings: Settings, liaison: Liaison, place: tuple[UUID, UUID]
) -> None:
    # given a worker that has commented on the draft (and so knows it)
    assert _comment(liaison, place, "关闭之前")[0] == 201
    other = bootstrap(settings)
    try:
        # when another worker closes it
        other.app.close_draft(place[0], operator("admin"))
    finally:
        other.close()

    # then the first worker refuses the next comment
    with pytest.raises(WrongStateError):
        _comment(liaison, place, "关闭之后")
    assert liaison.app.get(place[0], Draft).status.value == "closed"


def test_a_new_comment_with_a_name_keeps_it_sealed_and_readable(
    liaison: Liaison, place: tuple[UUID, UUID]
) -> None:
    _status, body = _comment(liaison, place, "署名意见", name="李四")

    suggestion = liaison.app.get(UUID(body["id"]), Suggestion)
    assert suggestion.sealed_name and "李四" not in suggestion.sealed_name
    assert liaison.app.commenter(suggestion) == {"name": "李四", "phone": None}


def test_admission_writes_defer_their_durability_to_the_next_save(liaison: Liaison) -> None:
    sqlite = liaison.engine.dialect.name == "sqlite"
    ask = "PRAGMA synchronous" if sqlite else "SHOW synchronous_commit"

    with liaison.engine.connect() as conn:
        if not sqlite:  # the test server runs with it off: make the session's default on
            conn.exec_driver_sql("SET synchronous_commit = on")
            conn.commit()
        with conn.execution_options(**{DEFERRED: True}).begin():
            relaxed = conn.exec_driver_sql(ask).scalar()
        with conn.execution_options(**{DEFERRED: False}).begin():
            durable = conn.exec_driver_sql(ask).scalar()
    with deferred(liaison.engine).begin() as conn:
        assert conn.exec_driver_sql(ask).scalar() == relaxed

    assert (relaxed, durable) == ((1, 2) if sqlite else ("off", "on"))
