"""Where a full rebuild's time goes, phase by phase, on the bench's dataset.

``python -m benchmarks.rebuild_phases --size 4M --store sqlite`` rebuilds the read models of
the generated dataset (kept in benchmarks/datasets/ from 1M up, as ``make bench`` keeps it)
and prints, as it goes, the seconds and the gigabytes this process has written: every
``--every`` events replayed, each index built last, the count, the swap. ``--stop-at N``
ends the replay after N events (a same-run comparison of batch sizes need not build the
indexes); ``--catch-up`` first brings the live read models up to date, as ``make bench``
does, so that the swap drops full tables (without it the swap, not the live projector,
links the whole log into the hash chain: its time is not the bench's). Settings come from
the environment as for ``liaison``: ``LIAISON_PROJECTION_REBUILD_BATCH``,
``LIAISON_PROJECTION_CACHE_MB``.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench import dataset, parse_size
from benchmarks.stores import STORES
from liaison import heap
from liaison.bootstrap import bootstrap
from liaison.settings import Settings
from projections import beside


def written_gb() -> float:
    """What this process has written to storage so far (Linux's /proc)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("write_bytes"):
            return int(line.split()[1]) / 1e9
    return 0.0


class Clock:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    def stamp(self, label: str) -> None:
        print(f"{time.perf_counter() - self.started:8.1f} s {written_gb():7.2f} GB  {label}")

    def timed(self, label: Callable[..., str], work: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            result = work(*args, **kwargs)
            self.stamp(f"{label(*args)} {time.perf_counter() - began:.1f} s")
            return result

        return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="100k")
    parser.add_argument("--store", choices=sorted(STORES), default="sqlite")
    parser.add_argument("--every", type=int, default=200_000, help="events between lines")
    parser.add_argument("--stop-at", type=int, default=0, help="end the replay after N events")
    parser.add_argument("--catch-up", action="store_true", help="fill the live read models first")
    args = parser.parse_args(argv)
    clock = Clock()
    # the phases, timed where the rebuild calls them (projections.projector uses ``beside.…``)
    beside._create_index = clock.timed(
        lambda _c, index, _t: f"  index {index.name}", beside._create_index
    )
    for phase in ("build_last_indexes", "count", "swap"):
        setattr(beside, phase, clock.timed(lambda *_, p=phase: p, getattr(beside, phase)))
    with (
        tempfile.TemporaryDirectory(prefix="liaison-phases-") as folder,
        STORES[args.store](Path(folder)) as store,
    ):
        _, _, how = dataset(parse_size(args.size), store)
        clock.stamp(f"dataset {how}")
        liaison = bootstrap(Settings(database_url=store.url), project_on_save=False)
        heap.settle()  # as `liaison projections rebuild` does
        if args.catch_up:
            clock.timed(lambda: "catch-up", liaison.projector.catch_up)()
        halt = threading.Event()
        shown = [0]

        def progress(done: int, _batch: int) -> None:
            if args.stop_at and done >= args.stop_at:
                halt.set()
            if done - shown[0] >= args.every:
                shown[0] = done
                clock.stamp(f"replayed {done}")

        began = time.perf_counter()
        applied = liaison.projector.rebuild(progress, halt)
        seconds = time.perf_counter() - began
        clock.stamp(f"rebuild: {applied} events in {seconds:.1f} s, {applied / seconds:,.0f}/s")
        liaison.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
