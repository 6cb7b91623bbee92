"""A small run of the benchmark: it works end to end and its figures agree (no timings)."""

from __future__ import annotations

import contextlib
import gc
import json
import math
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from benchmarks import bench
from benchmarks.bench import run
from benchmarks.stores import STORES, Store

pytestmark = pytest.mark.slow


KEYS = {
    "store",
    "size",
    "generate_seconds",
    "dataset",
    "catch_up_seconds",
    "catch_up_events",
    "catch_up_events_per_s",
    "intake_app_per_s",
    "intake_bare_save_per_s",
    "intake_raw_per_s",
    "raw_scan_decode_per_s",
    "rebuild_seconds",
    "projection_events_per_s",
    "events",
    "http_bare_per_s",
    "http_comments_per_s",
    "http_p50_ms",
    "http_p99_ms",
    "http_errors",
    "http_acknowledged",
    "query_p95_ms",
    "query_p50_ms",
    "server_rss_mb",
    "http_recorded",
    "suggestions",
}
QUERIES = {"stats", "ranking", "trace", "receipt"}
TARGETS = [
    "HTTP intake, comments/s",
    "HTTP intake / bare FastAPI",
    "HTTP intake p99, ms",
    "HTTP errors",
    "projection, events/s",
    "projection / raw scan+decode",
    "full rebuild, s",
    "server peak RSS, MB",
    *(f"{name} p95, ms" for name in ("stats", "ranking", "trace", "receipt")),
]
RECEIVED = "domain.suggestion:Suggestion.Received"


Count = Callable[..., int]
"""``count(where, *params)``: events in the store's own table, counted apart from the bench;
``position`` in ``where`` is the event's place in the log."""


def _counter(store: Store) -> Count:
    if store.name == "sqlite":
        path, mark, position, table = (
            store.url.removeprefix("sqlite:///"),
            "?",
            "rowid",
            "stored_events",
        )
        connect: Callable[[], Any] = lambda: sqlite3.connect(path)  # noqa: E731
    else:
        # the library names the table after the application on PostgreSQL
        mark, position, table = "%s", "notification_id", "liaison_events"
        connect = lambda: psycopg.connect(store.url.replace("+psycopg", ""))  # noqa: E731

    def count(where: str = "1=1", *params: object) -> int:
        db = connect()
        try:
            where = where.replace("?", mark).replace("position", position)
            query = f"SELECT count(*) FROM {table} WHERE {where}"
            return int(db.execute(query, params).fetchone()[0])
        finally:
            db.close()

    return count


@pytest.fixture(scope="module", params=sorted(STORES))
def small_run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, Any], Count]]:
    """One small run of the whole benchmark on each store: its results, and a way to count
    the events it left, while the store is still there."""
    folder = tmp_path_factory.mktemp("bench")
    threshold = gc.get_threshold()
    with STORES[request.param](folder) as store:
        try:
            yield run(800, store, http_seconds=2, sample=50), _counter(store)
        finally:  # the run settles its process's heap (liaison/heap.py): not this one's for good
            gc.unfreeze()
            gc.set_threshold(*threshold)


def test_a_small_run_reports_every_documented_figure_as_a_finite_number(
    small_run: tuple[dict[str, Any], Count],
) -> None:
    results, _store = small_run

    assert set(results) == KEYS
    assert set(results["query_p95_ms"]) == set(results["query_p50_ms"]) == QUERIES
    assert results["store"] in STORES
    words = ("dataset", "store")
    figures = [v for k, v in results.items() if k not in words and not isinstance(v, dict)]
    figures += [*results["query_p95_ms"].values(), *results["query_p50_ms"].values()]
    assert all(isinstance(v, int | float) and math.isfinite(v) and v >= 0 for v in figures)
    assert results["dataset"] == "generated"
    # percentiles read from wrk's and the client's samples are ordered
    assert 0 < results["http_p50_ms"] <= results["http_p99_ms"]
    for name in QUERIES:
        assert 0 < results["query_p50_ms"][name] <= results["query_p95_ms"][name]
    assert 20 < results["server_rss_mb"] < 2000  # a Python web server, read from /proc


