"""One database for everything: the event log (the library's own recorder), the read models
and the few mutable tables that must not live in the log (keys, users, receipt codes).

SQLite is the embedded default; PostgreSQL is chosen by ``LIAISON_DATABASE_URL`` alone.
On PostgreSQL the schema is made once, by ``liaison db init``, never by processes racing
at start-up; on SQLite every start makes what is missing, so nothing needs setting up.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    false,
    func,
    inspect,
    text,
    true,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateColumn
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import ClauseElement

from liaison.settings import Settings

metadata = MetaData()

personal_keys = Table(
    "personal_keys",
    metadata,
    Column("subject_id", String(32), primary_key=True),
    Column("key", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

receipt_codes = Table(
    "receipt_codes",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("suggestion_id", String(32), nullable=False, unique=True),
)

users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("contact_point_id", String(32), nullable=True),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Added after the first release: `add_missing_columns` gives older databases these.
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("must_change", Boolean, nullable=False, server_default=false()),
    Column("generation", Integer, nullable=False, server_default=text("0")),
)
"""``generation`` counts resets and deactivations: a bearer token names the generation it was
issued in and is worthless once the account moves on. ``must_change``: the password is a
one-time one, to be replaced before anything else."""


def sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        raise ValueError("LIAISON_DATABASE_URL must name an SQLite file, not memory")
    return Path(database)


class SchemaMissingError(RuntimeError):
    """The database lacks tables that ``liaison db init`` makes."""


SCHEMA_LOCK = 0x4C49_4149  # "LIAI": the advisory lock that serialises schema changes


def eventsourcing_env(settings: Settings, *, create_tables: bool | None = None) -> dict[str, str]:
    """Translate our one URL into the library's persistence settings.

    The library creates its tables when the application starts unless told not to; that is
    wanted on SQLite (zero setup) and never on PostgreSQL, where workers starting together
    would race (``tuple concurrently updated``): there only ``liaison db init`` creates."""
    if create_tables is None:
        create_tables = settings.is_sqlite
    flag = "y" if create_tables else "n"
    if settings.is_sqlite:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(sqlite_path(settings)),
            "SQLITE_LOCK_TIMEOUT": str(settings.lock_timeout),
            "CREATE_TABLE": flag,
        }
    url = make_url(settings.database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.database or "",
        "POSTGRES_HOST": url.host or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": url.username or "",
        "POSTGRES_PASSWORD": url.password or "",
        "POSTGRES_LOCK_TIMEOUT": str(settings.lock_timeout),
        "POSTGRES_POOL_SIZE": str(settings.pool_size),
        "POSTGRES_MAX_OVERFLOW": str(settings.pool_overflow),
        "POSTGRES_PRE_PING": "y",  # a restarted server costs one retry, not an error
        "CREATE_TABLE": flag,
    }


def create_database_engine(settings: Settings) -> Engine:
    """An engine whose SQLite connections are durable (WAL, synchronous=FULL) and erase
    deleted rows' bytes (secure_delete). Transactions begin explicitly, so an engine
    with the execution option ``sqlite_begin="IMMEDIATE"`` takes the write lock first.
    PostgreSQL runs at READ COMMITTED, which ``SELECT … FOR UPDATE`` on the projector's
    tracking row relies on: a waiting projector then reads the position its rival wrote.
    Its lock waits end after ``lock_timeout`` as SQLite's do, so a stuck projector holding
    that row delays a web worker's own catching up by seconds, not for ever."""
    if not settings.is_sqlite:
        engine = create_engine(
            settings.database_url,
            pool_size=settings.pool_size,
            max_overflow=settings.pool_overflow,
            isolation_level="READ COMMITTED",
            connect_args={"options": f"-c lock_timeout={settings.lock_timeout * 1000}"},
        )

        @event.listens_for(engine, "checkin")
        def _idle_from(_dbapi_connection: Any, record: Any) -> None:
            record.info["idle_since"] = time.monotonic()

        @event.listens_for(engine, "checkout")
        def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
            """SQLAlchemy's ``pool_pre_ping``, but only for a connection left idle a while:
            one in constant use under load skips the round trip."""
            if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE:
                return
            try:
                alive = engine.dialect.do_ping(dbapi_connection)
            except Exception:
                alive = False
            if not alive:  # the pool discards it and connects afresh (a restarted server)
                raise DisconnectionError("a pooled connection was closed by the server")

        @event.listens_for(engine, "begin")
        def _begin_postgres(connection: Any) -> None:
            if connection.get_execution_options().get(DEFERRED, False):
                connection.exec_driver_sql("SET LOCAL synchronous_commit = off")

        return engine
    path = sqlite_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        settings.database_url,
        connect_args={"timeout": settings.lock_timeout, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "secure_delete=ON"):
            dbapi_connection.execute(f"PRAGMA {pragma}")
        record.info["synchronous"] = "FULL"

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        options = connection.get_execution_options()
        synchronous = "NORMAL" if options.get(DEFERRED, False) else "FULL"
        info = connection.connection.info  # kept with the pooled connection
        if info.get("synchronous") != synchronous:  # set between transactions, never inside
            connection.exec_driver_sql(f"PRAGMA synchronous={synchronous}")
            info["synchronous"] = synchronous
        mode = options.get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


DEFERRED = "deferred_durability"
PING_AFTER_IDLE = 1.0
"""Seconds a pooled PostgreSQL connection may lie idle and still be used unpinged."""


