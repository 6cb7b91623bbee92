"""Scale-out for real: two web workers (uvicorn processes) and two projectors (``liaison
projections run`` processes) on one store, writers hitting both workers at once, one
projector killed with SIGKILL in the middle of a batch and started again. At the end every
read model equals a from-scratch rebuild, and the batch record shows each event applied
exactly once. Runs on both stores; on PostgreSQL the kill is timed by ``pg_stat_activity``
to land inside the projector's transaction.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx2
import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from liaison.bootstrap import Liaison, bootstrap
from liaison.rights import operator
from liaison.settings import Settings
from projections.statistics import figures
from tests.conftest import STORE
from tests.integration.snapshot import assert_each_event_applied_once, batch_record, read_models
from tests.records import CAOYANG, draft_received

OPEN_UNTIL = date(2099, 12, 31)
"""A deadline the real clock has not passed: servers here run on the wall's business date."""

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-test-password"
TEXT = "第一条　为了保护个人信息权益，制定本法。\n第二条　自然人的个人信息受法律保护。"
WRITERS = 4
ROUNDS = 8
BULK = 300
BATCH = "20"
OPEN_TRANSACTION = "unexpected EOF on client connection with an open transaction"


@dataclass
class Processes:
    tmp: Path
    settings: Settings
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def env(self, url: str | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
        env.update(
            LIAISON_DATABASE_URL=url or self.settings.database_url,
            LIAISON_SECRET_KEY=self.settings.secret_key,
            LIAISON_COMMENTS_PER_MINUTE="100000",
            LIAISON_PROJECTION_BATCH=BATCH,
            LIAISON_POOL_SIZE="2",
            LIAISON_POOL_OVERFLOW="10",
            PYTHONPATH=str(ROOT),
        )
        return env

    def start(self, name: str, argv: list[str], url: str | None = None) -> None:
        log = (self.tmp / f"{name}.log").open("ab")
        self.running[name] = subprocess.Popen(
            [sys.executable, *argv], env=self.env(url), cwd=ROOT, stdout=log, stderr=log
        )

    def web(self, name: str, port: int) -> None:
        self.start(
            name,
            ["-m", "uvicorn", "web.app:create_app", "--factory", "--host", "127.0.0.1"]
            + ["--port", str(port), "--log-level", "warning"],
        )

    def projector(self, name: str) -> None:
        url = self.settings.database_url
        if STORE == "postgres":  # so that pg_stat_activity can tell the projectors apart
            url += f"?application_name={name}"
        self.start(name, ["-m", "liaison.cli", "projections", "run", "--interval", "0.2"], url)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> dict[str, int | None]:
        for process in self.running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = {}
        for name, process in self.running.items():
            try:
                codes[name] = process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                codes[name] = None
        return codes


@contextmanager
def processes(tmp: Path, settings: Settings) -> Iterator[Processes]:
    started = Processes(tmp, settings)
    try:
        yield started
    finally:
        for process in started.running.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _seen_within(check: Callable[[], bool], seconds: float) -> bool:
    try:
        _wait_until(check, seconds, "")
    except AssertionError:
        return False
    return True


def _answers(base: str) -> bool:
    try:
        return httpx2.get(f"{base}/api/v1/public/drafts", timeout=1).status_code == 200
    except httpx2.HTTPError:
        return False


def _world(settings: Settings) -> dict[str, Any]:
    """Accounts, a contact point and one open draft per writer (plus one for bulk loads)."""
    liaison = bootstrap(settings)
    try:
        liaison.users.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        app = liaison.app
        cp = app.designate_contact_point("曹杨新村街道基层立法联系点", "普陀区", operator("admin"))
        drafts = []
        for i in range(WRITERS + 1):
            draft = app.receive_draft(
                f"草案{i}", "national", "法工委", date(2021, 3, 1), OPEN_UNTIL, TEXT, operator("a")
            )
            app.open_draft(draft.id, operator("admin"))
            drafts.append(str(draft.id))
        liaison.users.add("staff", "staff", PASSWORD, cp.id)
        return {"cp": str(cp.id), "drafts": drafts}
    finally:
        liaison.close()


def _mid_batch(engine: Any, name: str) -> bool:
    """Is this projector inside a batch's transaction, holding the tracking row?"""
    if STORE != "postgres":
        return True  # SQLite has no such view: the kill lands while it works the backlog
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name "
                    "AND xact_start IS NOT NULL AND wait_event_type IS DISTINCT FROM 'Lock' "
                    "AND (query ILIKE '%FOR UPDATE%' OR query ILIKE 'INSERT%' "
                    "OR query ILIKE 'UPDATE%')"
                ),
                {"name": name},
            ).scalar_one()
        )


