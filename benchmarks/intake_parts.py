"""Where a public comment's CPU goes, part by part, under the bench's HTTP load.

``python -m benchmarks.intake_parts --store sqlite`` (or ``postgres``) serves, one after the
other and each under the same ``wrk`` load as ``make bench``:

- ``bare``: the bare FastAPI endpoint (benchmarks/bare.py), the bench's ceiling;
- ``site``: Liaison's whole site and middlewares, the comment route with its checks, its
  Idempotency-Key and its answer, but the writer answers at once and writes nothing;
- ``whole``: Liaison as served, the writer admitting, saving and projecting each group.

with one web worker that catches the read models up itself (no projector process), on a
store holding ``--size`` suggestions first (2,000; 100000 as ``make bench``: the whole's
catch-up writes into indexes of that size). It prints, per comment, the CPU milliseconds of
the serving processes (and of PostgreSQL's, on that store), read from ``/proc`` over the
load only, so start-up is not counted. CPU per comment moves far less with other work on
the machine than comments per second do. For ``whole`` it also prints the writer's share
(its thread's CPU, per group and per comment) and the groups' mean size.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from benchmarks import bench
from benchmarks.dataset import BENCH, TEXT
from benchmarks.stores import STORES
from liaison.bootstrap import bootstrap
from liaison.settings import Settings

PARTS = ("bare", "site", "whole")
WRITER_LOG = "writer.json"


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its children that are alive (the workers)."""
    tick = os.sysconf("SC_CLK_TCK")

    def one(process: int) -> float:
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return one(pid) + sum(one(int(child)) for child in children)


def postgres_cpu_seconds(url: str) -> float:
    """The CPU of the PostgreSQL server at ``url`` (its postmaster and its children); 0 for
    SQLite."""
    port = make_url(url).port
    if port is None:
        return 0.0
    found = subprocess.run(
        ["ps", "-C", "postgres", "-o", "pid=,args="], capture_output=True, text=True
    ).stdout
    for line in found.splitlines():
        pid, command = line.split(maxsplit=1)
        if f"-p {port} " in f"{command} ":
            with contextlib.suppress(OSError):
                return cpu_seconds(int(pid))
    return 0.0


def serve(part: str, port: int, log: Path) -> None:
    """The ``site`` or ``whole`` server, in this process (``--serve``)."""
    import uvicorn

    from web.app import create_app

    app = create_app(Settings(), serving=True)  # as `liaison serve` builds it
    admission = app.state.liaison.app
    if part == "site":

        async def answered_at_once(opinion: Any, visit: Any) -> Any:
            from liaison.rights import PUBLIC

            admission._once(PUBLIC, opinion, visit)  # the checks a comment gets
            answer = {"receipt": "ABCD2345", "status": "received", "article": opinion.article}
            return 201, answer | {"draft_id": str(opinion.draft_id), "received_on": "2026-12-01"}

        admission.comment_async = answered_at_once
    else:
        _time_the_writer(admission.writer, log)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def _time_the_writer(writer: Any, log: Path) -> None:
    """Count the writer's groups, their sizes and its thread's CPU, into ``log`` now and then."""
    seen = {"groups": 0, "entries": 0, "work_s": 0.0, "catch_up_s": 0.0}
    work, project = writer._work, writer._project_now

    def timed_work(group: list[Any]) -> bool:
        started = time.thread_time()
        try:
            return bool(work(group))
        finally:
            seen["work_s"] += time.thread_time() - started
            seen["groups"] += 1
            seen["entries"] += len(group)

    def timed_project() -> None:
        started = time.thread_time()
        try:
            project()
        finally:
            seen["catch_up_s"] += time.thread_time() - started

    writer._work, writer._project_now = timed_work, timed_project

    def keep_writing() -> None:
        while True:
            log.write_text(json.dumps(seen))
            time.sleep(0.5)

    threading.Thread(target=keep_writing, daemon=True).start()


def measure(part: str, url: str, draft: str, cp: str, seconds: int, folder: Path) -> dict[str, Any]:
    port = bench.free_port()
    log = folder / WRITER_LOG
    if part == "bare":
        server = bench.start_bare_server(port)
    else:
        env = dict(os.environ, LIAISON_DATABASE_URL=url, LIAISON_COMMENTS_PER_MINUTE="100000000")
        command = [sys.executable, "-m", "benchmarks.intake_parts", "--serve", part]
        server = bench.serving([*command, "--log", str(log)], port, env)
    try:
        time.sleep(1)  # start-up's tail (the first catch-up) out of the way
        before = json.loads(log.read_text()) if part == "whole" else {}
        cpu, database = cpu_seconds(server.pid), postgres_cpu_seconds(url)
        load = bench.wrk(f"http://127.0.0.1:{port}", draft, cp, seconds, 32)
        cpu = cpu_seconds(server.pid) - cpu
        database = postgres_cpu_seconds(url) - database
        after = json.loads(log.read_text()) if part == "whole" else {}
    finally:
        bench.stop(server)
    comments = max(1, load["requests"])
    found = {
        "part": part,
        "comments_per_s": load["per_s"],
        "errors": load["errors"],
        "server_cpu_ms": round(cpu * 1000 / comments, 3),
        "postgres_cpu_ms": round(database * 1000 / comments, 3),
    }
    if after:
        groups = max(1, after["groups"] - before["groups"])
        entries = max(1, after["entries"] - before["entries"])
        found |= {
            "group_mean": round(entries / groups, 1),
            "writer_work_ms": round((after["work_s"] - before["work_s"]) * 1000 / entries, 3),
            "writer_catch_up_ms": round(
                (after["catch_up_s"] - before["catch_up_s"]) * 1000 / entries, 3
            ),
        }
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", choices=sorted(STORES), default="sqlite")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="each part this many times")
    parser.add_argument(
        "--size",
        type=int,
        default=2000,
        help="suggestions in the store first (100000: as make bench)",
    )
    parser.add_argument("--serve", choices=PARTS[1:], help=argparse.SUPPRESS)
    parser.add_argument("--host", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port, args.log)
        return 0
    with tempfile.TemporaryDirectory() as tmp, STORES[args.store](Path(tmp)) as store:
        data, _, _ = bench.dataset(args.size, store, keep=False)
        liaison = bootstrap(Settings(database_url=store.url))
        today = liaison.app.clock.today()
        draft = liaison.app.receive_draft(
            "征求意见中的草案", "national", "法工委", today, today + timedelta(days=30), TEXT, BENCH
        )
        liaison.app.open_draft(draft.id, BENCH)
        liaison.close()
        cp = str(data.contact_points[0])
        print(f"{'part':6} {'/s':>7} {'server ms':>10} {'postgres ms':>12}  writer")
        for _round in range(args.rounds):
            for part in PARTS:
                found = measure(part, store.url, str(draft.id), cp, args.seconds, Path(tmp))
                writer = (
                    f"groups of {found['group_mean']}, work {found['writer_work_ms']} ms,"
                    f" catch-up {found['writer_catch_up_ms']} ms"
                    if "group_mean" in found
                    else ""
                )
                print(
                    f"{part:6} {found['comments_per_s']:7.0f} {found['server_cpu_ms']:10.3f}"
                    f" {found['postgres_cpu_ms']:12.3f}  {writer}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
