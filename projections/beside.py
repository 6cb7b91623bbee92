"""Read models rebuilt beside the live ones, then swapped in at once.

The fresh tables are the live ones' names with ``SUFFIX`` (``rm_suggestions__next``). The
handlers know only the live tables: a connection given the execution option
``read_models_suffix`` has every read-model table name in its SQL renamed on the way to the
database (``before_cursor_execute``), which covers SQLAlchemy's statements and the plain
SQL of the pre-aggregated figures alike, on SQLite and PostgreSQL. A name is only matched
whole, so index names (``ix_rm_…``) and other identifiers are left alone.

Indexes the projector reads through (the pre-aggregated tables', the sessions') are made
with the tables; the rest, on tables the projector reads only by primary key, are made
after the replay, when building them in one pass is much cheaper than keeping them up row
by row. SQLite cannot rename an index, so a fresh index takes the live one's name when it
is free and that name with ``SUFFIX`` otherwise: rebuilds alternate between the two.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Index,
    MetaData,
    Table,
    delete,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.schema import CreateTable

from projections.tables import contact_points, metadata, participants, suggestions, tracking

SUFFIX = "__next"
OLD = "__old"
"""SQLite: the live tables a swap put aside, dropped just after it."""
NEXT_NAME = "read_models" + SUFFIX
COUNTED = NEXT_NAME + ":counted"
"""Marks (in the versions table) fresh read models whose updaters with a ``recount`` have
counted them from complete rows: from then on every batch applied to them refreshes those
too, as the live ones do."""
BUILT_LAST = {suggestions.name, participants.name, contact_points.name}
"""Tables the projector reads only by primary key: their other indexes come last."""

READ_MODELS = [t for t in metadata.sorted_tables if t is not tracking]
_NAMES = re.compile(
    r"\b("
    + "|".join(sorted((re.escape(t.name) for t in READ_MODELS), key=len, reverse=True))
    + r")\b"
)

Swapped = Callable[[Connection, int, int], None]
Recount = Callable[[Connection], None]


def _renamed(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: Any):  # type: ignore[no-untyped-def]
    options = context.execution_options if context is not None else conn.get_execution_options()
    suffix = options.get("read_models_suffix")
    if suffix:
        statement = _NAMES.sub(lambda m: m.group(1) + suffix, statement)
    return statement, parameters


def install(engine: Engine) -> None:
    """Let connections of this engine write to the fresh tables (``read_models_suffix``)."""
    if not event.contains(engine, "before_cursor_execute", _renamed):
        event.listen(engine, "before_cursor_execute", _renamed, retval=True)


def fresh_tables() -> tuple[list[Table], list[Index]]:
    """The fresh tables, and every index they will have (create the tables with
    ``CreateTable``, which leaves the indexes out; a primary key is part of its table)."""
    copies = MetaData()
    tables, indexes = [], []
    for live in READ_MODELS:
        copy = live.to_metadata(copies, name=live.name + SUFFIX)
        copy.indexes.clear()
        tables.append(copy)
        for index in live.indexes:
            columns = [copy.c[c.name] for c in index.columns]
            made = Index(index.name, *columns, unique=index.unique, **index.kwargs)
            made.info["live"] = live.name
            indexes.append(made)
    return tables, indexes


def prepare(writer: Engine, version: int) -> None:
    """Make the fresh tables, or keep those a rebuild of this release left half-way."""
    from projections.projector import batches, errors, versions

    drop_old(writer)  # a swap that crashed before dropping them
    tables, indexes = fresh_tables()
    with writer.begin() as conn:
        position = conn.execute(
            select(tracking.c.position).where(tracking.c.name == NEXT_NAME).with_for_update()
        ).scalar_one_or_none()
        made_by = conn.execute(
            select(versions.c.version).where(versions.c.name == NEXT_NAME)
        ).scalar_one_or_none()
        if position is not None and made_by == version:
            return
        for table in reversed(tables):
            table.drop(conn, checkfirst=True)
        for table in tables:
            conn.execute(CreateTable(table))  # without its indexes
        taken = _index_names(conn)
        for index in indexes:
            if index.info["live"] not in BUILT_LAST:
                _create_index(conn, index, taken)
        conn.execute(delete(tracking).where(tracking.c.name == NEXT_NAME))
        conn.execute(tracking.insert().values(name=NEXT_NAME, position=0))
        conn.execute(delete(versions).where(versions.c.name.in_((NEXT_NAME, COUNTED))))
        conn.execute(versions.insert().values(name=NEXT_NAME, version=version))
        conn.execute(delete(batches).where(batches.c.name == NEXT_NAME))
        conn.execute(delete(errors).where(errors.c.name == NEXT_NAME))


def counted(conn: Connection) -> bool:
    """Whether the fresh read models have been counted (``count``); read under the fresh
    tracking row's lock, as a batch holds it, this is what the batch must keep up."""
    from projections.projector import versions

    found = conn.execute(select(versions.c.name).where(versions.c.name == COUNTED))
    return found.first() is not None


