"""Writes that arrive together are done together: one leader at a time takes every entry
queued so far and does the work for all of them at once (one admission transaction, one
event save, one catch-up of the read models), then wakes their callers and hands the lead
to the oldest caller still waiting.

A write then costs a share of a few transactions instead of several of its own, and under
load the read models catch up once per group or at least every ``PROJECT_EVERY`` seconds.
Entries that are not ``followed`` (public comments, when a projector process is trusted
with them) leave the catch-up to that process; a group's other writes still catch up.
This is how the application's writer behaves, whatever the door: public comments, staff
recording a session's opinions, collectors' batches.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from eventsourcing.persistence import ConnectionUnavailableError

log = logging.getLogger(__name__)
MAX_GROUP = 200
"""Entries done together at most: bounds a group's time and its statements' parameters."""
PROJECT_EVERY = 0.25
"""Seconds the read models may lag behind while more writes keep arriving."""
RELAY_IDLE = 1.0
"""Seconds the writer's relay thread waits to be asked to lead again before it ends."""


@dataclass(eq=False)
class Queued:
    """What the writer keeps of each entry on its way."""

    read_own_write: bool = False  # answer only once the read models show it
    followed: bool = True  # the read models catch up after it here; else the projector does
    settled: bool = False  # its outcome is known (saved, refused, or a repeat)
    error: BaseException | None = None
    taken: bool = False  # in a group being done: its outcome will come
    lead: bool = False  # handed the lead
    woken: threading.Event | None = None
    """Set for a caller that waits in ``submit`` (made there: most wait on no thread)."""
    done: Callable[[], None] | None = None
    """Called once the outcome is known, for a caller that waits on no thread (``enqueue``)."""


E = TypeVar("E", bound=Queued)


class GroupCommit(Generic[E]):
    def __init__(
        self, work: Callable[[list[E]], bool], project: Callable[[], None], wait: float
    ) -> None:
        """``work`` does a group and says whether it wrote anything; ``project`` brings the
        read models up to date; ``wait`` bounds the time an entry waits in the queue."""
        self._work = work
        self._project_now = project
        self._wait = wait
        self._mutex = threading.Lock()
        self._queue: list[E] = []
        self._leading = False
        self._unprojected = False  # written since the read models last caught up (leader only)
        self._projected_at = 0.0
        self._relay_wanted = threading.Condition(self._mutex)
        self._relay_due = False  # the lead fell to entries without a thread: the relay's turn
        self._relayer: threading.Thread | None = None

    @property
    def waiting(self) -> int:
        """Entries queued for the next group."""
        with self._mutex:
            return len(self._queue)

    def submit(self, entry: E) -> None:
        """Queue the entry and wait for its group's outcome, leading a group if it is our
        turn. Waits at most ``wait`` while queued (then ``ConnectionUnavailableError``:
        nothing was written); once taken into a group, until that group is done."""
        woken = entry.woken = threading.Event()
        with self._mutex:
            self._queue.append(entry)
            lead = not self._leading
            self._leading = True
        if not lead:
            if not woken.wait(self._wait):
                with self._mutex:
                    if not entry.taken and not entry.lead:
                        self._queue.remove(entry)
                        raise ConnectionUnavailableError(
                            "timed out waiting for the event store's writer"
                        )
                woken.wait()
            if not entry.lead:
                return
        self._lead()

    def enqueue(self, entry: E) -> None:
        """Queue the entry and return at once; ``entry.done`` is called when its outcome is
        known. For callers on an event loop: no thread of theirs waits, and when the lead
        falls to such entries, a thread of the writer's own leads for them."""
        assert entry.done is not None
        with self._mutex:
            self._queue.append(entry)
            if self._leading:
                return
            self._leading = entry.lead = True
        self._relay()

    def withdraw(self, entry: E) -> bool:
        """Take back an entry queued by ``enqueue`` that waited too long: whether it was
        still only queued (then nothing of it will be written, and ``done`` is not called)."""
        with self._mutex:
            if entry.taken or entry.lead:
                return False
            self._queue.remove(entry)
            return True

    def _relay(self) -> None:
        """Have the writer's relay thread lead: woken if it waits, started if there is none
        (a thread started per group cost the event loop more than the group's own work)."""
        with self._mutex:
            self._relay_due = True
            if self._relayer is not None:
                self._relay_wanted.notify()
                return
            self._relayer = threading.Thread(target=self._relay_on, name="writer", daemon=True)
            relayer = self._relayer
        relayer.start()

    def _relay_on(self) -> None:
        """The relay thread: leads whenever asked, and ends once nobody asked for a while."""
        while True:
            with self._mutex:
                if not self._relay_due:
                    self._relay_wanted.wait(RELAY_IDLE)
                if not self._relay_due:
                    self._relayer = None
                    return
                self._relay_due = False
            try:
                self._lead(relaying=True)
            except Exception:  # each entry of the group was told; the relay goes on
                log.exception("a group failed in the writer's relay thread")
            except BaseException:
                with self._mutex:
                    self._relayer = None
                raise

    def _lead(self, relaying: bool = False) -> None:
        """Do a group, then hand the lead on. A relay thread (``relaying``) goes on leading
        while the lead falls to entries that have no waiting thread; a caller's thread
        starts one for them and returns to its caller."""
        while True:
            try:
                self._group()
            except BaseException:
                if self._hand_over():
                    self._relay()
                raise
            if not self._hand_over():
                return
            if not relaying:
                self._relay()
                return

    def _group(self) -> None:
        with self._mutex:
            group, self._queue = self._queue[:MAX_GROUP], self._queue[MAX_GROUP:]
            for entry in group:
                entry.taken = True
        try:
            if self._work(group) and any(entry.followed for entry in group):
                self._unprojected = True
        except BaseException as error:  # each caller must learn its fate, whatever happens
            for entry in group:
                if not entry.settled and entry.error is None:
                    entry.error = error
            if not isinstance(error, Exception):
                raise
        finally:
            try:
                nobody_waits = not self.waiting
                if self._unprojected and (nobody_waits or any(e.read_own_write for e in group)):
                    self._project()  # answer once the read models show the group
            finally:
                for entry in group:
                    _wake(entry)
            if self._unprojected and time.monotonic() - self._projected_at >= PROJECT_EVERY:
                self._project()  # under load: after answering, before the next group

    def _project(self) -> None:
        """A catch-up costs much the same however many events it applies, so under load one
        covers many groups; run by the leader, it never competes with a group's writes."""
        self._unprojected, self._projected_at = False, time.monotonic()
        self._project_now()

    def _hand_over(self) -> bool:
        """The lead passes to the oldest entry waiting, or lapses; whether it fell to an
        entry without a thread of its own (a relay must lead for it)."""
        with self._mutex:
            if not self._queue:
                self._leading = False
                return False
            successor = self._queue[0]
            successor.lead = True
            if successor.done is not None:
                return True
            assert successor.woken is not None  # it waits in ``submit``
            successor.woken.set()
            return False


def _wake(entry: Queued) -> None:
    if entry.done is None:
        assert entry.woken is not None  # it waits in ``submit``
        entry.woken.set()
        return
    try:
        entry.done()
    except Exception:  # a caller gone (its loop closed) must not stop the others' answers
        log.warning("an entry's caller could not be told its outcome", exc_info=True)
