"""What one public comment costs the store, counted rather than timed (load does not change it).

``python -m benchmarks.counts --store postgres`` (or ``sqlite``) admits public comments as the
API does (``app.comment`` with an Idempotency-Key), first one at a time, then from 32 threads
at once (each thread its own address, so a group meets many rate-limit buckets), and prints per
comment: the statements and commits through SQLAlchemy (and which of them defer their flush),
the event store's transactions, and on PostgreSQL the round trips (psycopg waits), the WAL's
fsyncs and records (``pg_stat_wal``), the statements by kind (``pg_stat_statements``) and the
lock waits the server logged (``log_lock_waits``, ``deadlock_timeout`` 5 ms).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
from sqlalchemy import event

from benchmarks.dataset import BENCH, TEXT
from liaison.bootstrap import Liaison, bootstrap
from liaison.commands.admission import Opinion, Visit
from liaison.settings import Settings
from web.api.public import _comment_out

Counts = dict[str, float]
counted: collections.Counter[str] = collections.Counter()


def _count_round_trips() -> None:
    """Every wait of a psycopg connection for the server is a round trip."""
    wait = psycopg.Connection.wait

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        counted["round trips (psycopg waits)"] += 1
        return wait(self, *args, **kwargs)

    psycopg.Connection.wait = counting  # type: ignore[method-assign]


def _count_statements(liaison: Liaison) -> None:
    @event.listens_for(liaison.engine, "before_cursor_execute")
    def _statement(*_args: Any) -> None:
        counted["SQLAlchemy statements"] += 1

    @event.listens_for(liaison.engine, "commit")
    def _commit(conn: Any) -> None:
        deferred = conn.get_execution_options().get("deferred_durability", False)
        counted[f"SQLAlchemy commits, {'deferred' if deferred else 'durable'}"] += 1

    datastore = liaison.app.recorder.datastore  # type: ignore[attr-defined]
    transaction = datastore.transaction

    @contextlib.contextmanager
    def counting(*args: Any, commit: bool = False, **kwargs: Any) -> Iterator[Any]:
        counted[f"event store transactions, {'write' if commit else 'read'}"] += 1
        with transaction(*args, commit=commit, **kwargs) as cursor:
            yield cursor

    if liaison.settings.is_sqlite:  # on PostgreSQL it saves on a bare connection: round trips
        datastore.transaction = counting


def _place(liaison: Liaison) -> tuple[UUID, UUID]:
    app = liaison.app
    today = app.clock.today()
    cp = app.designate_contact_point("联系点", "区", BENCH).id
    draft = app.receive_draft(
        "草案", "national", "法工委", today, today + timedelta(days=30), TEXT, BENCH
    )
    app.open_draft(draft.id, BENCH)
    return cp, draft.id


def measure(liaison: Liaison, server_counts: Callable[[], Counts], per_thread: int) -> None:
    cp, draft = _place(liaison)

    def comment(i: int, address: str) -> None:
        visit = Visit(address, uuid4().hex, "print", _comment_out, 100_000_000)
        liaison.app.comment(Opinion(cp, draft, f"意见{i}", article=1), visit)

    for i in range(3):  # caches warm
        comment(i, "10.0.0.1")
    _count_statements(liaison)

    def alone() -> None:
        for i in range(40):
            comment(i, "10.0.0.1")

    def together() -> None:
        def one_client(t: int) -> None:
            for i in range(per_thread):
                comment(i, f"10.0.{t}.1")

        threads = [threading.Thread(target=one_client, args=(t,)) for t in range(32)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    for name, run, comments in (
        ("one at a time", alone, 40),
        ("32 threads at once", together, 32 * per_thread),
    ):
        counted.clear()
        before = server_counts()
        started = time.perf_counter()
        run()
        seconds = time.perf_counter() - started
        after = server_counts()
        print(f"== {name}: {comments} comments ({comments / seconds:.0f}/s, timing not the point)")
        rows = dict(counted) | {k: v - before.get(k, 0) for k, v in after.items()}
        for key, value in sorted(rows.items()):
            if value:
                print(f"   {value / comments:8.2f} per comment  {key}")


def on_postgres(per_thread: int, leave: bool) -> None:
    from tests.postgres_server import running_server

    _count_round_trips()
    with running_server(durable=True) as server:
        with server.admin() as admin:
            admin.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
            admin.execute("ALTER SYSTEM SET log_lock_waits = on")
            admin.execute("ALTER SYSTEM SET deadlock_timeout = '5ms'")
        log = str(server.root / "server.log")
        server._run("pg_ctl", "-D", str(server.data), "-l", log, "-w", "restart")
        name = server.create_database("counts", template="liaison_template")
        monitor = psycopg.connect(
            host="127.0.0.1", port=server.port, user="postgres", dbname=name, autocommit=True
        )
        monitor.execute("CREATE EXTENSION pg_stat_statements")

        def server_counts() -> Counts:
            found: Counts = {}
            row = monitor.execute("SELECT wal_records, wal_sync FROM pg_stat_wal").fetchone()
            assert row is not None
            found["WAL records"], found["WAL fsyncs (commits that waited for the disk)"] = row
            for query, calls in monitor.execute(
                "SELECT query, calls FROM pg_stat_statements s JOIN pg_database d"
                " ON d.oid = s.dbid WHERE d.datname = %s AND query NOT LIKE '%%pg_stat%%'",
                (name,),
            ):
                key = "statement: " + " ".join(query.split())[:80]
                found[key] = found.get(key, 0) + calls
            found["lock waits over 5 ms"] = server.log(None).count("still waiting for")
            return found

        settings = Settings(database_url=server.url(name), leave_public_comments_to_projector=leave)
        liaison = bootstrap(settings)
        try:
            measure(liaison, server_counts, per_thread)
        finally:
            liaison.close()


def on_sqlite(per_thread: int, leave: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="liaison-counts-") as folder:
        url = f"sqlite:///{Path(folder) / 'counts.db'}"
        liaison = bootstrap(Settings(database_url=url, leave_public_comments_to_projector=leave))
        try:
            measure(liaison, dict, per_thread)
        finally:
            liaison.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--per-thread", type=int, default=10)
    parser.add_argument(
        "--leave-public-comments-to-projector",
        action="store_true",
        help="as the bench serves PostgreSQL: no catch-up after public comments (none runs here)",
    )
    args = parser.parse_args(argv)
    run = on_postgres if args.store == "postgres" else on_sqlite
    run(args.per_thread, args.leave_public_comments_to_projector)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
