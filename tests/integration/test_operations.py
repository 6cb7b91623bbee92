"""What the people who run Liaison rely on: /healthz, /metrics, request ids and JSON logs,
an event the projector cannot apply (recorded, shown, resumed or skipped, never silently
passed), a rebuild beside the live read models, and the batch record kept bounded."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import httpx2
import pytest
from eventsourcing.persistence import Notification, StoredEvent
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Connection, func, inspect, select, update

from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison
from liaison.cli import main
from liaison.logs import JsonLines, request_id
from liaison.rights import operator
from liaison.settings import Settings
from projections import projector as read_models
from projections.health import status
from projections.statistics import figures
from tests.integration.snapshot import read_models as rows_of
from web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-test-password"
TEXT = "第一条　总则。\n第二条　细则。"


@pytest.fixture
def world(liaison: Liaison) -> dict[str, UUID]:
    app = liaison.app
    cp = app.designate_contact_point("A 街道", "普陀区", operator("admin")).id
    draft = app.receive_draft(
        "N1", "national", "法工委", date(2021, 2, 20), date(2021, 4, 30), TEXT, operator("admin")
    ).id
    app.open_draft(draft, operator("admin"))
    for text in ("建议一", "建议二", "建议三"):
        app.record_suggestion(
            cp, draft, text, "letter", operator("staff"), received_on=date(2021, 3, 2)
        )
    liaison.users.add("staff_a", "staff", PASSWORD, cp)
    liaison.users.add("congress", "congress", PASSWORD, None)
    return {"cp": cp, "draft": draft}


def letter(liaison: Liaison, world: dict[str, UUID], words: str) -> Suggestion:
    """One more letter to the world's contact point on its draft, as the first three came."""
    return liaison.app.record_suggestion(
        world["cp"],
        world["draft"],
        words,
        "letter",
        operator("staff"),
        received_on=date(2021, 3, 2),
    )


def signed_in(liaison: Liaison, username: str) -> TestClient:
    user = liaison.users.get(username)
    assert user is not None
    client = TestClient(create_app(liaison=liaison))
    client.cookies.set("liaison_session", liaison.sessions.start(user))
    return client


def plant_undecodable_event(liaison: Liaison) -> int:
    """An event whose state is not what its topic decodes: as a broken upcaster, a bad
    restore or a bug in a past release might have left it. Returns its position."""
    liaison.app.recorder.insert_events(
        [
            StoredEvent(
                originator_id=uuid4(),
                originator_version=1,
                topic="domain.suggestion:Suggestion.Received",
                state=b"\x00 not an event",
            )
        ]
    )
    return int(liaison.app.recorder.max_notification_id() or 0)


def received(liaison: Liaison) -> int:
    with liaison.engine.connect() as conn:
        return int(figures(conn).suggestions["received"])


# -- /healthz ----------------------------------------------------------------------------


def test_healthz_answers_200_with_the_log_and_the_read_models_positions(
    client: TestClient, world: dict[str, UUID], liaison: Liaison
) -> None:
    answer = client.get("/healthz")

    assert answer.status_code == 200
    body = answer.json()
    events = liaison.app.recorder.max_notification_id()
    assert body["ok"] is True and body["state"] == "ok"
    assert body["events"] == body["projected"] == events and body["lag"] == 0


