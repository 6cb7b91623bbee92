"""The two stores the bench measures, each with its raw baselines measured on the same disk.

SQLite: a file in the run's folder; baselines are the library's bare ``Application.save`` of a
one-event aggregate and raw ``sqlite3`` single-row transactions (WAL, ``synchronous=FULL``).

PostgreSQL: a server of its own on loopback, started for the run as the suite starts one
(tests/postgres_server.py) but durable (fsync and synchronous commit on, as in production);
baselines are the library's bare ``Application.save`` on the PostgreSQL recorder and raw
``psycopg`` single-row transactions of an event-sized row.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

BODY = b"x" * 300
"""About the size of a public comment's event as stored."""


DUMP = "bench.pgdump"


class Ping(Aggregate):
    """The smallest aggregate: one event."""


def per_second(count: int, action: Callable[[int], None]) -> float:
    started = time.perf_counter()
    for i in range(count):
        action(i)
    return count / (time.perf_counter() - started)


def bare_save_rate(env: dict[str, str], count: int) -> float:
    app = Application(env=env)
    rate = per_second(count, lambda _i: app.save(Ping()))
    app.close()
    return rate


@dataclass
class Store:
    name: str
    url: str
    library_env: dict[str, str]
    """The eventsourcing library's own settings for the same store (the bare-save baseline)."""
    raw_insert: Callable[[int], float]
    """Raw single-row transactions per second, for ``count`` rows."""
    folder: Path
    keep_copy: Callable[[Path], None]
    """Copy the store as it is into a folder (a generated dataset, kept for later runs)."""
    restore_copy: Callable[[Path], None]
    """Make the store what ``keep_copy`` copied into that folder."""

    def bare_save_rate(self, count: int) -> float:
        return bare_save_rate(self.library_env, count)


def _raw_sqlite_rate(path: Path) -> Callable[[int], float]:
    def rate(count: int) -> float:
        db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL"):
            db.execute(f"PRAGMA {pragma}")
        db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, body BLOB)")

        def insert(_i: int) -> None:
            db.execute("BEGIN")
            db.execute("INSERT INTO t VALUES (?, ?)", (uuid4().hex, BODY))
            db.execute("COMMIT")

        measured = per_second(count, insert)
        db.close()
        return measured

    return rate


def _raw_postgres_rate(port: int, database: str) -> Callable[[int], float]:
    def rate(count: int) -> float:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname=database, autocommit=True
        ) as db:
            db.execute("CREATE TABLE raw_rows (id uuid PRIMARY KEY, body bytea)")
            return per_second(
                count,
                lambda _i: db.execute("INSERT INTO raw_rows VALUES (%s, %s)", (uuid4(), BODY)),
            )

    return rate


@contextlib.contextmanager
def sqlite_store(folder: Path) -> Iterator[Store]:
    path = folder / "bench.sqlite3"  # closed by its last connection: the log folded back in
    yield Store(
        "sqlite",
        f"sqlite:///{path}",
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(folder / "bare.db")},
        _raw_sqlite_rate(folder / "raw.sqlite3"),
        folder,
        lambda into: shutil.copyfile(path, into / path.name),
        lambda kept: shutil.copyfile(kept / path.name, path),
    )


@contextlib.contextmanager
def postgres_store(folder: Path) -> Iterator[Store]:
    from tests.postgres_server import USER, running_server

    with running_server(durable=True) as server:
        name = server.create_database("liaison_bench", template="liaison_template")
        bare = server.create_database("bare_bench")
        tool = ["--host=127.0.0.1", f"--port={server.port}", f"--username={USER}"]

        def keep_copy(into: Path) -> None:  # pg_dump's own format: tables, data, sequences
            with open(into / DUMP, "wb") as dump:
                subprocess.run(
                    [str(server.bin / "pg_dump"), *tool, "--format=custom", name],
                    stdout=dump,
                    check=True,
                )

        def restore_copy(kept: Path) -> None:  # into an empty database: indexes built last
            server.drop_database(name)
            server.create_database(name)
            subprocess.run(
                [str(server.bin / "pg_restore"), *tool, "--jobs=2", f"--dbname={name}"]
                + [str(kept / DUMP)],
                check=True,
            )

        yield Store(
            "postgres",
            server.url(name),
            {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": bare,
                "POSTGRES_HOST": "127.0.0.1",
                "POSTGRES_PORT": str(server.port),
                "POSTGRES_USER": USER,
                "POSTGRES_PASSWORD": "",
                "CREATE_TABLE": "y",
            },
            _raw_postgres_rate(server.port, bare),
            folder,
            keep_copy,
            restore_copy,
        )


STORES = {"sqlite": sqlite_store, "postgres": postgres_store}
