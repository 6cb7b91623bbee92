"""The server killed with SIGKILL every 0.5–2 s while residents comment: every comment that
was answered 201 is in the log exactly once, and no Idempotency-Key made two.

Clients behave as a well-written one should: each comment has its own key, and on a broken
connection, a 503 or a 409 "still running" it is sent again with the same key, later.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx2
import pytest

from domain.suggestion import Suggestion
from liaison.bootstrap import bootstrap
from liaison.rights import operator
from liaison.settings import Settings
from tests.records import draft_received
from tests.reliability.support import LONG, ServerProcess, compare_with_rebuild, notifications

OPEN_UNTIL = date(2099, 12, 31)
"""A deadline the real clock has not passed: servers here run on the wall's business date."""

pytestmark = pytest.mark.faults

TEXT = "第一条　为了保护个人信息权益，制定本法。\n第二条　自然人的个人信息受法律保护。"


@dataclass(frozen=True)
class Plan:
    kills: int
    clients: int
    load_seconds: float
    """Upper bound on the killing phase, should start-ups be slow."""
    drain_seconds: float
    """After the last kill: time for every pending comment to be acknowledged."""
    server: list[str]
    request_timeout: float


# Short (every pytest run): a claim left by a killed server is taken over after 2 s, not 30.
SHORT = Plan(3, 4, 30, 25, ["tests.reliability.serve_briskly", "2", "1", "serve"], 10)
# Long (make faults): `liaison serve` exactly as shipped (claims go stale after 30 s).
LONG_PLAN = Plan(25, 8, 240, 90, ["liaison.cli", "serve"], 20)


@dataclass
class Comment:
    key: str
    body: dict[str, Any]
    first_sent: float = 0.0
    next_try: float = 0.0
    attempts: int = 0
    answer: dict[str, Any] | None = None


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    refused: int = 0
    cut: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    acknowledged: list[Comment] = field(default_factory=list)
    pending: list[Comment] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    repeats: int = 0
    repeat_mismatches: list[str] = field(default_factory=list)
    slowest_ack: float = 0.0
    drain_deadline: float = 0.0


def _send(http: httpx2.Client, path: str, comment: Comment) -> httpx2.Response | str:
    """The answer, or how it failed: "refused" (no server) or "cut" (killed mid-request)."""
    try:
        return http.post(path, json=comment.body, headers={"Idempotency-Key": comment.key})
    except httpx2.ConnectError:
        return "refused"
    except httpx2.TransportError:
        return "cut"


def _client(
    number: int, base: str, path: str, cp: str, plan: Plan, tally: Tally, loading: threading.Event
) -> None:
    """Comment until the killing stops, then retry what is pending until it is acknowledged."""
    rng = random.Random(number)
    pending: list[Comment] = []
    made = 0
    with httpx2.Client(base_url=base, timeout=plan.request_timeout) as http:
        while True:
            now = time.monotonic()
            if not loading.is_set() and (not pending or now > tally.drain_deadline):
                break
            due = [c for c in pending if c.next_try <= now]
            if due:
                comment = due[0]
            elif loading.is_set() and len(pending) < 3:
                made += 1
                key = f"c{number}-{made}"
                body: dict[str, Any] = {"contact_point_id": cp, "content": f"意见 {key}"}
                if made % 2:
                    body["article"] = rng.choice([1, 2])
                if made % 3 == 0:
                    body |= {"name": f"居民{number}", "phone": "13812345678"}
                comment = Comment(key, body, first_sent=now)
                pending.append(comment)
            else:
                time.sleep(0.05)
                continue
            comment.attempts += 1
            answer = _send(http, path, comment)
            with tally.lock:
                tally.requests += 1
                if answer == "refused":
                    tally.refused += 1
                elif answer == "cut":
                    tally.cut += 1
                else:
                    tally.statuses[answer.status_code] += 1
            if isinstance(answer, str):
                comment.next_try = time.monotonic() + 0.2
            elif answer.status_code == 201:
                comment.answer = answer.json()
                pending.remove(comment)
                took = time.monotonic() - comment.first_sent
                with tally.lock:
                    tally.acknowledged.append(comment)
                    tally.slowest_ack = max(tally.slowest_ack, took)
                if made % 4 == 0:  # a client that did not trust the answer asks again
                    again = _send(http, path, comment)
                    with tally.lock:
                        tally.requests += 1
                        if not isinstance(again, str) and again.status_code == 201:
                            tally.repeats += 1
                            if again.json() != comment.answer:
                                tally.repeat_mismatches.append(comment.key)
            elif answer.status_code in (409, 503):  # still running / busy: as told
                wait = float(answer.headers.get("Retry-After", "1"))
                comment.next_try = time.monotonic() + min(wait, 2.0)
            else:
                with tally.lock:
                    tally.unexpected.append(f"{answer.status_code} {answer.text[:200]}")
                pending.remove(comment)
    with tally.lock:
        tally.pending.extend(pending)


