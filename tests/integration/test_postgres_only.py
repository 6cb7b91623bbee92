"""What only PostgreSQL can show: the schema made once by ``liaison db init`` and never at
start-up, row locks between projectors, wake-ups by NOTIFY, and gaps in positions."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import Notification
from sqlalchemy import Connection, create_engine, inspect, select, text, update
from sqlalchemy.pool import NullPool

from domain.draft import Draft
from liaison.bootstrap import Liaison, bootstrap
from liaison.cli import main
from liaison.database import SchemaMissingError
from liaison.errors import ConflictError
from liaison.rights import operator
from liaison.settings import Settings
from projections.projector import NAME, Projector
from projections.tables import tracking
from tests.conftest import STORE, FixedClock, store_settings
from tests.integration.snapshot import assert_each_event_applied_once, read_models
from tests.postgres_server import PostgresServer
from tests.records import consultation

TODAY = FixedClock(date(2021, 3, 15))  # the consultations below are open that day

pytestmark = pytest.mark.skipif(STORE != "postgres", reason="PostgreSQL only")


@pytest.fixture
def empty_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A database with no table at all."""
    name = postgres_server.create_database()
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.drop_database(name)


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


# the schema


def test_a_worker_on_a_database_without_the_schema_fails_clearly_and_creates_nothing(
    empty_url: str,
) -> None:
    with pytest.raises(SchemaMissingError, match="liaison db init"):
        bootstrap(store_settings(empty_url))

    assert _tables(empty_url) == set()


