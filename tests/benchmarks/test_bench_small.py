"""A small run of the benchmark: it works end to end and its figures agree (no timings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench import run

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