def test_two_web_workers_two_projectors_and_a_killed_one_apply_each_event_once(
    settings: Settings, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    server = request.getfixturevalue("postgres_server") if STORE == "postgres" else None
    world = _world(settings)
    ports = [_free_port(), _free_port()]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    observer = create_engine(settings.database_url, poolclass=NullPool)
    problems: list[str] = []
    statuses: Counter[int] = Counter()
    created: list[str] = []

    with processes(tmp_path, settings) as run:
        run.web("web-1", ports[0])
        run.web("web-2", ports[1])
        run.projector("projector-a")
        run.projector("projector-b")
        _wait_until(lambda: all(_answers(b) for b in bases), 60, "both web workers")
        token = httpx2.post(
            f"{bases[0]}/api/v1/token", data={"username": "staff", "password": PASSWORD}
        ).json()["access_token"]
        staff = {"Authorization": f"Bearer {token}"}

        def api_writer(i: int) -> None:
            draft = world["drafts"][i]
            with httpx2.Client(timeout=60) as client:
                for k in range(ROUNDS):
                    here, there = bases[(i + k) % 2], bases[(i + k + 1) % 2]
                    made = client.post(
                        f"{here}/api/v1/suggestions",
                        json={
                            "contact_point_id": world["cp"],
                            "draft_id": draft,
                            "article": 1,
                            "content": f"意见{i}-{k}",
                            "channel": "letter",
                            "received_on": "2021-03-10",
                        },
                        headers=staff,
                    )
                    statuses[made.status_code] += 1
                    if made.status_code != 201:
                        problems.append(f"suggestion: {made.status_code} {made.text}")
                        continue
                    suggestion = made.json()["id"]
                    created.append(suggestion)
                    # the worker that wrote it reads it from its read models at once
                    listed = client.get(
                        f"{here}/api/v1/suggestions",
                        params={"draft_id": draft, "limit": 1000},
                        headers=staff,
                    ).json()
                    if suggestion not in {row["id"] for row in listed}:
                        problems.append(f"{here} did not read its own write {suggestion}")
                    screened = client.post(
                        f"{there}/api/v1/suggestions/{suggestion}/screen",
                        json={"decision": "accept"},
                        headers=staff,
                    )
                    statuses[screened.status_code] += 1
                    # the same comment sent to both workers under one key is recorded once
                    comment = {"contact_point_id": world["cp"], "content": f"评论{i}-{k}"}
                    key = {"Idempotency-Key": f"key-{i}-{k}"}
                    answers = [
                        client.post(
                            f"{b}/api/v1/public/drafts/{draft}/comments", json=comment, headers=key
                        )
                        for b in (here, there)
                    ]
                    statuses.update(a.status_code for a in answers)
                    if len({a.json().get("receipt") for a in answers}) != 1:
                        problems.append(f"one key, two receipts: {[a.text for a in answers]}")

                    # and two workers revising one suggestion at once: one may get 409
                    def revise(base: str, suggestion: str = suggestion) -> None:
                        answer = httpx2.post(
                            f"{base}/api/v1/suggestions/{suggestion}/revise",
                            json={"content": f"改写{base[-5:]}"},
                            headers=staff,
                            timeout=60,
                        )
                        statuses[answer.status_code] += 1

                    revisions = [threading.Thread(target=revise, args=(b,)) for b in (here, there)]
                    for thread in revisions:
                        thread.start()
                    for thread in revisions:
                        thread.join()

        def bulk_writer() -> None:
            """A backlog for the projectors: commands saved without projecting."""
            loader = bootstrap(settings, project_on_save=False)
            draft, cp = UUID(world["drafts"][-1]), UUID(world["cp"])
            try:
                for n in range(BULK):
                    loader.app.comment_publicly(draft, cp, f"批量{n}")
            finally:
                loader.close()

        threads = [threading.Thread(target=api_writer, args=(i,)) for i in range(WRITERS)]
        threads.append(threading.Thread(target=bulk_writer))
        for thread in threads:
            thread.start()

        # once both projectors share the work, projector A is killed inside a batch, then
        # started again
        def both_working() -> bool:
            applied = {b[3] for b in batch_record(observer) if b[3].startswith("projector")}
            pids = (run.running[name].pid for name in ("projector-a", "projector-b"))
            return all(any(a.endswith(f":{pid}") for a in applied) for pid in pids)

        _wait_until(both_working, 60, "both projectors to apply a batch")
        for _attempt in range(5):  # a batch may end between looking and killing: try again
            aborted = server.log(tail=None).count(OPEN_TRANSACTION) if server else 0
            _wait_until(lambda: _mid_batch(observer, "projector-a"), 60, "projector A mid-batch")
            killed = run.running.pop("projector-a")
            killed.send_signal(signal.SIGKILL)
            assert killed.wait(timeout=10) == -signal.SIGKILL
            run.projector("projector-a")
            if server is None or _seen_within(
                lambda a=aborted: server.log(tail=None).count(OPEN_TRANSACTION) > a, 3
            ):
                break  # PostgreSQL saw the client vanish inside its transaction: rolled back
        else:
            pytest.fail("projector A was never killed inside a batch")

        for thread in threads:
            thread.join(timeout=300)
        assert not any(thread.is_alive() for thread in threads)

        def caught_up() -> bool:
            with observer.connect() as conn:
                last = conn.execute(text("SELECT position FROM projection_tracking")).scalar()
            return bool(last == _last_position(settings))

        _wait_until(caught_up, 60, "the projectors to apply everything")
        codes = run.stop_all()

    observer.dispose()
    assert problems == []
    assert set(statuses) <= {200, 201, 409}, statuses
    assert {name: codes[name] for name in ("projector-a", "projector-b")} == {
        "projector-a": 0,
        "projector-b": 0,
    }, "projectors stop cleanly on SIGTERM"
    for name in ("projector-a", "projector-b"):
        assert "Traceback" not in run.log(name), run.log(name)

    checked = bootstrap(settings, project_on_save=False)
    try:
        _assert_consistent(checked, created)
    finally:
        checked.close()


def _last_position(settings: Settings) -> int:
    engine = create_engine(settings.database_url, poolclass=NullPool)
    table = "stored_events" if settings.is_sqlite else "liaison_events"
    column = "rowid" if settings.is_sqlite else "notification_id"
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT max({column}) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def _assert_consistent(liaison: Liaison, created: list[str]) -> None:
    positions = [n.id for n in liaison.app.recorder.select_notifications(None, 100_000)]
    assert liaison.projector.position() == positions[-1]

    # each event applied exactly once, by web workers and by projectors, the killed one too
    assert_each_event_applied_once(liaison.engine, positions)
    appliers = {applied_by for _, _, _, applied_by in batch_record(liaison.engine)}
    projectors = {a for a in appliers if a.startswith("projector")}
    assert len(projectors) >= 2, appliers  # a projector's pid changes when it is restarted
    assert appliers - projectors, "the web workers projected their own writes too"

    verification = liaison.chain.verify()
    assert verification.ok and verification.events == len(positions)

    # every figure equals a rebuild from scratch
    with liaison.engine.connect() as conn:
        shown = figures(conn).as_dict()
    before = read_models(liaison.engine)
    liaison.projector.rebuild()
    assert read_models(liaison.engine) == before
    with liaison.engine.connect() as conn:
        assert figures(conn).as_dict() == shown
    received = WRITERS * ROUNDS * 2 + BULK
    assert shown["suggestions"]["received"] == received
    assert len(created) == WRITERS * ROUNDS


# what every worker must share lives in the store: two Liaisons stand for two workers


@pytest.fixture
def two_workers(settings: Settings) -> Iterator[tuple[Liaison, Liaison]]:
    first, second = bootstrap(settings), bootstrap(settings)
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_rate_limit_counters_are_shared_by_the_workers(
    two_workers: tuple[Liaison, Liaison],
) -> None:
    limiters = [w.limiter for w in two_workers]

    waits = _at_once(
        [lambda i=i: limiters[i % 2].take("comment:10.0.0.1", 10, 60) for i in range(16)]
    )

    assert waits.count(0) == 10
    assert all(w > 0 for w in waits if w != 0)
    assert all(limiter.blocked_for("comment:10.0.0.1", 10, 60) > 0 for limiter in limiters)


def test_a_page_session_started_on_one_worker_is_known_to_the_other_and_ends_for_both(
    two_workers: tuple[Liaison, Liaison],
) -> None:
    first, second = two_workers
    cp = first.app.designate_contact_point(*CAOYANG, operator("admin"))
    first.users.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    user = first.users.add("staff", "staff", PASSWORD, cp.id)
    token = first.sessions.start(user)

    found = second.sessions.find(token)
    assert found is not None and found.user.username == "staff"
    second.sessions.end(token)
    assert first.sessions.find(token) is None


def test_one_idempotency_key_sent_to_both_workers_at_once_records_one_comment(
    two_workers: tuple[Liaison, Liaison],
) -> None:
    first, _ = two_workers
    cp = first.app.designate_contact_point(*CAOYANG, operator("admin"))
    draft = draft_received(first.app, TEXT, title="草案", deadline=OPEN_UNTIL)
    events = first.app.recorder.max_notification_id() or 0

    def send(worker: Liaison) -> tuple[int, dict[str, Any]]:
        def record(suggestion_id: UUID) -> tuple[int, dict[str, Any]]:
            said = worker.app.comment_publicly(draft, cp.id, "意见", suggestion_id=suggestion_id)
            return 201, {"receipt": said.receipt}

        return worker.idempotency.run("key-1", "print-1", record)

    answers = _at_once([lambda i=i: send(two_workers[i % 2]) for i in range(8)])

    assert len({receipt["receipt"] for _, receipt in answers}) == 1
    assert (first.app.recorder.max_notification_id() or 0) > events
    received = [
        n
        for n in first.app.recorder.select_notifications(events, 100, inclusive_of_start=False)
        if n.topic.endswith("Suggestion.Received")
    ]
    assert len(received) == 1


# the schema


def test_db_init_on_an_empty_store_makes_every_table_a_worker_needs(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if STORE == "postgres":
        server = request.getfixturevalue("postgres_server")
        name = server.create_database()
        request.addfinalizer(lambda: server.drop_database(name))
        url, events = server.url(name), "liaison_events"
    else:
        url, events = f"sqlite:///{tmp_path / 'new' / 'liaison.sqlite3'}", "stored_events"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}

    done = subprocess.run(
        [sys.executable, "-m", "liaison.cli", "db", "init"],
        env={**env, "LIAISON_DATABASE_URL": url},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("schema ready in ")
    engine = create_engine(url, poolclass=NullPool)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {events, "event_chain", "projection_tracking", "projection_batches"} <= tables
    assert {"rm_suggestions", "rate_limits", "web_sessions", "idempotency_keys"} <= tables
