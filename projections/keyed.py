"""Set-based statements over a batch's keys, cheap enough to run after every batch.

The keys go in as ``WITH k(…) AS (VALUES …)`` joined to the table, which both stores look
up by index (SQLite scans the whole table for a row-value ``IN`` list). The statement is
plain SQL that SQLite and PostgreSQL read alike: built by SQLAlchemy, a ``VALUES`` of a
thousand keys took ~100 ms to compile per batch, longer than running it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection, CursorResult, Table
from sqlalchemy.dialects import postgresql, sqlite

T = TypeVar("T")
CHUNK = 500
"""Keys per statement: well under either store's limit on bound parameters."""


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def with_keys(
    conn: Connection, names: Sequence[str], rows: Sequence[Sequence[Any]], statement: str
) -> CursorResult[Any]:
    """Run ``WITH k(names) AS (VALUES rows) statement``; ``statement`` names the keys ``k``.
    Dates are bound as the text SQLAlchemy stores on SQLite, as dates on PostgreSQL."""
    on_sqlite = conn.dialect.name == "sqlite"
    mark = "?" if on_sqlite else "%s"
    row = f"({', '.join([mark] * len(names))})"
    params = tuple(
        value.isoformat() if on_sqlite and isinstance(value, date) else value
        for keys in rows
        for value in keys
    )
    sql = f"WITH k({', '.join(names)}) AS (VALUES {', '.join([row] * len(rows))}) {statement}"
    return conn.exec_driver_sql(sql, params)


def upsert(conn: Connection, table: Table, key: Sequence[str]) -> Any:
    """``INSERT … ON CONFLICT (key) DO UPDATE`` of every other column."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(key),
        set_={c.name: statement.excluded[c.name] for c in table.c if c.name not in key},
    )


def upsert_sql(table: Table, key: Sequence[str], columns: Sequence[str]) -> str:
    """The ``ON CONFLICT`` tail of a plain-SQL ``INSERT … SELECT`` into ``table``."""
    updated = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updated}"