def test_a_command_on_a_database_without_the_schema_says_what_to_run(
    empty_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LIAISON_DATABASE_URL", empty_url)

    assert main(["report"]) == 2
    assert "liaison db init" in capsys.readouterr().err


def test_db_init_run_four_times_at_once_makes_the_schema_once(empty_url: str) -> None:
    env = {**os.environ, "LIAISON_DATABASE_URL": empty_url, "LIAISON_POOL_SIZE": "1"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "liaison.cli", "db", "init"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [(run.wait(timeout=60), *run.communicate()) for run in runs]

    assert [code for code, _, _ in results] == [0] * 4, results
    assert all("schema ready" in out for _, out, _ in results)
    assert {"liaison_events", "event_chain", "projection_tracking"} <= _tables(empty_url)
    liaison = bootstrap(store_settings(empty_url))
    try:
        consultation(liaison.app)
        assert liaison.chain.verify().ok
    finally:
        liaison.close()


def test_db_init_again_changes_nothing_and_keeps_every_event(
    liaison: Liaison, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultation(liaison.app)
    before = read_models(liaison.engine)
    monkeypatch.setenv("LIAISON_DATABASE_URL", liaison.settings.database_url)

    assert main(["db", "init"]) == 0

    assert read_models(liaison.engine) == before
    assert liaison.chain.verify().ok


# the tracking row's lock


def test_a_projector_waits_for_the_lock_and_goes_on_from_the_position_its_rival_wrote(
    settings: Settings,
) -> None:
    writer = bootstrap(settings, clock=TODAY, project_on_save=False)
    rival = create_engine(settings.database_url, poolclass=NullPool)
    try:
        consultation(writer.app)
        positions = [n.id for n in writer.app.recorder.select_notifications(None, 100)]
        applied: list[int] = []
        projector = _spy(writer, applied)
        # given a rival holding the tracking row, having applied up to the second event
        with rival.begin() as conn:
            conn.execute(
                select(tracking.c.position).where(tracking.c.name == NAME).with_for_update()
            )
            conn.execute(
                update(tracking).where(tracking.c.name == NAME).values(position=positions[1])
            )
            waiting = threading.Thread(target=projector.catch_up)
            waiting.start()
            # then the projector waits for the row while the rival holds it
            _until(lambda: _waiting_for_a_lock(settings.database_url), "the projector waits")
            assert waiting.is_alive() and applied == []
        # when the rival commits, the projector reads its position, not the one before
        waiting.join(timeout=10)
        assert applied == positions[2:]
        assert writer.projector.position() == positions[-1]
    finally:
        rival.dispose()
        writer.close()


def test_two_projectors_at_once_apply_each_event_exactly_once(settings: Settings) -> None:
    writer = bootstrap(settings, clock=TODAY, project_on_save=False)
    try:
        cp, draft = consultation(writer.app)
        for i in range(120):
            writer.app.comment_publicly(draft, cp, f"意见{i}")
        positions = [n.id for n in writer.app.recorder.select_notifications(None, 10_000)]
    finally:
        writer.close()
    workers = [bootstrap(settings, clock=TODAY, project_on_save=False) for _ in range(2)]
    try:
        applied: list[list[int]] = [[], []]
        read = [threading.Event(), threading.Event()]
        committed = [threading.Event(), threading.Event()]
        projectors = [
            _Rival(w, applied[i], read[i], read[1 - i], committed[i], committed[1 - i])
            for i, w in enumerate(workers)
        ]
        start = threading.Barrier(2)

        def run(projector: Projector) -> None:
            start.wait()
            projector.catch_up()

        threads = [threading.Thread(target=run, args=(p,)) for p in projectors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        both = applied[0] + applied[1]
        assert sorted(both) == positions and len(set(both)) == len(both)
        assert applied[0] and applied[1], "both projectors took turns"
        assert_each_event_applied_once(workers[0].engine, positions)
        assert workers[0].chain.verify().ok
    finally:
        for worker in workers:
            worker.close()


class _Rival(Projector):
    """A projector in a race arranged by conditions: the first to hold the tracking row
    applies its first batch only once the other has read the same events (so the other
    must leave them out under the lock), then, committed, lets the other apply a batch
    before going on."""

    def __init__(
        self,
        liaison: Liaison,
        seen: list[int],
        read: threading.Event,
        rival_read: threading.Event,
        committed: threading.Event,
        rival_committed: threading.Event,
    ) -> None:
        super().__init__(**_as_wired(liaison, _Reads(liaison.app.recorder, read), batch=7))
        self.seen, self.rival_read = seen, rival_read
        self.committed, self.rival_committed = committed, rival_committed

    def apply(
        self, conn: Connection, notifications: Sequence[Notification], counted: bool = True
    ) -> None:
        if not self.seen:  # holding the row: the rival reads meanwhile, then waits for it
            assert self.rival_read.wait(timeout=30), "the rival never read the log"
        super().apply(conn, notifications, counted)
        self.seen.extend(n.id for n in notifications)

    def _apply_next_batch(self, conn: Connection, *args: Any, **kwargs: Any) -> tuple[int, bool]:
        count, more = super()._apply_next_batch(conn, *args, **kwargs)
        if count and not self.committed.is_set():  # the first batch committed: the rival's turn
            self.committed.set()
            assert self.rival_committed.wait(timeout=30), "the rival never applied a batch"
        return count, more


class _Reads:
    """The recorder, noting that the log was read."""

    def __init__(self, recorder: Any, read: threading.Event) -> None:
        self.recorder, self.read = recorder, read

    def select_notifications(self, *args: Any, **kwargs: Any) -> Any:
        found = self.recorder.select_notifications(*args, **kwargs)
        self.read.set()
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self.recorder, name)


def _spy(liaison: Liaison, seen: list[int]) -> Projector:
    """The Liaison's projector, noting each position it applies."""

    class Spy(Projector):
        def apply(
            self, conn: Connection, notifications: Sequence[Notification], counted: bool = True
        ) -> None:
            super().apply(conn, notifications, counted)
            seen.extend(n.id for n in notifications)

    return Spy(**_as_wired(liaison, liaison.app.recorder, batch=1000))


def _as_wired(liaison: Liaison, recorder: Any, batch: int) -> dict[str, Any]:
    """The arguments of the Liaison's own projector, reading ``recorder`` ``batch`` at a time."""
    wired = liaison.projector
    return {
        "recorder": recorder,
        "mapper": liaison.app.mapper,
        "engine": liaison.engine,
        "handlers": wired.handlers,
        "updaters": wired.updaters,
        "after_batch": wired.after_batch,
        "batch": batch,
    }


def _waiting_for_a_lock(url: str) -> bool:
    """Whether a session of this database waits for a lock (seen from another session)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            query = text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return bool(conn.execute(query).scalar_one())
    finally:
        engine.dispose()


def _until(condition: Callable[[], bool], what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out: {what}"
        time.sleep(0.02)


# following the log


@contextmanager
def _following(settings: Settings, *run: float) -> Iterator[tuple[Liaison, Liaison]]:
    """A follower projector running (``run_forever(stop, *run)``), listening, caught up and
    waiting, and a writer beside it; the follower must stop within a fraction of a second."""
    follower = bootstrap(settings, clock=TODAY, project_on_save=False)
    writer = bootstrap(settings, clock=TODAY, project_on_save=False)
    stop, waiting = threading.Event(), threading.Event()
    follower.projector._wakeups = _noting_waits(follower.projector, waiting)  # type: ignore[method-assign]
    thread = threading.Thread(target=follower.projector.run_forever, args=(stop, *run))
    try:
        thread.start()
        assert waiting.wait(timeout=10), "the follower never waited"
        yield follower, writer
    finally:
        stop.set()
        thread.join(timeout=5)
        writer.close()
        follower.close()
    assert not thread.is_alive(), "stops within a fraction of a second"


def test_a_running_projector_wakes_on_notify_long_before_its_polling_interval(
    settings: Settings,
) -> None:
    # given the follower listening, caught up, and waiting (for up to 60 s)
    with _following(settings, 60.0) as (follower, writer):
        writer.app.designate_contact_point("长宁区虹桥街道", "长宁区", operator("admin"))
        target = writer.app.recorder.max_notification_id()
        _until(lambda: follower.projector.position() == target, "woken by NOTIFY", 5)


def test_a_running_projector_applies_the_writes_of_a_busy_moment_as_one_batch(
    settings: Settings,
) -> None:
    with _following(settings, 60.0, 1.0) as (follower, writer):
        start = follower.projector.position()
        # five writes within the second it gathers for after the first one's notification
        for i in range(5):
            writer.app.designate_contact_point(f"街道{i}", "长宁区", operator("admin"))
        target = writer.app.recorder.max_notification_id()
        _until(lambda: follower.projector.position() == target, "caught up", 10)
        with follower.engine.connect() as conn:
            batches = (
                conn.execute(
                    text("SELECT events FROM projection_batches WHERE name = :n AND after >= :a"),
                    {"n": NAME, "a": start},
                )
                .scalars()
                .all()
            )
    assert batches == [5]


def test_a_rebuild_while_a_projector_runs_ends_with_the_same_read_models(
    settings: Settings,
) -> None:
    writer = bootstrap(settings, clock=TODAY)
    follower = bootstrap(settings, clock=TODAY, project_on_save=False)
    stop = threading.Event()
    thread = threading.Thread(target=follower.projector.run_forever, args=(stop, 0.05))
    try:
        cp, draft = consultation(writer.app)
        for i in range(40):
            writer.app.comment_publicly(draft, cp, f"意见{i}")
        before = read_models(writer.engine)
        thread.start()

        writer.projector.rebuild()
        last = writer.app.recorder.max_notification_id()
        _until(lambda: follower.projector.position() == last, "the follower caught up")

        assert read_models(writer.engine) == before
        assert writer.chain.verify().ok
    finally:
        stop.set()
        thread.join(timeout=5)
        follower.close()
        writer.close()


def _noting_waits(projector: Projector, waiting: threading.Event) -> Any:
    """The projector's ``_wakeups``, setting ``waiting`` each time it starts to wait."""
    wakeups = projector._wakeups

    @contextmanager
    def noted(gather: float = 0.0) -> Iterator[Callable[[threading.Event, float], None]]:
        with wakeups(gather) as wait:

            def noting(stop: threading.Event, interval: float) -> None:
                waiting.set()
                wait(stop, interval)

            yield noting

    return noted


# gaps


def test_a_rolled_back_insert_leaves_a_gap_that_nothing_minds(liaison: Liaison) -> None:
    app = liaison.app
    cp, draft = consultation(liaison.app)
    mine, theirs = app.get(draft, Draft), app.get(draft, Draft)
    mine.close(date(2021, 3, 15), "a")
    theirs.close(date(2021, 3, 15), "b")
    app.save(mine)
    with pytest.raises(ConflictError):  # its insert took a position, then rolled back
        app.save(theirs)
    app.designate_contact_point("长宁区虹桥街道", "长宁区", operator("admin"))

    positions = [n.id for n in app.recorder.select_notifications(None, 1000)]
    assert any(b - a > 1 for a, b in zip(positions, positions[1:], strict=False)), positions
    assert liaison.projector.position() == positions[-1]
    result = liaison.chain.verify()
    assert result.ok and result.events == len(positions)
    for page in (1, 2, 5):
        assert liaison.chain.verify(page=page) == result
    before = read_models(liaison.engine)
    liaison.projector.rebuild()
    assert read_models(liaison.engine) == before
    assert_each_event_applied_once(liaison.engine, positions)