def count(writer: Engine, recounts: Sequence[Recount]) -> None:
    """Run the recounts over the fresh rows, once, in one transaction that holds the fresh
    tracking row: a batch either commits before (its rows are counted) or sees ``counted``
    after (and refreshes what it changes). Nothing when they are counted or gone."""
    from projections.projector import versions

    connection = writer.connect().execution_options(read_models_suffix=SUFFIX)
    with connection as conn, conn.begin():
        if _lock_fresh(conn) is None or counted(conn):
            return
        for recount in recounts:
            recount(conn)
        conn.execute(versions.insert().values(name=COUNTED, version=0))


def build_last_indexes(writer: Engine) -> None:
    """The indexes left for the end, one transaction each (on SQLite each holds the write
    lock while it is built), holding the fresh tracking row so that one process builds
    each; none when the fresh tables are gone (another process swapped them in)."""
    _, indexes = fresh_tables()
    for index in indexes:
        if index.info["live"] not in BUILT_LAST:
            continue
        with writer.begin() as conn:
            if _lock_fresh(conn) is None:
                return
            fresh = {index.name, index.name + SUFFIX}
            mine = {i["name"] for i in inspect(conn).get_indexes(index.table.name)}  # type: ignore[union-attr]
            if not fresh & mine:
                _create_index(conn, index, _index_names(conn))


def swap(writer: Engine, swapped: Swapped) -> bool:
    """Put the fresh tables in the live ones' place, in one transaction that holds the
    tracking rows; ``swapped(conn, live, fresh)`` moves the records about them. False, and
    nothing changed, when the live read models are ahead of the fresh ones (catch up and
    try again); True once swapped, by this process or another."""
    with writer.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL lock_timeout = '60s'"))
        live = conn.execute(
            select(tracking.c.position)
            .where(tracking.c.name == NEXT_NAME.removesuffix(SUFFIX))
            .with_for_update()
        ).scalar_one()
        fresh = _lock_fresh(conn)
        if fresh is None:
            return True
        if fresh < live:
            conn.rollback()
            return False
        on_postgresql = conn.dialect.name == "postgresql"
        for table in reversed(READ_MODELS):
            if on_postgresql:  # a drop only unlinks files, at commit
                conn.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
            else:  # a drop writes every page: after the swap (``drop_old``)
                conn.execute(text(f"ALTER TABLE {table.name} RENAME TO {table.name}{OLD}"))
        for table in READ_MODELS:
            conn.execute(text(f"ALTER TABLE {table.name}{SUFFIX} RENAME TO {table.name}"))
            if on_postgresql:  # its primary key's index keeps the fresh name otherwise
                conn.execute(
                    text(
                        f"ALTER INDEX IF EXISTS {table.name}{SUFFIX}_pkey"
                        f" RENAME TO {table.name}_pkey"
                    )
                )
        swapped(conn, int(live), int(fresh))
    drop_old(writer)
    return True


def drop_old(writer: Engine) -> None:
    """Drop the tables a swap on SQLite put aside, one transaction each, so that writers
    wait for one table at a time, never for all of them inside the swap. Without
    ``secure_delete`` for the drop: the old read models hold nothing the live ones do not
    (it is there for erased keys, which are not read models), and overwriting every page
    of a big table held the write lock ten times as long (100k suggestions: 2.2 s, not
    0.18 s)."""
    if writer.dialect.name != "sqlite":
        return
    with writer.connect() as conn:
        names = set(inspect(conn).get_table_names())
        conn.rollback()
        old = [t.name + OLD for t in reversed(READ_MODELS) if t.name + OLD in names]
        if not old:
            return
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA secure_delete = OFF")
        try:
            for name in old:
                with conn.begin():
                    conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
        finally:
            driver.execute("PRAGMA secure_delete = ON")


def _lock_fresh(conn: Connection) -> int | None:
    found = conn.execute(
        select(tracking.c.position).where(tracking.c.name == NEXT_NAME).with_for_update()
    ).scalar_one_or_none()
    return None if found is None else int(found)


def _index_names(conn: Connection) -> set[str]:
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    return {row[0] for row in conn.execute(text(query))}


def _create_index(conn: Connection, index: Index, taken: set[str]) -> None:
    """Under the live index's name when free, else under that name with ``SUFFIX``."""
    assert index.name is not None
    base = str(index.name)
    index.name = base if base not in taken else base + SUFFIX  # type: ignore[assignment]
    index.create(conn)
    taken.add(str(index.name))
