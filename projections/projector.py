"""Keeps the read models current by pulling the event log in batches.

The projector pulls pages of notifications after its tracking position (the library's
SQLite recorder cannot push: its ``subscribe`` is not implemented). Each batch is applied
in one transaction that also advances the position. That transaction first locks the
position row (``BEGIN IMMEDIATE`` on SQLite, ``SELECT … FOR UPDATE`` at READ COMMITTED on
PostgreSQL), reads the position again and moves it by compare-and-set, so any number of
projectors and web workers may run at once and each event is still applied exactly once;
a crash loses nothing but the unfinished batch. Each batch is also recorded in
``projection_batches`` under a unique key on the position it started after, so a batch
applied twice could not even commit. Positions may have gaps (PostgreSQL): only "after the
last seen position" is assumed, never position + 1.

``run_forever`` is ``liaison projections run``: catch up, then sleep until PostgreSQL
signals a new event (LISTEN on the library's channel) or ``interval`` seconds pass.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import Mapper, Notification
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    text,
    update,
)

from projections import handlers
from projections.tables import metadata, tracking

if TYPE_CHECKING:
    from liaison.chain import HashChain

NAME = "read_models"
VERSION = 3
"""The read models' shape: a release that changes their tables, or what the projector puts
in them, raises it, and stores of an older shape are rebuilt from the log (``stale``).
2: pre-aggregated figures and the trace's indexes.
3: decisions' note, day and author on suggestions; the index of each report's suggestions."""

CHECKPOINT_PAGES = 100_000  # a checkpoint once the log holds some 400 MB, while catching up
DEFAULT_CHECKPOINT = 1000  # SQLite's defaults, restored after
DEFAULT_CACHE = -2000

Progress = Callable[[int, int], None]
Wait = Callable[[threading.Event, float], None]

log = logging.getLogger("liaison.projector")

records = MetaData()
"""Tables about the projection, not read models: a snapshot of the read models leaves them
out. A rebuild empties them with the read models."""

batches = Table(
    "projection_batches",
    records,
    Column("name", String(64), primary_key=True),
    # the position the batch started after: two batches from one position cannot commit
    Column("after", BigInteger, primary_key=True, autoincrement=False),
    Column("last", BigInteger, nullable=False),
    Column("events", Integer, nullable=False),
    Column("applied_by", String(80), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)


versions = Table(
    "projection_versions",
    records,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
)


class PositionMovedError(RuntimeError):
    """The tracking position changed under a batch: it is rolled back, nothing applied."""


def create_tables(engine: Engine) -> None:
    """The read models' tables and the tracking row, if missing (``liaison db init``)."""
    with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
        _create(conn)


def _create(conn: Connection) -> None:
    metadata.create_all(conn)
    records.create_all(conn)
    position = conn.execute(
        select(tracking.c.position).where(tracking.c.name == NAME)
    ).scalar_one_or_none()
    if position is None:
        conn.execute(tracking.insert().values(name=NAME, position=0))
    if not position:  # nothing projected yet: whatever release made them, they are empty
        _mark_current(conn)


def _mark_current(conn: Connection) -> None:
    conn.execute(delete(versions).where(versions.c.name == NAME))
    conn.execute(versions.insert().values(name=NAME, version=VERSION))


def stale(engine: Engine) -> bool:
    """Whether the read models were made by a release of another shape (``VERSION``): their
    tables may lack rows the figures now read, so they must be rebuilt from the log."""
    with engine.connect() as conn:
        found = conn.execute(
            select(versions.c.version).where(versions.c.name == NAME)
        ).scalar_one_or_none()
    return found != VERSION


