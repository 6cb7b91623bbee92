"""Keeps the read models current by pulling the event log in batches.

The library's SQLite recorder cannot push (its ``subscribe`` is not implemented), so the
projector pulls pages of notifications after its tracking position. Each batch is applied
in one transaction that also advances the position; the position row is locked first
(``BEGIN IMMEDIATE`` on SQLite, ``SELECT … FOR UPDATE`` on PostgreSQL), so two projectors
never apply the same event and a crash loses nothing but the unfinished batch.
Positions may have gaps (PostgreSQL): only "after the last seen position" is assumed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import Mapper, Notification
from sqlalchemy import Connection, Engine, select, update

from projections import handlers
from projections.tables import metadata, tracking

if TYPE_CHECKING:
    from liaison.chain import HashChain

NAME = "read_models"

Progress = Callable[[int, int], None]


class Projector:
    def __init__(
        self,
        recorder: Any,
        mapper: Mapper[Any],
        engine: Engine,
        batch: int = 1000,
        chain: HashChain | None = None,
    ) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.engine = engine
        self.chain = chain
        self.writer = engine.execution_options(sqlite_begin="IMMEDIATE")
        self.batch = batch
        self._lock = threading.Lock()

    def create_tables(self) -> None:
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            if (
                conn.execute(select(tracking.c.position).where(tracking.c.name == NAME)).first()
                is None
            ):
                conn.execute(tracking.insert().values(name=NAME, position=0))

    def position(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(tracking.c.position).where(tracking.c.name == NAME)
                ).scalar_one()
            )

    def catch_up(self, progress: Progress | None = None) -> int:
        """Apply every event recorded after the tracking position; returns how many."""
        applied = 0
        with self._lock:
            while True:
                count = self._apply_next_batch()
                applied += count
                if progress is not None and count:
                    progress(applied, count)
                if count < self.batch:
                    return applied

    def rebuild(self, progress: Progress | None = None) -> int:
        """Drop every read model and replay the whole log into new ones."""
        with self._lock:
            metadata.drop_all(self.engine)
        self.create_tables()
        return self.catch_up(progress)

    def _apply_next_batch(self) -> int:
        with self.writer.begin() as conn:
            position = conn.execute(
                select(tracking.c.position).where(tracking.c.name == NAME).with_for_update()
            ).scalar_one()
            notifications = self.recorder.select_notifications(
                start=position, limit=self.batch, inclusive_of_start=False
            )
            if notifications:
                self.apply(conn, notifications)
                if self.chain is not None:
                    self.chain.extend(conn, notifications)
                conn.execute(
                    update(tracking)
                    .where(tracking.c.name == NAME)
                    .values(position=notifications[-1].id)
                )
            return len(notifications)

    def apply(self, conn: Connection, notifications: Sequence[Notification]) -> None:
        for notification in notifications:
            handlers.apply(self.mapper.to_domain_event(notification), conn)
