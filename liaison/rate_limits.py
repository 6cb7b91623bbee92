"""Fixed-window counters kept in the database, so every web worker shares them.

A bucket (say ``comment:127.0.0.1``) allows ``limit`` hits per ``window`` seconds; past that
the caller learns how many seconds remain (the ``Retry-After`` of a 429).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Integer,
    Row,
    String,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from domain.errors import DomainError
from liaison.database import insert_or_ignore, metadata


class RateLimitedError(DomainError):
    """Too many requests from one caller; they may try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


rate_limits = Table(
    "rate_limits",
    metadata,
    Column("bucket", String(200), primary_key=True),
    Column("window_start", BigInteger, nullable=False),
    Column("hits", Integer, nullable=False),
)


class RateLimiter:
    def __init__(self, engine: Engine, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self.engine = engine
        self.clock = clock

    def blocked_for(self, bucket: str, limit: int, window: int) -> int:
        """Seconds until the bucket admits again; 0 when it admits now. Counts nothing."""
        now = int(self.clock())
        with self.engine.connect() as conn:
            row = conn.execute(select(rate_limits).where(rate_limits.c.bucket == bucket)).first()
        if row is None or now >= row.window_start + window or row.hits < limit:
            return 0
        return max(1, row.window_start + window - now)

    def hit(self, bucket: str, window: int) -> None:
        """Count one hit in the bucket's current window, whatever the limit."""
        self._count(bucket, None, window)

    def take(self, bucket: str, limit: int, window: int) -> int:
        """Count a hit if admitted; returns 0, or the seconds to wait when refused."""
        return self._count(bucket, limit, window)

    def take_many(
        self, conn: Connection, bucket: str, limit: int, window: int, hits: int
    ) -> list[int]:
        """``take`` for several hits on one bucket in the caller's transaction, in order:
        0 for each admitted, the seconds to wait for each refused. The transaction must hold
        the write lock from its start on SQLite (``BEGIN IMMEDIATE``); on PostgreSQL the row
        is locked until it ends, so take buckets in a fixed order to avoid deadlocks."""
        now = int(self.clock())
        query = select(rate_limits).where(rate_limits.c.bucket == bucket).with_for_update()
        row = conn.execute(query).first()
        if row is None:
            made = conn.execute(
                insert_or_ignore(conn, rate_limits).values(bucket=bucket, window_start=now, hits=0)
            )
            row = conn.execute(query).one() if made.rowcount != 1 else None
        start, count = (now, 0) if row is None else (row.window_start, row.hits)
        if now >= start + window:
            start, count = now, 0
        waits = []
        for _ in range(hits):
            if count >= limit:
                waits.append(max(1, start + window - now))
            else:
                count += 1
                waits.append(0)
        conn.execute(
            update(rate_limits)
            .where(rate_limits.c.bucket == bucket)
            .values(window_start=start, hits=count)
        )
        return waits

    def _count(self, bucket: str, limit: int | None, window: int) -> int:
        """Read, decide and count in one transaction that holds the row (or the write lock)."""
        now = int(self.clock())
        with locking(self.engine).begin() as conn:
            row = locked_row(conn, bucket, now)
            if row is None:
                return 0
            if now >= row.window_start + window:
                values = {"window_start": now, "hits": 1}
            elif limit is not None and row.hits >= limit:
                return max(1, row.window_start + window - now)
            else:
                values = {"hits": row.hits + 1}
            conn.execute(update(rate_limits).where(rate_limits.c.bucket == bucket).values(**values))
        return 0


def locking(engine: Engine) -> Engine:
    """The engine for a read-decide-write transaction: SQLite takes its write lock at once."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def locked_row(conn: Connection, bucket: str, now: int) -> Row[Any] | None:
    """The bucket's row, held until ``conn``'s transaction ends; None when there was none,
    and this call made it (a window starting ``now`` with one hit)."""
    query = select(rate_limits).where(rate_limits.c.bucket == bucket).with_for_update()
    row = conn.execute(query).first()
    if row is None:
        try:
            with conn.begin_nested():
                conn.execute(insert(rate_limits).values(bucket=bucket, window_start=now, hits=1))
            return None
        except IntegrityError:  # another worker made the row first
            row = conn.execute(query).one()
    return row
