"""Set-based statements over a batch's keys, cheap enough to run after every batch.

The keys go in as ``WITH k(…) AS (VALUES …)`` joined to the table, which both stores look
up by index (SQLite scans the whole table for a row-value ``IN`` list). The statement is
plain SQL that SQLite and PostgreSQL read alike: built by SQLAlchemy, a ``VALUES`` of a
thousand keys took ~100 ms to compile per batch, longer than running it.

A batch's new rows go in the same way (``insert_rows``): on PostgreSQL as one statement over
arrays, on SQLite as one ``executemany`` of plain SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import cache
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Connection, CursorResult, Date, Table
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
    """Run ``WITH k(names) AS (…rows…) statement``; ``statement`` names the keys ``k``.
    SQLite: a ``VALUES`` list, dates bound as the text SQLAlchemy stores. PostgreSQL: one
    binary array per name (``unnest``), typed after its values, so that the text stays short
    and psycopg parses it once, not again for every list of a thousand bound values."""
    if conn.dialect.name == "postgresql":
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        casts = ", ".join(f"%b::{_array_type(column)}[]" for column in columns)
        sql = f"WITH k({', '.join(names)}) AS (SELECT * FROM unnest({casts})) {statement}"
        return conn.exec_driver_sql(sql, tuple(list(column) for column in columns))
    row = f"({', '.join('?' * len(names))})"
    params = tuple(
        value.isoformat() if isinstance(value, date) else value for keys in rows for value in keys
    )
    sql = f"WITH k({', '.join(names)}) AS (VALUES {', '.join([row] * len(rows))}) {statement}"
    return conn.exec_driver_sql(sql, params)


_ARRAY_TYPES = ((bool, "boolean"), (int, "bigint"), (date, "date"), (bytes, "bytea"))


def _array_type(values: Sequence[Any]) -> str:
    """The PostgreSQL type of a column of keys, after its first value that is not None."""
    first = next((value for value in values if value is not None), "")
    return next((name for kind, name in _ARRAY_TYPES if isinstance(first, kind)), "text")


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


def insert_rows(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], conflict: str = ""
) -> None:
    """``INSERT INTO table … conflict`` of these rows, each with the columns of the first,
    written as the store takes many rows best (``insert_values``)."""
    if not rows:
        return
    given = tuple(rows[0])
    pick = itemgetter(*given)  # a tuple for two names or more, else the one value
    if len(given) == 1:
        insert_values(conn, table, given, [(pick(row),) for row in rows], conflict)
    else:
        insert_values(conn, table, given, [pick(row) for row in rows], conflict)


def insert_values(
    conn: Connection,
    table: Table,
    given: tuple[str, ...],
    rows: Sequence[tuple[Any, ...]],
    conflict: str = "",
) -> None:
    """``INSERT INTO table (given) … conflict`` of these rows of values. PostgreSQL: one
    statement whose columns are arrays (``SELECT * FROM unnest(…)``), since psycopg's
    ``executemany`` sends, and the server runs, a statement per row. SQLite: one
    ``executemany`` of plain SQL, run by the driver in C. Dates are bound as the text
    SQLAlchemy stores on SQLite; columns left out take their Python-side default, as
    SQLAlchemy gives them."""
    if not rows:
        return
    sql, defaults, dated = _inserting(table, given, conflict, conn.dialect.name)
    if conn.dialect.name == "postgresql":
        columns = [list(column) for column in zip(*rows, strict=True)]
        columns += [[value] * len(rows) for value in defaults]
        conn.exec_driver_sql(sql, tuple(columns))
        return
    params: Sequence[tuple[Any, ...]] = [row + defaults for row in rows] if defaults else rows
    if dated:
        params = [_iso_dates(row, dated) for row in params]
    conn.exec_driver_sql(sql, params)


def _iso_dates(row: tuple[Any, ...], dated: tuple[int, ...]) -> tuple[Any, ...]:
    listed = list(row)
    for i in dated:
        if type(listed[i]) is date:
            listed[i] = listed[i].isoformat()
    return tuple(listed)


@cache
def _inserting(
    table: Table, given: tuple[str, ...], conflict: str, dialect_name: str
) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
    """The statement of ``insert_rows``, the defaults of the columns it adds, and which
    columns hold dates."""
    defaulted = [
        c for c in table.c if c.name not in given and c.default is not None and c.default.is_scalar
    ]
    names = [*given, *(c.name for c in defaulted)]
    defaults = tuple(c.default.arg for c in defaulted)  # type: ignore[union-attr]
    dated = tuple(i for i, n in enumerate(names) if isinstance(table.c[n].type, Date))
    into = f"INSERT INTO {table.name} ({', '.join(names)})"
    if dialect_name == "postgresql":
        dialect = postgresql.dialect()
        # bound in binary (``%b``): psycopg dumps a text array element by element, with a
        # look for characters to quote in each: eight times slower for a batch's rows
        casts = ", ".join(f"%b::{table.c[n].type.compile(dialect=dialect)}[]" for n in names)
        return f"{into} SELECT * FROM unnest({casts}) {conflict}".rstrip(), defaults, dated
    marks = ", ".join("?" * len(names))
    return f"{into} VALUES ({marks}) {conflict}".rstrip(), defaults, dated