def test_a_small_run_s_counts_agree_with_the_store_counted_apart(
    small_run: tuple[dict[str, Any], Count],
) -> None:
    results, count = small_run
    generated = results["catch_up_events"]

    # the generator's events, then a draft open now (received, opened: the dataset's are past
    # their deadlines), one per comment through the application, then HTTP's
    assert count("position <= ?", generated) == generated
    assert count("position <= ? AND topic = ?", generated, RECEIVED) == 800
    assert results["events"] == generated + 2 + 50
    assert count() == results["events"] + results["http_recorded"]
    assert count("topic = ?", RECEIVED) == results["suggestions"]
    assert results["suggestions"] == 800 + 50 + results["http_recorded"]
    # every 201 is durable; requests still in flight when the load stops may be recorded too
    assert results["http_errors"] == 0
    assert 0 < results["http_acknowledged"] <= results["http_recorded"]
    assert results["http_recorded"] <= results["http_acknowledged"] + 32
    # the rates are the counts over the times measured
    assert results["projection_events_per_s"] == round(
        results["events"] / results["rebuild_seconds"], 1
    )
    assert results["catch_up_events_per_s"] == round(
        generated / max(results["catch_up_seconds"], 0.1), 1
    )


def test_the_printed_table_and_the_results_file_hold_each_target_with_its_figure(
    small_run: tuple[dict[str, Any], Count],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    results, _count = small_run
    store = results["store"]
    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    monkeypatch.setattr(bench, "run", lambda *_args, **_kw: dict(results))
    monkeypatch.setitem(bench.STORES, store, contextlib.nullcontext)  # the run is done

    out = str(tmp_path / "latest.json")
    arguments = ["--size", "800", "--store", store, "--campaign-size", "500", "--out", out]
    assert bench.main(arguments) == 0

    saved = json.loads((tmp_path / "latest.json").read_text())
    named = "800.json" if store == "sqlite" else f"800-{store}.json"
    assert saved == json.loads((tmp_path / named).read_text())
    assert set(saved) == KEYS | {"measured_on", "targets", "campaign"}
    # on PostgreSQL projection is held as a ratio to its own raw scan only
    expected = [t for t in TARGETS if store == "sqlite" or t != "projection, events/s"]
    assert [t["target"] for t in saved["targets"]] == expected
    printed = capsys.readouterr().out.splitlines()
    printed = printed[next(i for i, line in enumerate(printed) if line.startswith("target ")) :]
    for target in saved["targets"]:
        [line] = [line for line in printed if line.startswith(target["target"] + " ")]
        measured, met = line.split()[-2:]
        assert float(measured) == target["measured"]
        assert met == ("yes" if target["met"] else "NO")
    by_name = {t["target"]: t["measured"] for t in saved["targets"]}
    assert by_name["HTTP errors"] == results["http_errors"]
    assert by_name["stats p95, ms"] == results["query_p95_ms"]["stats"]
    assert by_name["server peak RSS, MB"] == results["server_rss_mb"]


@pytest.mark.parametrize("name", sorted(STORES))
def test_a_big_dataset_is_generated_once_then_reused(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "DATASETS", tmp_path / "datasets")
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()

    with STORES[name](first) as store:
        made, seconds, how = bench.dataset(300, store, keep=True)
        events_made = _counter(store)()
    with STORES[name](second) as store:
        again, seconds_again, how_again = bench.dataset(300, store, keep=True)
        events_again = _counter(store)()
        received = _counter(store)("topic = ?", RECEIVED)

    assert how == "generated" and how_again.startswith("reused")
    assert again == made and seconds_again == seconds
    assert events_again == events_made > 300
    assert received == made.suggestions