def _seed(settings: Settings) -> tuple[str, str]:
    liaison = bootstrap(settings)
    try:
        app = liaison.app
        cp = app.designate_contact_point(
            "曹杨新村街道", "普陀区", operator("admin"), on=date(2021, 1, 1)
        )
        draft = draft_received(app, TEXT, deadline=OPEN_UNTIL, opened_on=date(2021, 3, 2))
        return str(cp.id), str(draft)
    finally:
        liaison.close()


def test_every_acknowledged_comment_survives_repeated_sigkills(
    tmp_path: Path, settings: Settings, figures: Any
) -> None:
    plan = LONG_PLAN if LONG else SHORT
    cp, draft_id = _seed(settings)
    server = ServerProcess(
        plan.server,
        {
            "LIAISON_DATABASE_URL": settings.database_url,
            "LIAISON_SECRET_KEY": settings.secret_key,
            "LIAISON_COMMENTS_PER_MINUTE": "1000000",
        },
        tmp_path / "server.log",
    )
    tally, loading = Tally(), threading.Event()
    rng = random.Random(8)
    kills, started = 0, time.monotonic()
    try:
        server.start()
        loading.set()
        clients = [
            threading.Thread(
                target=_client,
                args=(
                    n,
                    server.base,
                    f"/api/v1/public/drafts/{draft_id}/comments",
                    cp,
                    plan,
                    tally,
                    loading,
                ),
                daemon=True,
            )
            for n in range(plan.clients)
        ]
        for thread in clients:
            thread.start()
        # when the server is killed every 0.5–2 s, and started again each time
        while kills < plan.kills and time.monotonic() - started < plan.load_seconds:
            time.sleep(rng.uniform(0.5, 2.0))
            server.kill()
            kills += 1
            server.start()
        tally.drain_deadline = time.monotonic() + plan.drain_seconds
        loading.clear()
        for thread in clients:
            thread.join(timeout=plan.drain_seconds + plan.request_timeout + 10)
        assert not any(t.is_alive() for t in clients), "a client did not finish"
    finally:
        server.stop()
    elapsed = time.monotonic() - started

    # then every acknowledged comment is in the log exactly once, and no key made two
    liaison = bootstrap(settings)
    try:
        received = [e for e in notifications(liaison) if isinstance(e, Suggestion.Received)]
        rebuild = compare_with_rebuild(liaison)
        chain = liaison.chain.verify()
    finally:
        liaison.close()
    by_receipt = Counter(e.receipt for e in received)
    by_content = Counter(e.content for e in received)
    content_of = {e.receipt: e.content for e in received}
    lost = [
        c.key
        for c in tally.acknowledged
        if by_receipt[c.answer["receipt"]] != 1  # type: ignore[index]
        or content_of.get(c.answer["receipt"]) != c.body["content"]  # type: ignore[index]
    ]
    duplicates = sum(n - 1 for n in by_content.values())
    figures(
        "server killed with SIGKILL",
        seconds=round(elapsed, 1),
        clients=plan.clients,
        requests=tally.requests,
        kills=kills,
        refused_while_down=tally.refused,
        cut_mid_request=tally.cut,
        statuses=dict(sorted(tally.statuses.items())),
        acknowledged=len(tally.acknowledged),
        repeats_checked=tally.repeats,
        slowest_ack_s=round(tally.slowest_ack, 1),
        lost=len(lost),
        duplicates=duplicates,
        never_acknowledged=len(tally.pending),
        events=rebuild.events,
    )
    assert kills >= plan.kills, f"only {kills} kills in {plan.load_seconds} s"
    assert tally.acknowledged, "nothing was acknowledged: the test proved nothing"
    assert lost == [], f"acknowledged but not in the log exactly once: {lost[:10]}"
    assert duplicates == 0
    assert max(by_receipt.values()) == 1, "two suggestions share a receipt"
    assert tally.repeat_mismatches == [], "a repeat got another answer than the first"
    assert tally.unexpected == [], tally.unexpected[:5]
    assert tally.pending == [], f"{len(tally.pending)} comments never acknowledged"
    assert len(received) == len(tally.acknowledged), "a comment was recorded but never answered"
    assert chain.ok, chain.reason
    assert rebuild.equal