def _applier() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Projector:
    def __init__(
        self,
        recorder: Any,
        mapper: Mapper[Any],
        engine: Engine,
        batch: int = 1000,
        chain: HashChain | None = None,
        cache_mb: int = 256,
    ) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.engine = engine
        self.chain = chain
        # Read models are derived: a batch lost to a power cut is applied again from the log
        # (its position is in the same transaction), so its commit need not wait for the disk.
        self.writer = engine.execution_options(sqlite_begin="IMMEDIATE", deferred_durability=True)
        self.batch = batch
        self.cache_mb = cache_mb
        self.label = ""
        """Prefixed to the host and process id recorded with each batch."""
        self._lock = threading.Lock()

    def create_tables(self) -> None:
        create_tables(self.engine)

    def position(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(tracking.c.position).where(tracking.c.name == NAME)
                ).scalar_one()
            )

    def catch_up(
        self, progress: Progress | None = None, stop: threading.Event | None = None
    ) -> int:
        """Apply every event recorded after the tracking position (or, once ``stop`` is
        set, end after the batch in hand); returns how many."""
        applied = 0
        with self._lock, self.writer.connect() as conn, _BulkMode(conn, self.cache_mb) as bulk:
            while stop is None or not stop.is_set():
                count, more = self._apply_next_batch(conn)
                if more:
                    bulk.enter()
                applied += count
                if progress is not None and count:
                    progress(applied, count)
                if not more:
                    break
        return applied

    def rebuild(self, progress: Progress | None = None) -> int:
        """Drop every read model and replay the whole log into new ones.

        Dropping and re-creating is one transaction that first takes the tracking table
        for itself, so projectors running elsewhere wait, then go on from position 0."""
        with self._lock, self.writer.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL lock_timeout = '60s'"))
                conn.execute(text(f"LOCK TABLE {tracking.name} IN ACCESS EXCLUSIVE MODE"))
            metadata.drop_all(conn)
            _create(conn)
            _mark_current(conn)
            conn.execute(delete(batches).where(batches.c.name == NAME))
        return self.catch_up(progress)

    def run_forever(self, stop: threading.Event, interval: float = 1.0) -> None:
        """Keep the read models current until ``stop`` is set.

        Errors (the database restarting, a lock timeout) are logged and retried after
        ``interval``; a batch that failed was rolled back whole, so retrying is safe."""
        while not stop.is_set():
            try:
                with self._wakeups() as wait:
                    while not stop.is_set():
                        applied = self.catch_up(stop=stop)
                        if applied:
                            log.info("applied %d events, now at %d", applied, self.position())
                        wait(stop, interval)
            except Exception:
                if stop.is_set():
                    return
                log.exception("projecting failed; trying again in %.1f s", interval)
                stop.wait(max(interval, 0.5))

    def _apply_next_batch(self, conn: Connection) -> tuple[int, bool]:
        """Apply the next batch; returns how many events, and whether more may follow.

        The events are read before the write lock is taken, so no connection of the event
        store is waited for while holding it (on SQLite, a web worker's threads waiting for
        that lock can hold every pooled connection of the store). Under the lock the
        position is read again: events a rival applied meanwhile are left out; a position
        that went back (a rebuild began) sends the batch back to be read again."""
        expected = self.position()
        notifications = self.recorder.select_notifications(
            start=expected, limit=self.batch, inclusive_of_start=False
        )
        if not notifications:
            return 0, False
        more = len(notifications) == self.batch
        with conn.begin():
            position = conn.execute(
                select(tracking.c.position).where(tracking.c.name == NAME).with_for_update()
            ).scalar_one()
            if position < expected:
                return 0, True
            fresh = [n for n in notifications if n.id > position]
            if not fresh:
                return 0, more
            self.apply(conn, fresh)
            if self.chain is not None:
                self.chain.extend(conn, fresh)
            last = fresh[-1].id
            moved = conn.execute(
                update(tracking)
                .where(tracking.c.name == NAME, tracking.c.position == position)
                .values(position=last)
            )
            if moved.rowcount != 1:
                raise PositionMovedError(f"position {position} moved while applying a batch")
            conn.execute(
                insert(batches).values(
                    name=NAME,
                    after=position,
                    last=last,
                    events=len(fresh),
                    applied_by=f"{self.label} {_applier()}".strip()[:80],
                    applied_at=datetime.now(UTC),
                )
            )
            log.debug("applied %d events after %d", len(fresh), position)
            return len(fresh), more

    def apply(self, conn: Connection, notifications: Sequence[Notification]) -> None:
        """Decode the batch, gather its row changes, then write them set-based."""
        changes = handlers.Changes()
        to_domain_event, apply = self.mapper.to_domain_event, handlers.apply
        for notification in notifications:
            apply(to_domain_event(notification), changes)
        changes.write(conn)

    @contextlib.contextmanager
    def _wakeups(self) -> Iterator[Wait]:
        """How to wait for the next event: PostgreSQL's NOTIFY, sent by the library with
        every insert, else polling. The listening connection is closed, not pooled."""
        channel = getattr(self.recorder, "channel_name", None)
        if self.engine.dialect.name != "postgresql" or not channel:
            yield _sleep
            return
        from psycopg import sql

        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))

            def wait(stop: threading.Event, interval: float) -> None:
                remaining = interval
                while remaining > 0 and not stop.is_set():
                    step = min(remaining, 0.2)  # look at ``stop`` often
                    if any(True for _ in driver.notifies(timeout=step, stop_after=1)):
                        for _ in driver.notifies(timeout=0.001):  # one wake-up for a burst
                            pass
                        return
                    remaining -= step

            yield wait
        finally:
            conn.invalidate()
            conn.close()


class _BulkMode:
    """For a catch-up of more than one batch, on SQLite: a page cache sized for the work
    (``cache_mb``) and checkpoints deferred to its end. A rebuild touches the same index
    pages batch after batch; with SQLite's 2 MB default cache and a checkpoint after each
    commit it wrote every page out again and again (a rebuild of a million suggestions
    wrote 40 GB; now 10 GB, in half the time). Both are set back afterwards, so a web
    worker that caught up keeps no big cache; a catch-up of one batch changes nothing."""

    def __init__(self, conn: Connection, cache_mb: int) -> None:
        self.driver = conn.connection.driver_connection if conn.dialect.name == "sqlite" else None
        self.cache_mb = cache_mb
        self.entered = False

    def enter(self) -> None:
        if self.driver is None or self.entered:
            return
        self.entered = True
        self.driver.execute(f"PRAGMA cache_size = -{self.cache_mb * 1024}")
        self.driver.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")

    def __enter__(self) -> _BulkMode:
        return self

    def __exit__(self, *_: object) -> None:
        if self.driver is None or not self.entered:
            return
        self.driver.execute(f"PRAGMA cache_size = {DEFAULT_CACHE}")
        self.driver.execute(f"PRAGMA wal_autocheckpoint = {DEFAULT_CHECKPOINT}")
        with contextlib.suppress(Exception):  # busy readers: a later commit does it
            self.driver.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _sleep(stop: threading.Event, interval: float) -> None:
    stop.wait(interval)
