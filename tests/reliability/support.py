"""What the fault tests share: how long they run, a server process they may kill, and the
checks that the log and the read models still agree after the damage.

Every loop here is bounded in count and in time, and everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx2
import pytest
from sqlalchemy import Engine, select

from liaison.bootstrap import Liaison
from liaison.rights import operator
from projections.statistics import Period, figures
from projections.tables import contact_points, metadata, tracking

OPEN_UNTIL = date(2099, 12, 31)
"""A deadline the real clock has not passed: servers here run on the wall's business date."""

ROOT = Path(__file__).resolve().parents[2]
LONG = os.environ.get("FAULTS_LONG") == "1"
"""``FAULTS_LONG=1`` (``make faults``) runs the long versions; read by tests only."""
STORE = os.environ.get("LIAISON_TEST_STORE", "sqlite")  # as tests/conftest.py reads it
sqlite_only = pytest.mark.skipif(STORE != "sqlite", reason="about SQLite's own locking")

SECRET = "faults-secret-" + "k" * 40


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'liaison.sqlite3'}"


class ServerProcess:
    """``liaison serve`` in a process of its own, to be killed with SIGKILL and started again.

    ``command`` is the module run with ``python -m`` and its arguments, before ``serve``'s own.
    """

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.command = [sys.executable, "-m", *command, "--host", "127.0.0.1", "--port"]
        self.env = {**os.environ, **env}
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, ready_within: float = 30.0) -> float:
        """Start and wait until it answers; returns the seconds that took."""
        started = time.monotonic()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*self.command, str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = started + ready_within
        with httpx2.Client(base_url=self.base, timeout=2) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server exited at start:\n{self.tail()}")
                try:
                    if client.get("/api/v1/public/drafts").status_code == 200:
                        return time.monotonic() - started
                except httpx2.TransportError:
                    pass
                time.sleep(0.05)
        raise RuntimeError(f"the server did not start in {ready_within} s:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no flush, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """A clean stop (SIGTERM), falling back to SIGKILL."""
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def notifications(liaison: Liaison, page: int = 1000) -> Iterator[Any]:
    """The whole log, in order, as domain events."""
    cursor = 0
    while True:
        batch = liaison.app.recorder.select_notifications(
            start=cursor, limit=page, inclusive_of_start=False
        )
        for notification in batch:
            yield liaison.app.mapper.to_domain_event(notification)
        if len(batch) < page:
            return
        cursor = batch[-1].id


def read_models(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model row, table by table, in a stable order (not the tracking position)."""
    snapshot = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table is tracking:
                continue
            rows = conn.execute(select(table)).all()
            snapshot[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return snapshot


def all_figures(engine: Engine) -> dict[str, Any]:
    """The figures reported upward, for every contact point and for all, over all time."""
    with engine.connect() as conn:
        ids = [None, *conn.execute(select(contact_points.c.id)).scalars()]
        return {
            str(cp): figures(conn, None if cp is None else UUID(cp), Period()).as_dict()
            for cp in ids
        }


@dataclass(frozen=True)
class RebuildCheck:
    events: int
    rows: int
    equal: bool


def compare_with_rebuild(liaison: Liaison) -> RebuildCheck:
    """Catch up, take the read models and figures, rebuild from scratch, and compare."""
    liaison.projector.catch_up()
    before_rows, before_figures = read_models(liaison.engine), all_figures(liaison.engine)
    replayed = liaison.projector.rebuild()
    after_rows, after_figures = read_models(liaison.engine), all_figures(liaison.engine)
    for table in before_rows:
        live, rebuilt = set(before_rows[table]), set(after_rows[table])
        assert after_rows[table] == before_rows[table], (
            f"{table} differs from its rebuild: {len(live - rebuilt)} rows only live, e.g. "
            f"{sorted(live - rebuilt, key=repr)[:2]}; {len(rebuilt - live)} only rebuilt, "
            f"e.g. {sorted(rebuilt - live, key=repr)[:2]}"
        )
    assert after_figures == before_figures, "the figures differ from a rebuild's"
    return RebuildCheck(
        events=replayed,
        rows=sum(len(rows) for rows in before_rows.values()),
        equal=True,
    )


TEXT = (
    "第一章　总则\n第一条　为了保护个人信息权益，制定本法。\n第二条　自然人的个人信息受法律保护。"
)
MARCH = [date(2021, 3, day) for day in range(1, 32)]
DECIDED_ON = date(2021, 4, 20)


def populate(liaison: Liaison, suggestions: int, seed: int = 1) -> int:
    """A plausible log: contact points, drafts, people, sessions, and suggestions taken
    through every step of their life, dated forward (organised once the last opinion on the
    draft is in, reported then or later, decided in April). Returns the number of events
    recorded. The application's clock must be past April 2021."""
    app, rng = liaison.app, random.Random(seed)
    cps = [
        app.designate_contact_point(
            f"联系点{i}", "普陀区", operator("admin"), on=date(2021, 1, 1)
        ).id
        for i in range(3)
    ]
    drafts = []
    for i, level in enumerate(["national", "municipal", "district", "municipal"]):
        draft = app.receive_draft(
            f"草案{i}", level, "法工委", date(2021, 2, 27), OPEN_UNTIL, TEXT, operator("admin")
        )
        app.open_draft(draft.id, operator("admin"), on=date(2021, 3, 1))
        drafts.append(draft.id)
    people = {
        cp: [
            app.register_participant(cp, f"居民{n}", "resident", operator("s")).id for n in range(4)
        ]
        for cp in cps
    }
    for cp in cps:
        for _ in range(3):
            day = rng.choice(MARCH)
            session = app.schedule_session(
                cp,
                rng.sample(drafts, 2),
                "symposium",
                "座谈会",
                datetime(2021, 3, day.day, 9),
                operator("s"),
            )
            app.record_attendance(session.id, rng.sample(people[cp], 3), operator("s"))
            if rng.random() < 0.8:
                app.complete_session(session.id, operator("s"))
            else:
                app.cancel_session(session.id, operator("s"), on=day)
    made: dict[tuple[UUID, UUID], list[tuple[UUID, date]]] = {}
    for n in range(suggestions):
        cp, draft = rng.choice(cps), rng.choice(drafts)
        by = rng.choice([None, *people[cp]])
        suggestion = app.record_suggestion(
            cp,
            draft,
            f"意见 {n}",
            rng.choice(["letter", "collector", "online"]),
            operator("s"),
            article=rng.choice([None, 1, 2]),
            participant_id=by,
            received_on=rng.choice(MARCH),
        )
        made.setdefault((cp, draft), []).append((suggestion.id, suggestion.received_on))
    for (cp, draft), received in made.items():
        on = max(day for _sid, day in received)
        accepted = []
        for sid, _day in received:
            roll = rng.random()
            if roll < 0.1 and accepted:
                app.merge_suggestion(sid, accepted[0], operator("s"), on=on)
            elif roll < 0.25:
                app.screen_suggestion(sid, "reject", operator("s"), reason="与草案无关", on=on)
            else:
                if roll < 0.4:
                    app.revise_suggestion(sid, f"归纳后的意见 {sid.hex[:6]}", operator("s"), on=on)
                app.screen_suggestion(sid, "accept", operator("s"), on=on)
                accepted.append(sid)
        if len(accepted) > 1:
            reported = accepted[: max(1, len(accepted) * 2 // 3)]
            app.submit_report(cp, draft, reported, rng.choice(MARCH[on.day - 1 :]), operator("s"))
            for sid in reported:
                if rng.random() < 0.7:
                    outcome = rng.choice(["adopted", "partially_adopted", "not_adopted"])
                    app.record_outcome(
                        sid, outcome, operator("congress"), final_article=1, decided_on=DECIDED_ON
                    )
                    if rng.random() < 0.5:
                        app.send_feedback(sid, "已反馈", operator("s"), sent_on=DECIDED_ON)
    return int(app.recorder.max_notification_id() or 0)
