"""What only PostgreSQL can show: the schema made once by ``liaison db init`` and never at
start-up, row locks between projectors, wake-ups by NOTIFY, and gaps in positions."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pytest
from eventsourcing.persistence import Notification
from sqlalchemy import Connection, create_engine, inspect, select, update
from sqlalchemy.pool import NullPool

from domain.draft import Draft
from liaison.bootstrap import Liaison, bootstrap
from liaison.cli import main
from liaison.database import SchemaMissingError
from liaison.errors import ConflictError
from liaison.settings import Settings
from projections.projector import NAME, Projector
from projections.tables import tracking
from tests.conftest import STORE, store_settings
from tests.integration.snapshot import assert_each_event_applied_once, read_models
from tests.postgres_server import PostgresServer

pytestmark = pytest.mark.skipif(STORE != "postgres", reason="PostgreSQL only")

TEXT = "第一条　为了保护个人信息权益，制定本法。\n第二条　自然人的个人信息受法律保护。"


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


def _opened_draft(liaison: Liaison) -> tuple[Any, Any]:
    app = liaison.app
    cp = app.designate_contact_point("曹杨新村街道基层立法联系点", "普陀区", "admin")
    draft = app.receive_draft(
        "个人信息保护法（草案）",
        "national",
        "法工委",
        date(2021, 3, 1),
        date(2021, 3, 31),
        TEXT,
        "admin",
    )
    app.open_draft(draft.id, "admin")
    return cp, draft


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
        _opened_draft(liaison)
        assert liaison.chain.verify().ok
    finally:
        liaison.close()


def test_db_init_again_changes_nothing_and_keeps_every_event(
    liaison: Liaison, monkeypatch: pytest.MonkeyPatch
) -> None:
    _opened_draft(liaison)
    before = read_models(liaison.engine)
    monkeypatch.setenv("LIAISON_DATABASE_URL", liaison.settings.database_url)

    assert main(["db", "init"]) == 0

    assert read_models(liaison.engine) == before
    assert liaison.chain.verify().ok


# the tracking row's lock


def test_a_projector_waits_for_the_lock_and_goes_on_from_the_position_its_rival_wrote(
    settings: Settings,
) -> None:
    writer = bootstrap(settings, project_on_save=False)
    rival = create_engine(settings.database_url, poolclass=NullPool)
    try:
        _opened_draft(writer)
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
            time.sleep(0.3)
            # then the projector waits while the rival holds the row
            assert waiting.is_alive() and applied == []
        # when the rival commits, the projector reads its position, not the one before
        waiting.join(timeout=10)
        assert applied == positions[2:]
        assert writer.projector.position() == positions[-1]
    finally:
        rival.dispose()
        writer.close()


def test_two_projectors_at_once_apply_each_event_exactly_once(settings: Settings) -> None:
    writer = bootstrap(settings, project_on_save=False)
    try:
        cp, draft = _opened_draft(writer)
        for i in range(120):
            writer.app.comment_publicly(draft.id, cp.id, f"意见{i}")
        positions = [n.id for n in writer.app.recorder.select_notifications(None, 10_000)]
    finally:
        writer.close()
    workers = [bootstrap(settings, project_on_save=False) for _ in range(2)]
    try:
        applied: list[list[int]] = [[], []]
        projectors = [
            _spy(w, seen, batch=7, pause=0.005) for w, seen in zip(workers, applied, strict=True)
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


def _spy(liaison: Liaison, seen: list[int], batch: int = 1000, pause: float = 0) -> Projector:
    """The Liaison's projector, noting each position it applies."""

    class Spy(Projector):
        def apply(self, conn: Connection, notifications: Sequence[Notification]) -> None:
            super().apply(conn, notifications)
            seen.extend(n.id for n in notifications)
            time.sleep(pause)  # widen the window in which a rival could slip in

    return Spy(liaison.app.recorder, liaison.app.mapper, liaison.engine, batch, liaison.chain)


# following the log


def test_a_running_projector_wakes_on_notify_long_before_its_polling_interval(
    settings: Settings,
) -> None:
    follower = bootstrap(settings, project_on_save=False)
    writer = bootstrap(settings, project_on_save=False)
    stop = threading.Event()
    thread = threading.Thread(target=follower.projector.run_forever, args=(stop, 60.0))
    try:
        thread.start()
        time.sleep(0.5)  # listening
        started = time.monotonic()
        writer.app.designate_contact_point("长宁区虹桥街道", "长宁区", "admin")
        target = writer.app.recorder.max_notification_id()
        while follower.projector.position() != target:
            assert time.monotonic() - started < 5, "not woken by NOTIFY"
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(timeout=5)
        writer.close()
        follower.close()
    assert not thread.is_alive(), "stops within a fraction of a second"


def test_a_rebuild_while_a_projector_runs_ends_with_the_same_read_models(
    settings: Settings,
) -> None:
    writer = bootstrap(settings)
    follower = bootstrap(settings, project_on_save=False)
    stop = threading.Event()
    thread = threading.Thread(target=follower.projector.run_forever, args=(stop, 0.05))
    try:
        cp, draft = _opened_draft(writer)
        for i in range(40):
            writer.app.comment_publicly(draft.id, cp.id, f"意见{i}")
        before = read_models(writer.engine)
        thread.start()

        writer.projector.rebuild()
        while follower.projector.position() != writer.app.recorder.max_notification_id():
            time.sleep(0.02)

        assert read_models(writer.engine) == before
        assert writer.chain.verify().ok
    finally:
        stop.set()
        thread.join(timeout=5)
        follower.close()
        writer.close()


# gaps


def test_a_rolled_back_insert_leaves_a_gap_that_nothing_minds(liaison: Liaison) -> None:
    app = liaison.app
    cp, draft = _opened_draft(liaison)
    mine, theirs = app.get(draft.id, Draft), app.get(draft.id, Draft)
    mine.close(date(2021, 3, 15), "a")
    theirs.close(date(2021, 3, 15), "b")
    app.save(mine)
    with pytest.raises(ConflictError):  # its insert took a position, then rolled back
        app.save(theirs)
    app.designate_contact_point("长宁区虹桥街道", "长宁区", "admin")

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
