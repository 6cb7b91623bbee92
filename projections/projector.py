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

What it applies is handed to it (``liaison/bootstrap.py`` assembles the standard set): the
event handlers, the updaters that keep read models derived from rows (the aggregates), and
the steps run after each batch in its transaction (the hash chain, liaison/chain.py).

``run_forever`` is ``liaison projections run``: catch up, then sleep until PostgreSQL
signals a new event (LISTEN on the library's channel) or ``interval`` seconds pass.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from eventsourcing.persistence import Mapper, Notification
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy import exc as sql_errors

from projections import beside
from projections.handlers import Changes, Handlers, Updater, watched_by
from projections.tables import metadata, tracking

NAME = "read_models"
VERSION = 6
"""The read models' shape: a release that changes their tables, or what the projector puts
in them, raises it, and stores of an older shape are rebuilt from the log (``stale``).
2: pre-aggregated figures and the trace's indexes.
3: decisions' note, day and author on suggestions; the index of each report's suggestions.
4: the trace's counts and indexes per reading (readings renumber articles).
5: feedback: the day each person was told; persons decided and told per report date.
6: suggestions indexed by recorder and by report date only where they have one."""

CHECKPOINT_PAGES = 100_000  # a checkpoint once the log holds some 400 MB, while catching up
DEFAULT_CHECKPOINT = 1000  # SQLite's defaults, restored after
DEFAULT_CACHE = -2000

Progress = Callable[[int, int], None]
AfterBatch = Callable[[Connection, Sequence[Notification]], None]
"""Run with each batch's notifications once its rows are written, in its transaction."""
Wait = Callable[[threading.Event, float], None]

log = logging.getLogger("liaison.projector")

records = MetaData()
"""Tables about the projection, not read models: a snapshot of the read models leaves them
out. A rebuild empties the batch record; it never touches the chain."""

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


event_chain = Table(
    "event_chain",
    records,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
    # which event holds the position: lets an aggregate's history name its positions
    Column("originator_id", String(36), nullable=False, index=True),
    Column("version", Integer, nullable=False),
)
"""The hash chain's links (liaison/chain.py extends it after each batch), never dropped: it is
also each event's position by aggregate and version, the order the desk's lists are in."""

versions = Table(
    "projection_versions",
    records,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
)

errors = Table(
    "projection_errors",
    records,
    Column("name", String(64), primary_key=True),
    # stopped: an event that cannot be applied, at ``position``; projection waits for
    # ``liaison projections resume`` (or ``skip``). Otherwise the latest passing trouble.
    Column("stopped", Boolean, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("topic", String(255), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)


def newest_batch(column: Column[Any]) -> Select[Any]:
    """``column`` of the newest batch the read models took (none before the first)."""
    return select(column).where(batches.c.name == NAME).order_by(batches.c.after.desc()).limit(1)


NEXT = beside.NEXT_NAME
"""The tracking name of read models being rebuilt beside the live ones."""
BATCHES_KEPT = timedelta(days=7)
"""How long ``projection_batches`` keeps a batch: a record of who applied what, for looking
into trouble. Only the newest batch guards anything (its key); older ones are pruned."""
PRUNE_EVERY = 3600.0  # seconds between prunings, per process


class PositionMovedError(RuntimeError):
    """The tracking position changed under a batch: it is rolled back, nothing applied."""


class ProjectionStoppedError(RuntimeError):
    """Projection stopped at an event it cannot apply (recorded in ``projection_errors``);
    nothing after it is applied until ``liaison projections resume`` or ``skip``."""

    recorded = True  # the caller need not log a traceback: status and the log have it

    def __init__(self, position: int, topic: str, reason: str) -> None:
        super().__init__(f"projection stopped at position {position} ({topic}): {reason}")
        self.position = position
        self.topic = topic
        self.reason = reason


class _BatchFailedError(Exception):
    """A batch could not be applied for a reason that retrying will not change."""

    def __init__(self, notifications: Sequence[Notification], error: BaseException) -> None:
        super().__init__(str(error))
        self.notifications = notifications
        self.error = error


def transient(error: BaseException) -> bool:
    """Trouble that passes (the database restarting, a lock timeout, a rival): retried.
    Anything else a batch raises (an event that does not decode, a handler's error, a row
    the database refuses) happens again on every retry."""
    if isinstance(error, PositionMovedError | sql_errors.OperationalError):
        return True
    if isinstance(error, sql_errors.InterfaceError | sql_errors.TimeoutError):
        return True
    return isinstance(error, sql_errors.DBAPIError) and error.connection_invalidated


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
        *,
        handlers: Handlers,
        updaters: Sequence[Updater],
        after_batch: Sequence[AfterBatch] = (),
        batch: int = 1000,
        rebuild_batch: int | None = None,
        cache_mb: int = 256,
    ) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.engine = engine
        self.handlers = handlers
        self.updaters = tuple(updaters)
        self.watched = watched_by(self.updaters)
        self.recounts = tuple(u.recount for u in self.updaters if u.recount is not None)
        self.uncounted = tuple(u for u in self.updaters if u.recount is None)
        """What a rebuild keeps batch by batch until its rows are complete and counted."""
        self._uncounted_watched = watched_by(self.uncounted)
        self.after_batch = tuple(after_batch)
        # Read models are derived: a batch lost to a power cut is applied again from the log
        # (its position is in the same transaction), so its commit need not wait for the disk.
        self.writer = engine.execution_options(sqlite_begin="IMMEDIATE", deferred_durability=True)
        self.batch = batch
        self.rebuild_batch = rebuild_batch or batch
        """Events a rebuild applies per transaction: its tables are read by nobody until the
        swap, and each commit writes every index page its batch touched (the suggestions'
        primary key takes random ids), so fewer, bigger commits write far less."""
        self.cache_mb = cache_mb
        self.label = ""
        """Prefixed to the host and process id recorded with each batch."""
        self._lock = threading.Lock()
        self._rebuilding = threading.Lock()
        self._current = False  # the live read models are of this release (``stale``)
        self._pruned_at = 0.0
        self._known: dict[str, int] = {}
        """The tracking position each catch-up last read or wrote, by name: where it reads the
        log next, without another transaction to ask (under the lock it is read again)."""

    def create_tables(self) -> None:
        create_tables(self.engine)

    def position(self, name: str = NAME) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(tracking.c.position).where(tracking.c.name == name)
                ).scalar_one()
            )

    def catch_up(
        self, progress: Progress | None = None, stop: threading.Event | None = None
    ) -> int:
        """Apply every event recorded after the tracking position (or, once ``stop`` is
        set, end after the batch in hand); returns how many.

        Raises ``ProjectionStoppedError`` while projection is stopped at an event it cannot
        apply. Read models of an older release (``stale``) are left as they are until the
        rebuild beside them swaps in new ones: this release's handlers may not fit them."""
        with self._lock:
            if not self._is_current():
                return 0
            return self._catch_up(NAME, progress, stop)

    def try_catch_up(self) -> int:
        """``catch_up`` for a reader that can do with what the read models have (a page,
        the event feed): a stop, already recorded, or passing trouble is logged, not
        raised."""
        try:
            return self.catch_up()
        except ProjectionStoppedError:
            return 0
        except Exception:
            log.warning("read models not brought up to date for a reader", exc_info=True)
            return 0

    def _is_current(self) -> bool:
        if not self._current:
            self._current = not stale(self.engine)
        return self._current

    def _catch_up(
        self, name: str, progress: Progress | None = None, stop: threading.Event | None = None
    ) -> int:
        """Catch up the read models tracked as ``name``. A batch that fails for good is
        narrowed down by applying its events one at a time: those before the culprit are
        applied, and the culprit stops projection with its position, topic and reason
        recorded. Nothing is ever skipped silently."""
        applied = 0
        narrowing = 0  # events still to apply one at a time
        connection = self.writer.connect()
        if name != NAME:
            connection = connection.execution_options(read_models_suffix=beside.SUFFIX)
        with connection as conn, _BulkMode(conn, self.cache_mb) as bulk:
            self._known[name] = self._raise_if_stopped(conn, name)
            while stop is None or not stop.is_set():
                try:
                    count, more = self._apply_next_batch(
                        conn, name, 1 if narrowing else None, self._known.get(name)
                    )
                except _BatchFailedError as failed:
                    if len(failed.notifications) > 1:
                        narrowing = len(failed.notifications)
                        continue
                    raise self._stop_at(name, failed.notifications[0], failed.error) from None
                except Exception as error:
                    self._note(name, error)
                    raise
                if narrowing:
                    narrowing = max(0, narrowing - 1)
                    more = more or narrowing > 0
                elif more:
                    bulk.enter()
                applied += count
                if progress is not None and count:
                    progress(applied, count)
                if not more:
                    break
        if name == NAME:
            self._prune_now_and_then()
        return applied

    def _raise_if_stopped(self, conn: Connection, name: str) -> int:
        """Raise while projection is stopped; else the tracking position, read in the
        same transaction (one a catch-up would otherwise open for it alone)."""
        row = conn.execute(
            select(errors).where(errors.c.name == name, errors.c.stopped.is_(True))
        ).first()
        position = conn.execute(
            select(tracking.c.position).where(tracking.c.name == name)
        ).scalar_one()
        conn.rollback()
        if row is not None:
            raise ProjectionStoppedError(int(row.position), row.topic, row.reason)
        return int(position)

    def _stop_at(
        self, name: str, notification: Notification, error: BaseException
    ) -> ProjectionStoppedError:
        reason = f"{type(error).__name__}: {error}"[:2000]
        log.error(
            "projection %s stopped at position %d (%s): %s; fix it, then run"
            " `liaison projections resume` (see `liaison projections status`)",
            name,
            notification.id,
            notification.topic,
            reason,
            exc_info=error,
        )
        self._record_error(name, True, notification.id, notification.topic, reason)
        return ProjectionStoppedError(notification.id, notification.topic, reason)

    def _note(self, name: str, error: BaseException) -> None:
        """Keep the latest passing trouble for ``liaison projections status`` (best effort:
        the database may be what is failing)."""
        with contextlib.suppress(Exception):
            if self._stopped_row(name) is None:
                reason = f"{type(error).__name__}: {error}"[:2000]
                self._record_error(name, False, self.position(name), "", reason)

    def _stopped_row(self, name: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(
                select(errors).where(errors.c.name == name, errors.c.stopped.is_(True))
            ).first()

    def _record_error(
        self, name: str, stopped: bool, position: int, topic: str, reason: str
    ) -> None:
        with self.writer.begin() as conn:
            conn.execute(delete(errors).where(errors.c.name == name))
            conn.execute(
                insert(errors).values(
                    name=name,
                    stopped=stopped,
                    position=position,
                    topic=topic[:255],
                    reason=reason,
                    at=datetime.now(UTC),
                )
            )

    def resume(self) -> bool:
        """Let projection go on after a stop (the cause fixed: the event is tried again).
        Returns whether it was stopped."""
        with self.writer.begin() as conn:
            cleared = conn.execute(
                delete(errors).where(errors.c.name.in_((NAME, NEXT)), errors.c.stopped.is_(True))
            )
        return bool(cleared.rowcount)

    def skip(self, position: int) -> Notification:
        """Go past the event projection stopped at, applying nothing of it. Only that
        event, and only while stopped at it; the caller audits it. The hash chain still
        links it (its next extension links every event it has not seen)."""
        with self._lock, self.writer.begin() as conn:
            row = conn.execute(
                select(errors).where(errors.c.name == NAME, errors.c.stopped.is_(True))
            ).first()
            if row is None or int(row.position) != position:
                raise ValueError(f"projection is not stopped at position {position}")
            current = conn.execute(
                select(tracking.c.position).where(tracking.c.name == NAME).with_for_update()
            ).scalar_one()
            skipped = self.recorder.select_notifications(
                start=current, limit=1, inclusive_of_start=False
            )
            if not skipped or skipped[0].id != position:
                raise ValueError(f"position {position} is not the next event to apply")
            conn.execute(update(tracking).where(tracking.c.name == NAME).values(position=position))
            conn.execute(
                insert(batches).values(
                    name=NAME,
                    after=current,
                    last=position,
                    events=0,
                    applied_by=f"skipped {_applier()}"[:80],
                    applied_at=datetime.now(UTC),
                )
            )
            conn.execute(delete(errors).where(errors.c.name == NAME))
        return skipped[0]

    def prune_batches(self, older_than: timedelta = BATCHES_KEPT) -> int:
        """Forget batches applied longer ago than ``older_than``, always keeping the newest
        (its key is what stops a batch from the same position committing twice)."""
        cutoff = datetime.now(UTC) - older_than
        with self.writer.begin() as conn:
            newest = conn.execute(newest_batch(batches.c.after)).scalar_one_or_none()
            if newest is None:
                return 0
            pruned = conn.execute(
                delete(batches).where(
                    batches.c.name == NAME,
                    batches.c.after < newest,
                    batches.c.applied_at < cutoff,
                )
            )
        return int(pruned.rowcount)

    def _prune_now_and_then(self) -> None:
        if time.monotonic() - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = time.monotonic()
        try:
            pruned = self.prune_batches()
        except Exception:  # a busy store: next time
            log.debug("pruning projection_batches failed", exc_info=True)
            return
        if pruned:
            log.info("pruned %d batch records older than %s", pruned, BATCHES_KEPT)

    def rebuild(self, progress: Progress | None = None, stop: threading.Event | None = None) -> int:
        """Build the read models afresh beside the live ones, then swap them in.

        The site serves the live ones meanwhile (and the projector keeps them current,
        unless they are of an older release). The fresh tables (``rm_…__next``) get the
        indexes the projector reads through at once and the others last; the swap drops
        the live tables and renames the fresh ones in one transaction that holds the
        tracking row. Any number of processes may rebuild at once: they share the work
        (one tracking row, compare-and-set), and one of them swaps. A rebuild stopped
        half-way (``stop``, a crash) goes on from where it was next time. Updaters that can
        ``recount`` (the aggregates) are not refreshed batch by batch while the fresh rows
        are incomplete: once they are, they count them in one pass (``beside.count``), and
        refresh after each batch from then on. Returns how many events this call applied."""
        with self._rebuilding:
            beside.install(self.engine)
            beside.prepare(self.writer, VERSION)
            applied = self._catch_up(NEXT, progress, stop)
            if stop is not None and stop.is_set():
                return applied
            beside.build_last_indexes(self.writer)
            beside.count(self.writer, self.recounts)  # through those indexes
            for _ in range(100):
                if beside.swap(self.writer, self._swap_tail):
                    self._current = True
                    return applied
                if stop is not None and stop.is_set():
                    return applied
                # the live read models moved past the fresh ones meanwhile: catch up again
                applied += self._catch_up(NEXT, progress, stop)
            raise RuntimeError("the rebuild could not catch up with the live read models")

    def _swap_tail(self, conn: Connection, live: int, fresh: int) -> None:
        """In the swap's transaction: chain what the fresh read models applied after the
        live ones' position (the live position becomes theirs), and move the records."""
        if fresh > live and self.after_batch:
            tail = self.recorder.select_notifications(
                start=live, limit=1_000_000, stop=fresh, inclusive_of_start=False
            )
            for step in self.after_batch:
                step(conn, tail)
        conn.execute(update(tracking).where(tracking.c.name == NAME).values(position=fresh))
        conn.execute(delete(tracking).where(tracking.c.name == NEXT))
        conn.execute(delete(versions).where(versions.c.name.in_((NAME, NEXT, beside.COUNTED))))
        conn.execute(versions.insert().values(name=NAME, version=VERSION))
        conn.execute(delete(batches).where(batches.c.name == NAME))
        conn.execute(update(batches).where(batches.c.name == NEXT).values(name=NAME))
        conn.execute(delete(errors).where(errors.c.name == NEXT))

    def run_forever(
        self, stop: threading.Event, interval: float = 1.0, gather: float = 0.0
    ) -> None:
        """Keep the read models current until ``stop`` is set. Woken by a notification, it
        waits ``gather`` seconds more before catching up, so that the writes of a busy
        moment are applied as one batch, not one batch each (a batch costs some twenty
        statements however few its events).

        Errors (the database restarting, a lock timeout) are logged and retried after
        ``interval``; a batch that failed was rolled back whole, so retrying is safe. An
        event that cannot be applied stops projection (recorded, logged once) until
        ``liaison projections resume``. Read models of an older release are rebuilt
        beside the live ones first."""
        reported = ""
        if not self._is_current():
            log.warning("the read models are of an older release: rebuilding them beside")
            self.rebuild(stop=stop)
        while not stop.is_set():
            try:
                with self._wakeups(gather) as wait:
                    while not stop.is_set():
                        applied = self.catch_up(stop=stop)
                        if applied:
                            log.info("applied %d events, now at %d", applied, self.position())
                        wait(stop, interval)
            except ProjectionStoppedError as stopped:
                if str(stopped) != reported:
                    reported = str(stopped)
                    log.error("%s; waiting for `liaison projections resume`", stopped)
                stop.wait(max(interval, 0.5))
            except Exception:
                if stop.is_set():
                    return
                log.exception("projecting failed; trying again in %.1f s", interval)
                stop.wait(max(interval, 0.5))

    def _apply_next_batch(
        self,
        conn: Connection,
        name: str = NAME,
        limit: int | None = None,
        expected: int | None = None,
    ) -> tuple[int, bool]:
        """Apply the next batch; returns how many events, and whether more may follow.

        The events are read before the write lock is taken, so no connection of the event
        store is waited for while holding it (on SQLite, a web worker's threads waiting for
        that lock can hold every pooled connection of the store). Under the lock the
        position is read again: events a rival applied meanwhile are left out; a position
        that went back (a rebuild began) sends the batch back to be read again. A failure
        that retrying would not mend is raised as ``_BatchFailedError``. ``expected``: the
        position as last seen (else it is read); the position seen under the lock is kept
        for the next batch."""
        limit = limit or (self.batch if name == NAME else self.rebuild_batch)
        if expected is None:
            expected = self.position(name)
        notifications = self.recorder.select_notifications(
            start=expected, limit=limit, inclusive_of_start=False
        )
        if not notifications:
            return 0, False
        more = len(notifications) == limit
        with conn.begin():
            position = conn.execute(
                select(tracking.c.position).where(tracking.c.name == name).with_for_update()
            ).scalar_one()
            self._known[name] = position
            if position < expected:
                return 0, True
            fresh = [n for n in notifications if n.id > position]
            if not fresh:
                return 0, more
            try:
                if name == NAME or beside.counted(conn):
                    self.apply(conn, fresh)
                else:  # a rebuild whose rows are not complete yet
                    self.apply(conn, fresh, counted=False)
            except Exception as error:
                if transient(error):
                    raise
                raise _BatchFailedError(fresh, error) from error
            if name == NAME:  # a rebuild beside links nothing: the chain follows the live log
                for step in self.after_batch:
                    step(conn, fresh)
            last = fresh[-1].id
            moved = conn.execute(
                update(tracking)
                .where(tracking.c.name == name, tracking.c.position == position)
                .values(position=last)
            )
            if moved.rowcount != 1:
                raise PositionMovedError(f"position {position} moved while applying a batch")
            self._known[name] = last  # a failed commit raises: the next catch-up reads afresh
            conn.execute(
                insert(batches).values(
                    name=name,
                    after=position,
                    last=last,
                    events=len(fresh),
                    applied_by=f"{self.label} {_applier()}".strip()[:80],
                    applied_at=datetime.now(UTC),
                )
            )
            log.debug("applied %d events after %d", len(fresh), position)
            return len(fresh), more

    def apply(
        self, conn: Connection, notifications: Sequence[Notification], counted: bool = True
    ) -> None:
        """Decode the batch, gather its row changes, write them set-based, then run the
        updaters over what changed: only those that cannot ``recount`` while a rebuild's
        rows are not yet complete and counted (``counted`` False)."""
        if counted:
            updaters, watched = self.updaters, self.watched
        else:
            updaters, watched = self.uncounted, self._uncounted_watched
        changes = Changes(watched)
        to_domain_event, handlers = self.mapper.to_domain_event, self.handlers
        for notification in notifications:
            event = to_domain_event(notification)
            handler = handlers.get(type(event))
            if handler is not None:  # events no view needs still advance the position
                handler(event, changes)
        changes.write(conn)
        for updater in updaters:
            updater.refresh(conn, changes)

    @contextlib.contextmanager
    def _wakeups(self, gather: float = 0.0) -> Iterator[Wait]:
        """How to wait for the next event: PostgreSQL's NOTIFY, sent by the library with
        every insert (then ``gather`` seconds more), else polling. The listening connection
        is closed, not pooled."""
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
                        stop.wait(gather)
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
