"""An acknowledged write survives a power cut: every SQLite connection that writes runs in WAL
mode with ``synchronous=FULL``, so a commit returns only once the log is on disk.

Liaison's own (SQLAlchemy) connections set both pragmas. The event store's connections are
the library's: it sets WAL but never ``synchronous``, so they run with SQLite's compiled-in
default, which is FULL in the SQLite that Python and Debian ship (SQLITE_DEFAULT_SYNCHRONOUS=2,
SQLITE_DEFAULT_WAL_SYNCHRONOUS=2). A build compiled otherwise (NORMAL in WAL mode loses the
last commits on power loss, though never on a crash) fails this test rather than silently
weakening the log.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from liaison.bootstrap import Liaison
from tests.reliability.support import sqlite_only

pytestmark = [pytest.mark.faults, sqlite_only]

FULL = 2


def _pragmas(execute: Any) -> tuple[str, int]:
    return str(execute("PRAGMA journal_mode")).lower(), int(execute("PRAGMA synchronous"))


def test_liaison_connections_are_wal_and_synchronous_full(liaison: Liaison) -> None:
    with liaison.engine.connect() as conn:
        pragmas = _pragmas(lambda sql: conn.exec_driver_sql(sql).scalar())

    assert pragmas == ("wal", FULL)


def test_event_store_connections_are_wal_and_synchronous_full(
    liaison: Liaison, figures: Any
) -> None:
    with liaison.app.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]

        def scalar(sql: str) -> Any:
            cursor.execute(sql)
            return cursor.fetchone()[0]

        pragmas = _pragmas(scalar)
    compiled = [
        row[0]
        for row in sqlite3.connect(":memory:").execute("PRAGMA compile_options")
        if "SYNCHRONOUS" in row[0]
    ]

    figures(
        "durability",
        sqlite=sqlite3.sqlite_version,
        compiled=compiled,
        event_store=pragmas,
    )
    assert pragmas == ("wal", FULL), (
        "the event store's connections are not synchronous=FULL: acknowledged events could be "
        "lost on power failure; set the pragma on the library's connections (liaison/database.py)"
    )
