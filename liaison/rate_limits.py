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
    bindparam,
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
        0 for each admitted, the seconds to wait for each refused."""
        return self.take_buckets(conn, {bucket: (limit, hits)}, window)[bucket]

    def take_buckets(
        self, conn: Connection, wanted: dict[str, tuple[int, int]], window: int
    ) -> dict[str, list[int]]:
        """``take_many`` for many buckets at once (``bucket: (limit, hits)``): a group of
        comments from many addresses costs one locking read and one write, not two
        statements per address. The transaction must hold the write lock from its start on
        SQLite (``BEGIN IMMEDIATE``); on PostgreSQL the rows are locked in the buckets' order
        until it ends, so two workers' transactions cannot deadlock on them."""
        if not wanted:
            return {}
        now = int(self.clock())
        names = sorted(wanted)
        query = (
            select(rate_limits)
            .where(rate_limits.c.bucket.in_(names))
            .order_by(rate_limits.c.bucket)
            .with_for_update()
        )
        rows = {row.bucket: row for row in conn.execute(query)}
        new = [name for name in names if name not in rows]
        if new:  # another worker may make one meanwhile: then its row is read and locked
            conn.execute(
                insert_or_ignore(rate_limits),
                [{"bucket": name, "window_start": now, "hits": 0} for name in new],
            )
            rows |= {
                row.bucket: row for row in conn.execute(query.where(rate_limits.c.bucket.in_(new)))
            }
        waits: dict[str, list[int]] = {}
        updates = []
        for name in names:
            limit, hits = wanted[name]
            row = rows[name]
            start, count = row.window_start, row.hits
            if now >= start + window:
                start, count = now, 0
            taken = min(hits, max(0, limit - count))
            refused = [max(1, start + window - now)] * (hits - taken)
            waits[name] = [0] * taken + refused
            updates.append({"name": name, "start": start, "count": count + taken})
        conn.execute(
            update(rate_limits)
            .where(rate_limits.c.bucket == bindparam("name"))
            .values(window_start=bindparam("start"), hits=bindparam("count")),
            updates,
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
