"""What each group of comments spends on the store beyond its own statements: the
``ON CONFLICT DO NOTHING`` inserts are compiled once, not on every run, and on PostgreSQL a
pooled connection is pinged only when it lay idle, not at every checkout."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select

from liaison import database
from liaison.bootstrap import Liaison
from liaison.database import insert_or_ignore, receipt_codes
from tests.conftest import STORE


def test_insert_or_ignore_is_compiled_once_and_ignores_a_taken_key(liaison: Liaison) -> None:
    compiled: list[Any] = []

    @event.listens_for(liaison.engine, "before_cursor_execute")
    def _seen(_conn: Any, _cursor: Any, sql: str, _params: Any, context: Any, _many: Any) -> None:
        if sql.startswith("INSERT INTO receipt_codes"):
            compiled.append(context.compiled)

    rows = {"code": "LX-AAAAA-AAAAA", "suggestion_id": "a" * 32}
    with liaison.engine.begin() as conn:
        conn.execute(insert_or_ignore(receipt_codes), rows)
        conn.execute(insert_or_ignore(receipt_codes), rows)  # a statement built anew
        # the taken key was ignored, and the transaction lives on
        assert conn.execute(select(receipt_codes.c.code)).scalars().all() == ["LX-AAAAA-AAAAA"]

    # the second run found the first's compiled form in the cache
    assert len(compiled) == 2 and compiled[0] is compiled[1]


@pytest.mark.skipif(STORE != "postgres", reason="PostgreSQL's pool pings")
def test_a_connection_in_constant_use_is_not_pinged_and_an_idle_one_is(
    liaison: Liaison, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[Any] = []
    dialect = liaison.engine.dialect
    real_ping = dialect.do_ping

    def ping(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", ping)
    liaison.engine.dispose()  # a fresh pool: its first checkout connects, then pings

    # when a connection is used again and again at once
    for _ in range(5):
        with liaison.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    # then only its first checkout pinged it
    assert len(pings) == 1

    # when it lay idle longer than PING_AFTER_IDLE
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)
    with liaison.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    # then it is pinged before use
    assert len(pings) == 2