def test_healthz_answers_503_when_the_store_does_not_answer(
    client: TestClient, liaison: Liaison, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable() -> int:
        raise ConnectionError("the database server went away")

    monkeypatch.setattr(liaison.app.recorder, "max_notification_id", unreachable)

    answer = client.get("/healthz")

    assert answer.status_code == 503
    assert answer.json()["state"] == "unreachable" and "store" in answer.json()["reason"]


def test_healthz_says_behind_when_events_wait_longer_than_a_minute(
    liaison: Liaison, world: dict[str, UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    liaison.app.on_saved = None  # a worker that no longer projects, and no projector
    letter(liaison, world, "建议四")
    found = status(liaison.projector)
    assert found.lag == 1 and found.state == "ok"  # it has only just been recorded

    later = found.now + timedelta(minutes=2)
    monkeypatch.setattr("projections.health.datetime", _FrozenAt(later))

    assert status(liaison.projector).state == "behind"


class _FrozenAt:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self, tz: object = None) -> datetime:
        return self.moment

    def __getattr__(self, name: str) -> object:
        return getattr(datetime, name)


# -- an event the projector cannot apply -------------------------------------------------


def test_an_undecodable_event_stops_projection_and_healthz_says_so_while_pages_answer(
    liaison: Liaison, world: dict[str, UUID], caplog: pytest.LogCaptureFixture
) -> None:
    before = received(liaison)
    poison = plant_undecodable_event(liaison)

    # a save after it is answered as done; the catch-up that follows stops at the event
    letter(liaison, world, "建议四")

    assert liaison.projector.position() < poison
    assert received(liaison) == before  # nothing after the bad event was applied
    with TestClient(create_app(liaison=liaison)) as client:
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["state"] == "stopped"
        assert f"position {poison}" in health.json()["reason"]
        assert client.get("/").status_code == 200
    for who, page in (("staff_a", "/staff"), ("congress", "/congress")):
        with signed_in(liaison, who) as client:
            shown = client.get(page)
            assert shown.status_code == 200
            assert 'id="read-models-notice"' in shown.text
    assert any(
        r.levelno == logging.ERROR and f"position {poison}" in r.getMessage()
        for r in caplog.records
    )
    with pytest.raises(read_models.ProjectionStoppedError):
        liaison.projector.catch_up()


def test_the_events_before_a_bad_one_in_the_same_batch_are_applied(
    liaison: Liaison, world: dict[str, UUID]
) -> None:
    liaison.app.on_saved = None
    for text in ("建议四", "建议五"):
        letter(liaison, world, text)
    poison = plant_undecodable_event(liaison)
    letter(liaison, world, "建议六")

    with pytest.raises(read_models.ProjectionStoppedError) as stopped:
        liaison.projector.catch_up()

    assert stopped.value.position == poison
    assert "Suggestion.Received" in stopped.value.topic
    assert received(liaison) == 5  # the three of the world and the two before the bad one
    assert liaison.projector.position() < poison


def test_projections_status_prints_the_position_the_lag_and_the_stop(
    settings: Settings,
    liaison: Liaison,
    world: dict[str, UUID],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LIAISON_DATABASE_URL", settings.database_url)
    assert main(["projections", "status"]) == 0
    assert "state      ok" in capsys.readouterr().out

    poison = plant_undecodable_event(liaison)
    with pytest.raises(read_models.ProjectionStoppedError):
        liaison.projector.catch_up()

    assert main(["projections", "status"]) == 1
    shown = capsys.readouterr().out
    assert f"stopped    at position {poison} (domain.suggestion:Suggestion.Received)" in shown
    assert f"position   {liaison.projector.position()}" in shown and "lag        1" in shown


def test_resume_after_a_fix_applies_the_event_it_stopped_at_and_what_followed(
    settings: Settings,
    liaison: Liaison,
    world: dict[str, UUID],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a release whose projector fails on revisions (a bug)
    right = liaison.projector.apply

    def buggy(conn: Connection, notifications: Sequence[Notification]) -> None:
        if any(n.topic.endswith("Suggestion.Revised") for n in notifications):
            raise KeyError("content")
        right(conn, notifications)

    monkeypatch.setattr(liaison.projector, "apply", buggy)
    suggestion = letter(liaison, world, "建议四")
    liaison.app.revise_suggestion(suggestion.id, "建议四（修改）", operator("staff"))
    letter(liaison, world, "建议五")
    assert status(liaison.projector).stopped
    assert received(liaison) == 4
    assert status(liaison.projector).trouble.topic.endswith("Suggestion.Revised")  # type: ignore[union-attr]

    # when: the fix is deployed and projection resumed
    monkeypatch.setattr(liaison.projector, "apply", right)
    monkeypatch.setenv("LIAISON_DATABASE_URL", settings.database_url)
    assert main(["projections", "resume"]) == 0

    # then
    found = status(liaison.projector)
    assert not found.stopped and found.lag == 0 and found.state == "ok"
    assert received(liaison) == 5


def test_skip_goes_past_only_the_event_stopped_at_and_is_audited(
    settings: Settings,
    liaison: Liaison,
    world: dict[str, UUID],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    poison = plant_undecodable_event(liaison)
    letter(liaison, world, "建议四")
    monkeypatch.setenv("LIAISON_DATABASE_URL", settings.database_url)

    assert main(["projections", "skip", str(poison + 1)]) == 2  # not where it stopped

    assert main(["projections", "skip", str(poison)]) == 0

    assert received(liaison) == 4 and status(liaison.projector).state == "ok"
    skips = liaison.audit.recent(action="projection_skip")
    assert len(skips) == 1 and skips[0]["target"].startswith(f"position {poison} ")
    assert liaison.chain.verify().ok  # the skipped event is still in the chain


# -- /metrics, request ids, JSON logs ----------------------------------------------------


def test_metrics_parse_and_have_the_named_series(
    client: TestClient, world: dict[str, UUID], liaison: Liaison
) -> None:
    draft = str(world["draft"])
    client.get(f"/api/v1/public/drafts/{draft}")
    sent = client.post(
        f"/api/v1/public/drafts/{draft}/comments",
        json={"contact_point_id": str(world["cp"]), "content": "建议再明确一些。"},
    )
    assert sent.status_code == 201, sent.text

    answer = client.get("/metrics")

    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(answer.text)}
    assert {
        "liaison_http_requests",
        "liaison_http_request_duration_seconds",
        "liaison_comments_accepted",
        "liaison_events",
        "liaison_projection_position",
        "liaison_projection_lag_events",
        "liaison_projection_lag_seconds",
        "liaison_projection_stopped",
    } <= set(families)
    requests = families["liaison_http_requests"].samples
    assert any(
        s.labels == {"method": "GET", "route": "/api/v1/public/drafts/{draft_id}", "status": "200"}
        for s in requests
    )
    assert not any(draft in s.labels.get("route", "") for s in requests)  # templates only
    assert families["liaison_http_request_duration_seconds"].type == "histogram"
    assert families["liaison_comments_accepted"].samples[0].value >= 1
    (events,) = families["liaison_events"].samples
    assert events.value == liaison.app.recorder.max_notification_id()
    (lag,) = families["liaison_projection_lag_events"].samples
    assert lag.value == 0


def test_every_answer_carries_a_request_id_and_keeps_one_given(client: TestClient) -> None:
    made = client.get("/healthz").headers["x-request-id"]
    given = client.get("/healthz", headers={"X-Request-Id": "lb-1234"}).headers["x-request-id"]
    refused = client.get("/healthz", headers={"X-Request-Id": "a b\tc"}).headers["x-request-id"]

    assert len(made) == 32 and given == "lb-1234" and refused not in ("a b\tc", made)


def test_json_logs_give_each_request_a_line_with_its_id(
    settings: Settings, liaison: Liaison
) -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("liaison.requests")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with TestClient(create_app(liaison=liaison)) as client:
            client.get("/api/v1/public/drafts", headers={"X-Request-Id": "req-42"})
    finally:
        logger.removeHandler(handler)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    (line,) = [x for x in lines if x.get("request_id") == "req-42"]
    assert line["route"] == "/api/v1/public/drafts" and line["status"] == 200
    assert line["level"] == "info" and line["logger"] == "liaison.requests"
    assert request_id.get() == ""  # not left behind for whatever runs next


def test_json_log_format_is_a_setting(settings: Settings) -> None:
    assert Settings(log_format="json").log_format == "json"
    with pytest.raises(ValueError):
        Settings(log_format="xml")  # type: ignore[arg-type]


# -- rebuild beside the live read models ---------------------------------------------------


def test_pages_answer_from_the_live_read_models_during_a_rebuild_then_it_swaps(
    liaison: Liaison, world: dict[str, UUID]
) -> None:
    before = rows_of(liaison.engine)
    shown_before = received(liaison)
    liaison.projector.rebuild_batch = 2  # so that the rebuild takes several batches
    paused, go_on = threading.Event(), threading.Event()

    def progress(done: int, _count: int) -> None:
        if done >= 2 and not paused.is_set():
            paused.set()
            assert go_on.wait(30)

    rebuild = threading.Thread(target=liaison.projector.rebuild, kwargs={"progress": progress})
    rebuild.start()
    try:
        assert paused.wait(30)
        # while the fresh tables are half built, the site serves the live ones
        with TestClient(create_app(liaison=liaison)) as client:
            assert client.get("/").status_code == 200
            assert client.get("/api/v1/stats").status_code in (200, 401)
            health = client.get("/healthz").json()
            assert health["state"] == "rebuilding" and health["ok"] is True
        with signed_in(liaison, "congress") as client:
            page = client.get("/congress")
            assert page.status_code == 200 and 'id="read-models-notice"' in page.text
        assert received(liaison) == shown_before
        # and a write meanwhile reaches the live read models at once
        letter(liaison, world, "建议四")
        assert received(liaison) == shown_before + 1
    finally:
        go_on.set()
        rebuild.join(30)

    assert not rebuild.is_alive()
    assert received(liaison) == shown_before + 1  # the write is in the swapped-in ones too
    names = set(inspect(liaison.engine).get_table_names())
    assert not any(name.endswith(("__next", "__old")) for name in names)
    with liaison.engine.connect() as conn:
        tracked = conn.execute(select(read_models.tracking.c.name)).scalars().all()
    assert tracked == [read_models.NAME]
    assert status(liaison.projector).state == "ok"
    after = rows_of(liaison.engine)
    assert set(after) == set(before)


def test_a_rebuild_gives_the_rows_of_the_live_read_models_and_again_after_a_second(
    liaison: Liaison, world: dict[str, UUID]
) -> None:
    before = rows_of(liaison.engine)

    liaison.projector.rebuild()
    assert rows_of(liaison.engine) == before
    liaison.projector.rebuild()  # index names alternate on SQLite: a second must work too

    assert rows_of(liaison.engine) == before
    indexes = {
        i["name"] for i in inspect(liaison.engine).get_indexes("rm_suggestions") if i["name"]
    }
    assert {i.name.removesuffix("__next") for i in indexes_of("rm_suggestions")} == {
        name.removesuffix("__next") for name in indexes
    }


def indexes_of(table: str) -> set[object]:
    from projections.tables import metadata

    return set(metadata.tables[table].indexes)


def test_a_rebuild_stopped_half_way_goes_on_from_where_it_was(
    liaison: Liaison, world: dict[str, UUID]
) -> None:
    before = rows_of(liaison.engine)
    liaison.projector.rebuild_batch = 2
    stop = threading.Event()

    def stop_after_the_first_batch(_done: int, _count: int) -> None:
        stop.set()

    positions = [n.id for n in liaison.app.recorder.select_notifications(None, 1000)]
    liaison.projector.rebuild(progress=stop_after_the_first_batch, stop=stop)
    assert status(liaison.projector).rebuilt == positions[1]

    applied = liaison.projector.rebuild()

    assert applied == len(positions) - 2
    assert rows_of(liaison.engine) == before


# -- projection_batches ------------------------------------------------------------------


def test_batches_older_than_a_week_are_pruned_but_the_newest_is_kept(
    liaison: Liaison, world: dict[str, UUID]
) -> None:
    batches = read_models.batches
    with liaison.engine.begin() as conn:
        total = conn.execute(select(func.count()).select_from(batches)).scalar_one()
        conn.execute(update(batches).values(applied_at=datetime.now(UTC) - timedelta(days=8)))
    assert total > 2

    assert liaison.projector.prune_batches() == total - 1

    with liaison.engine.connect() as conn:
        (kept,) = conn.execute(select(batches.c.last)).scalars().all()
    assert kept == liaison.projector.position()
    letter(liaison, world, "建议四")
    assert liaison.projector.prune_batches() == 1  # the old newest, now that one is newer


# -- metrics over several worker processes -------------------------------------------------


def test_metrics_under_serve_with_workers_count_every_worker_s_requests(
    settings: Settings, liaison: Liaison, world: dict[str, UUID], tmp_path: Path
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIAISON_", "PROMETHEUS"))}
    env.update(
        LIAISON_DATABASE_URL=settings.database_url,
        LIAISON_SECRET_KEY=settings.secret_key,
        PYTHONPATH=str(ROOT),
    )
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "serve.log").open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "liaison.cli", "serve", "--workers", "2", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=out,
        )
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"{base}/healthz"):
            assert server.poll() is None and time.monotonic() < deadline, (
                tmp_path / "serve.log"
            ).read_text()
            time.sleep(0.1)
        for _ in range(40):  # a new connection each: the workers share them out
            assert httpx2.get(f"{base}/healthz", timeout=5).status_code == 200

        for _ in range(4):  # whichever worker answers the scrape counts them all
            text = httpx2.get(f"{base}/metrics", timeout=5).text
            families = {f.name: f for f in text_string_to_metric_families(text)}
            healthz = sum(
                s.value
                for s in families["liaison_http_requests"].samples
                if s.name.endswith("_total") and s.labels.get("route") == "/healthz"
            )
            assert healthz >= 40
            (events,) = families["liaison_events"].samples
            assert events.value == liaison.app.recorder.max_notification_id()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        return httpx2.get(url, timeout=1).status_code == 200
    except httpx2.HTTPError:
        return False
