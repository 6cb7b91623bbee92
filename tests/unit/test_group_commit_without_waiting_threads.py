"""``GroupCommit.enqueue``: entries whose callers wait on no thread (a request on the event
loop) are done in groups by a relay thread of the writer's own, beside callers that wait in
``submit``; each learns its outcome through ``done``."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from liaison.commands import group_commit
from liaison.commands.group_commit import GroupCommit, Queued


@dataclass(eq=False)
class Item(Queued):
    name: str = ""


class Work:
    """Records each group; the first group is held until ``release`` is set."""

    def __init__(self) -> None:
        self.groups: list[list[str]] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.threads: set[str] = set()

    def __call__(self, group: list[Item]) -> bool:
        self.threads.add(threading.current_thread().name)
        self.groups.append([item.name for item in group])
        self.started.set()
        self.release.wait(10)
        for item in group:
            item.settled = True
        return True


def _told(name: str, told: list[str], all_told: threading.Event, expected: int) -> Item:
    def done() -> None:
        told.append(name)
        if len(told) == expected:
            all_told.set()

    return Item(name=name, done=done)


def test_entries_without_a_waiting_thread_are_done_together_by_a_relay_and_told() -> None:
    work = Work()
    projected: list[int] = []
    writer: GroupCommit[Item] = GroupCommit(work, lambda: projected.append(1), 5.0)
    told: list[str] = []
    all_told = threading.Event()

    # given a first entry being worked on by a relay thread (its caller waits on none)
    writer.enqueue(_told("a", told, all_told, 4))
    assert work.started.wait(5)
    # when three more arrive meanwhile
    for name in "bcd":
        writer.enqueue(_told(name, told, all_told, 4))
    assert writer.waiting == 3
    work.release.set()

    # then they are done as one group after the first, and every caller is told
    assert all_told.wait(5)
    assert work.groups == [["a"], ["b", "c", "d"]]
    assert sorted(told) == ["a", "b", "c", "d"]
    assert work.threads == {"writer"}
    assert projected  # followed entries: the read models caught up


def test_a_waiting_caller_hands_the_lead_to_a_relay_and_returns_with_its_own_outcome() -> None:
    work = Work()
    writer: GroupCommit[Item] = GroupCommit(work, lambda: None, 5.0)
    told: list[str] = []
    all_told = threading.Event()
    first = Item(name="sync")
    leader = threading.Thread(target=writer.submit, args=(first,), name="caller")

    # given a caller in ``submit`` leading the first group, held
    leader.start()
    assert work.started.wait(5)
    # when an entry without a waiting thread queues behind it
    writer.enqueue(_told("async", told, all_told, 1))
    work.release.set()

    # then the caller returns and a relay does the queued entry
    leader.join(5)
    assert not leader.is_alive() and first.settled
    assert all_told.wait(5)
    assert work.groups == [["sync"], ["async"]]
    assert work.threads == {"caller", "writer"}


def test_an_entry_taken_back_before_its_group_is_never_done() -> None:
    work = Work()
    writer: GroupCommit[Item] = GroupCommit(work, lambda: None, 5.0)
    told: list[str] = []
    all_told = threading.Event()
    writer.enqueue(_told("a", told, all_told, 2))
    assert work.started.wait(5)
    late = _told("late", told, all_told, 2)
    writer.enqueue(late)
    kept = _told("kept", told, all_told, 2)
    writer.enqueue(kept)

    # when the late one is taken back while still queued (its caller gave up waiting)
    assert writer.withdraw(late)
    work.release.set()

    # then it was never worked on nor told, and the others were
    assert all_told.wait(5)
    assert work.groups == [["a"], ["kept"]]
    assert "late" not in told
    # and one already taken into a group cannot be taken back
    assert not writer.withdraw(kept)


def test_entries_left_to_the_projector_do_not_make_the_writer_catch_up() -> None:
    work = Work()
    work.release.set()
    projected: list[int] = []
    writer: GroupCommit[Item] = GroupCommit(work, lambda: projected.append(1), 5.0)

    # when an entry that is not followed is written
    writer.submit(Item(name="public", followed=False))
    # then no catch-up ran; a followed one makes one
    assert projected == []
    writer.submit(Item(name="staff"))
    assert projected == [1]


def test_one_relay_thread_leads_group_after_group_and_ends_once_idle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(group_commit, "RELAY_IDLE", 0.2)
    leaders: list[threading.Thread] = []

    def work(group: list[Item]) -> bool:
        leaders.append(threading.current_thread())
        for item in group:
            item.settled = True
        return False

    writer: GroupCommit[Item] = GroupCommit(work, lambda: None, 5.0)

    def one(name: str) -> None:
        told: list[str] = []
        all_told = threading.Event()
        writer.enqueue(_told(name, told, all_told, 1))
        assert all_told.wait(5)

    # given two entries, each done before the next comes, within the relay's idle time
    one("a")
    one("b")
    # then one thread led both groups (a thread started per group cost more than the group)
    assert leaders[0] is leaders[1] and leaders[0].name == "writer"
    # and once nobody asked for longer than that, it ended; the next entry starts another
    leaders[0].join(5)
    assert not leaders[0].is_alive()
    one("c")
    assert leaders[2] is not leaders[0]