def deferred(engine: Engine) -> Engine:
    """The engine for writes that only matter once an event saved after them is durable
    (an idempotency claim, a rate-limit hit, a receipt code, a personal-data key, an answer):
    their commits skip the flush to disk, and the event's commit makes them durable.

    Why that is safe. On SQLite (WAL mode) such a transaction runs at ``synchronous=NORMAL``:
    its frames are appended to the write-ahead log without an fsync. The event store commits
    at ``FULL`` and fsyncs that same log, which makes every earlier frame durable with its
    own; a checkpoint syncs the log before copying it back. On PostgreSQL the transaction
    runs with ``SET LOCAL synchronous_commit = off``; the event's later synchronous commit
    flushes the WAL up to its own record, which lies after this one. A power cut before the
    event is saved may lose these rows, but then nothing was acknowledged: a retry claims
    afresh. A crash of the process alone loses nothing either way. Never for the event
    store itself, nor for anything acknowledged on its own (accounts, sessions, erasure)."""
    return engine.execution_options(**{DEFERRED: True})


class _DoNothingOnConflict(ClauseElement):
    """The ``ON CONFLICT DO NOTHING`` clause, written alike by SQLite and PostgreSQL."""

    __visit_name__ = "liaison_do_nothing_on_conflict"
    _traverse_internals: list[Any] = []  # nothing varies: one cache key for all
    inherit_cache = True


@compiles(_DoNothingOnConflict)
def _do_nothing(_element: _DoNothingOnConflict, _compiler: Any, **_kw: Any) -> str:
    return "ON CONFLICT DO NOTHING"


class _InsertOrIgnore(Insert):
    inherit_cache = True  # the clause is in Insert's cache key (``_post_values_clause``)

    def __init__(self, table: Table) -> None:
        super().__init__(table)
        self._post_values_clause = _DoNothingOnConflict()


def insert_or_ignore(table: Table) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING`` on either store: a taken unique key shows as a
    row count of 0 instead of an error that would end a PostgreSQL transaction.

    The dialects' own ``insert(…).on_conflict_do_nothing()`` has no cache key, so SQLAlchemy
    compiled it afresh on every run (about 1 ms each, several per group of comments); this
    one is compiled once per statement and dialect, like any plain insert."""
    return _InsertOrIgnore(table)


def scrub(engine: Engine) -> None:
    """Make deleted rows unrecoverable from the files: with ``secure_delete`` their bytes are
    already zeroed in the pages; a truncating checkpoint also empties the write-ahead log,
    which may still hold older copies of those pages."""
    if engine.dialect.name != "sqlite":
        return
    for _ in range(50):
        raw = engine.raw_connection()  # outside any transaction: a checkpoint cannot run in one
        try:
            busy = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            raw.close()
        if busy is None or busy[0] == 0:
            return
        time.sleep(0.05)
    raise RuntimeError("could not checkpoint the write-ahead log: the database is busy")


@contextlib.contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Hold PostgreSQL's advisory lock for schema changes, so two ``liaison db init`` runs
    at once take turns. SQLite needs none: its write lock serialises table creation."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SET lock_timeout = 0"))  # wait for the other run, however long
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK})
            conn.execute(text("RESET lock_timeout"))


def missing_tables(engine: Engine, wanted: Iterable[str]) -> list[str]:
    present = set(inspect(engine).get_table_names())
    return sorted(set(wanted) - present)


def missing_columns(conn: Connection, tables: Iterable[Table]) -> list[Column[Any]]:
    """Columns of existing tables that their database lacks (a table missing altogether
    is ``create_all``'s to make)."""
    inspector = inspect(conn)
    present_tables = set(inspector.get_table_names())
    missing: list[Column[Any]] = []
    for table in tables:
        if table.name in present_tables:
            present = {c["name"] for c in inspector.get_columns(table.name)}
            missing += [c for c in table.columns if c.name not in present]
    return missing


def add_missing_columns(conn: Connection, tables: Iterable[Table]) -> list[str]:
    """Give tables of an older release the columns this one added: ``ALTER TABLE … ADD
    COLUMN`` with the column's server default, which SQLite and PostgreSQL both fill into
    existing rows (PostgreSQL 11+ without rewriting the table). Idempotent: a column
    already there is left alone. Runs where the schema is made (``liaison db init``, and
    every start on SQLite), inside the caller's transaction and schema lock."""
    added = []
    for column in missing_columns(conn, tables):
        if not column.nullable and column.server_default is None:
            raise SchemaMissingError(f"{column.table.name}.{column.name} needs a default")
        ddl = CreateColumn(column).compile(dialect=conn.dialect)
        conn.execute(text(f"ALTER TABLE {column.table.name} ADD COLUMN {ddl}"))
        added.append(f"{column.table.name}.{column.name}")
    return added


def require_tables(engine: Engine, wanted: Iterable[str]) -> None:
    missing = missing_tables(engine, wanted)
    if missing:
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        raise SchemaMissingError(
            f"the database has no Liaison schema or an older one (missing {shown}): "
            "run `liaison db init` once, before starting any web worker or projector"
        )


def backup_sqlite(settings: Settings, target: Path) -> int:
    """Copy the live SQLite database to ``target`` with sqlite3's online backup API: a
    consistent snapshot taken while the site keeps running. The copy is one file (no
    write-ahead log beside it), checked before it is put in place; returns its size."""
    source_path = sqlite_path(settings)
    if not source_path.exists():
        raise FileNotFoundError(f"no database at {source_path}")
    partial = target.with_name(f".{target.name}.part")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=max(settings.lock_timeout, 1))
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            verdict = copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
    finally:
        source.close()
    if verdict is None or verdict[0] != "ok":
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"the copy failed its integrity check: {verdict}")
    os.replace(partial, target)
    return target.stat().st_size
