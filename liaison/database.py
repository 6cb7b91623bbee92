"""One database for everything: the event log (the library's own recorder), the read models
and the few mutable tables that must not live in the log (keys, users, receipt codes).

SQLite is the embedded default; PostgreSQL is chosen by ``LIAISON_DATABASE_URL`` alone.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
)
from sqlalchemy.engine import make_url

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
)


def sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        raise ValueError("LIAISON_DATABASE_URL must name an SQLite file, not memory")
    return Path(database)


def eventsourcing_env(settings: Settings) -> dict[str, str]:
    """Translate our one URL into the library's persistence settings."""
    if settings.is_sqlite:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(sqlite_path(settings)),
            "SQLITE_LOCK_TIMEOUT": str(settings.lock_timeout),
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
    }


def create_database_engine(settings: Settings) -> Engine:
    """An engine whose SQLite connections are durable (WAL, synchronous=FULL) and erase
    deleted rows' bytes (secure_delete). Transactions begin explicitly, so an engine
    with the execution option ``sqlite_begin="IMMEDIATE"`` takes the write lock first."""
    if not settings.is_sqlite:
        return create_engine(settings.database_url, pool_pre_ping=True)
    path = sqlite_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        settings.database_url,
        connect_args={"timeout": settings.lock_timeout, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "secure_delete=ON"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


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
