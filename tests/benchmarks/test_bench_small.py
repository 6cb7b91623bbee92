"""A small run of the benchmark: it works end to end and its figures agree (no timings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import bench
from benchmarks.bench import run
from liaison.settings import Settings

pytestmark = pytest.mark.slow


def test_a_small_benchmark_run_is_consistent(tmp_path: Path) -> None:
    results = run(size=800, folder=tmp_path, http_seconds=2, sample=50)

    assert results["http_errors"] == 0
    assert results["http_acknowledged"] > 0
    # every 201 is durable; requests still in flight when the load stops may be recorded too
    assert (
        results["http_acknowledged"]
        <= results["http_recorded"]
        <= results["http_acknowledged"] + 32
    )
    assert results["suggestions"] == 800 + 50 + results["http_recorded"]
    assert results["events"] > 800
    for name in ("stats", "ranking", "trace", "receipt"):
        assert results["query_p95_ms"][name] > 0
    assert results["server_rss_mb"] > 0
    for rate in (
        "intake_app_per_s",
        "intake_bare_save_per_s",
        "intake_raw_sqlite_per_s",
        "projection_events_per_s",
        "raw_scan_decode_per_s",
    ):
        assert results[rate] > 0


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
