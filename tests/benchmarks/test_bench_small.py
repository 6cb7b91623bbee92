"""A small run of the benchmark: it works end to end and its figures agree (no timings)."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from benchmarks import bench
from benchmarks.bench import run
from liaison.settings import Settings

pytestmark = pytest.mark.slow


KEYS = {
    "size",
    "generate_seconds",
    "dataset",
    "catch_up_seconds",
    "catch_up_events",
    "catch_up_events_per_s",
    "intake_app_per_s",
    "intake_bare_save_per_s",
    "intake_raw_sqlite_per_s",
    "raw_scan_decode_per_s",
    "rebuild_seconds",
    "projection_events_per_s",
    "events",
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
    "HTTP intake p99, ms",
    "HTTP errors",
    "projection, events/s",
    "projection / raw scan+decode",
    "full rebuild, s",
    "server peak RSS, MB",
    *(f"{name} p95, ms" for name in ("stats", "ranking", "trace", "receipt")),
]
RECEIVED = "domain.suggestion:Suggestion.Received"


def _count(store: Path, where: str = "1", *params: object) -> int:
    """Counted in the store's own table with sqlite3, apart from the bench's code."""
    db = sqlite3.connect(store)
    try:
        return int(
            db.execute(f"SELECT count(*) FROM stored_events WHERE {where}", params).fetchone()[0]
        )
    finally:
        db.close()


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """One small run of the whole benchmark: its results, and the store it leaves."""
    folder = tmp_path_factory.mktemp("bench")
    return run(size=800, folder=folder, http_seconds=2, sample=50), folder / "bench.sqlite3"


def test_a_small_run_reports_every_documented_figure_as_a_finite_number(
    small_run: tuple[dict[str, Any], Path],
) -> None:
    results, _store = small_run

    assert set(results) == KEYS
    assert set(results["query_p95_ms"]) == set(results["query_p50_ms"]) == QUERIES
    figures = [v for k, v in results.items() if k != "dataset" and not isinstance(v, dict)]
    figures += [*results["query_p95_ms"].values(), *results["query_p50_ms"].values()]
    assert all(isinstance(v, int | float) and math.isfinite(v) and v >= 0 for v in figures)
    assert results["dataset"] == "generated"
    # percentiles read from wrk's and the client's samples are ordered
    assert 0 < results["http_p50_ms"] <= results["http_p99_ms"]
    for name in QUERIES:
        assert 0 < results["query_p50_ms"][name] <= results["query_p95_ms"][name]
    assert 20 < results["server_rss_mb"] < 2000  # a Python web server, read from /proc


def test_a_small_run_s_counts_agree_with_the_store_counted_apart(
    small_run: tuple[dict[str, Any], Path],
) -> None:
    results, store = small_run
    generated = results["catch_up_events"]

    # the generator's events, then a draft open now (received, opened: the dataset's are past
    # their deadlines), one per comment through the application, then HTTP's
    assert _count(store, "rowid <= ?", generated) == generated
    assert _count(store, "rowid <= ? AND topic = ?", generated, RECEIVED) == 800
    assert results["events"] == generated + 2 + 50
    assert _count(store) == results["events"] + results["http_recorded"]
    assert _count(store, "topic = ?", RECEIVED) == results["suggestions"]
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
    small_run: tuple[dict[str, Any], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    results, _store = small_run
    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    monkeypatch.setattr(bench, "run", lambda *_args, **_kw: dict(results))

    assert bench.main(["--size", "800", "--out", str(tmp_path / "latest.json")]) == 0

    saved = json.loads((tmp_path / "latest.json").read_text())
    assert saved == json.loads((tmp_path / "800.json").read_text())
    assert set(saved) == KEYS | {"measured_on", "targets", "campaign"}
    assert [t["target"] for t in saved["targets"]] == TARGETS
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


def test_a_big_dataset_is_generated_once_then_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "DATASETS", tmp_path / "datasets")
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()

    made, seconds, how = bench.dataset(
        300, first, Settings(database_url=f"sqlite:///{first / 'bench.sqlite3'}"), keep=True
    )
    again, seconds_again, how_again = bench.dataset(
        300, second, Settings(database_url=f"sqlite:///{second / 'bench.sqlite3'}"), keep=True
    )

    assert how == "generated" and how_again.startswith("reused")
    assert again == made and seconds_again == seconds
    assert (second / "bench.sqlite3").read_bytes() == (first / "bench.sqlite3").read_bytes()
