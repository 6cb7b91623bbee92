"""The projector killed mid-batch, again and again (catching up, and rebuilding): the read
models and the figures end equal to a rebuild from scratch, and the hash chain holds.

A batch, its chain links and the new position commit together, so after any kill the
position sits on a batch boundary: a half-applied batch never shows.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from liaison.bootstrap import Liaison, bootstrap
from liaison.settings import Settings
from tests.reliability.support import LONG, ROOT, compare_with_rebuild, populate

pytestmark = pytest.mark.faults


@dataclass(frozen=True)
class Plan:
    kills: int
    suggestions: int
    batch: int
    delay: float
    seconds: float


SHORT = Plan(kills=5, suggestions=120, batch=25, delay=0.004, seconds=40)
LONG_PLAN = Plan(kills=60, suggestions=1500, batch=50, delay=0.002, seconds=400)


def _position(url: str) -> int | None:
    """The projector's tracking position; None while its table is dropped (a rebuild)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT position FROM projection_tracking WHERE name = 'read_models'")
                ).scalar_one_or_none()
                or 0
            )
    except DBAPIError:
        return None
    finally:
        engine.dispose()


def _positions(liaison: Liaison) -> list[int]:
    """Every position in the log (PostgreSQL's may have gaps)."""
    return [n.id for n in liaison.app.recorder.select_notifications(start=None, limit=10**7)]


def _start(url: str, plan: Plan, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.reliability.project_slowly",
            url,
            str(plan.batch),
            str(plan.delay),
            mode,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _line(process: subprocess.Popen[str], within: float) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], within)
    return process.stdout.readline().strip() if ready else ""


def test_read_models_survive_a_projector_killed_mid_batch(settings: Settings, figures: Any) -> None:
    plan = LONG_PLAN if LONG else SHORT
    url = settings.database_url
    liaison = bootstrap(settings, project_on_save=False)
    try:
        populate(liaison, plan.suggestions)
        log = _positions(liaison)
    finally:
        liaison.close()
    events, last = len(log), log[-1]
    # where a batch may end: every batch-th position of the log, and its last
    boundaries = {0, last, *log[plan.batch - 1 :: plan.batch]}

    rng = random.Random(11)
    kills = runs = finished = 0
    positions: list[int | None] = []
    started = time.monotonic()
    mode = "catch-up"
    while kills < plan.kills and time.monotonic() - started < plan.seconds:
        process = _start(url, plan, mode)
        runs += 1
        try:
            assert _line(process, 30) == "ready", "the projector did not start"
            time.sleep(rng.uniform(0.01, 0.4))
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                kills += 1
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        position = _position(url)
        positions.append(position)
        # a half-applied batch never shows: the position sits on a batch boundary
        assert position is None or position in boundaries, position
        if position == last:  # caught up before the kill: start again from scratch
            finished += 1
            mode = "rebuild"
        elif mode == "rebuild" and rng.random() < 0.5:
            mode = "catch-up"

    liaison = bootstrap(settings)  # the read models catch up from wherever the kills left them
    try:
        rebuild = compare_with_rebuild(liaison)
        chain = liaison.chain.verify()
    finally:
        liaison.close()
    figures(
        "projector killed mid-batch",
        seconds=round(time.monotonic() - started, 1),
        events=events,
        batch=plan.batch,
        runs=runs,
        kills=kills,
        killed_mid_work=sum(1 for p in positions if p != last),
        caught_up_between_kills=finished,
        rows=rebuild.rows,
        equal_to_rebuild=rebuild.equal,
    )
    assert kills >= plan.kills, f"only {kills} kills in {plan.seconds} s"
    assert chain.ok and chain.events == events, chain.reason
    assert rebuild.events == events
