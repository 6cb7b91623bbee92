"""The shared core of the application service: configuration, save, get."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    ConnectionUnavailableError,
    JSONTranscoder,
    RecordConflictError,
)
from eventsourcing.sqlite import SQLiteAggregateRecorder
from eventsourcing.utils import Environment, EnvType

from domain.base import LiaisonAggregate
from liaison.clock import Clock
from liaison.errors import ConflictError, NotFoundError
from liaison.personal_data import PersonalDataVault
from liaison.receipts import ReceiptBook
from liaison.rights import Actor, require_own, require_visible
from liaison.transcodings import DateAsISO

A = TypeVar("A", bound=Aggregate)
log = logging.getLogger(__name__)
WRITER_WAIT = 5.0
"""Seconds a save waits for its turn to write: as long as the library's pool would wait."""


class ServiceBase(Application[UUID]):
    """Fetch, command, save: what every group of commands shares."""

    def __init__(
        self,
        env: EnvType,
        vault: PersonalDataVault,
        receipts: ReceiptBook,
        clock: Clock,
        on_saved: Callable[[], None] | None = None,
    ) -> None:
        self.vault = vault
        self.receipts = receipts
        self.clock = clock
        self.on_saved = on_saved
        """Run after each save (``follow_up``): bootstrap passes the projector's catch-up."""
        super().__init__(env)
        # SQLite writes one at a time. The library's pool hands out its one writer connection
        # from behind a queue that every reader stands in too, so a save waiting for the
        # writer held up every read in the process (503s under a few concurrent writers).
        # Saves take turns here instead, out of the readers' way.
        self._writer = (
            threading.Lock() if isinstance(self.recorder, SQLiteAggregateRecorder) else None
        )

    def construct_env(self, name: str, env: EnvType | None = None) -> Any:
        """Configure from the settings only: the library must not read ``os.environ``."""
        return Environment(name, dict(env or {}))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def save(self, *aggregates: Any, **kwargs: Any) -> Any:
        """Save atomically; a concurrent change to the same aggregate is a ConflictError.
        Nothing is saved dated after the clock's today: every command's events pass here."""
        today = self.clock.today()
        for aggregate in aggregates:
            if isinstance(aggregate, LiaisonAggregate):
                aggregate.require_dated_by(today)
        try:
            recordings = self.write(*aggregates, **kwargs)
        except RecordConflictError as error:
            raise ConflictError("changed by someone else at the same time; try again") from error
        self.follow_up()
        return recordings

    def write(self, *aggregates: Any, **kwargs: Any) -> Any:
        """Save atomically in the writer's turn, and nothing more: the store's own
        ``RecordConflictError`` is raised as it is, and the read models are left alone."""
        with self._turn_to_write():
            return super().save(*aggregates, **kwargs)

    def follow_up(self) -> None:
        """Bring the read models up to date after a save, so its caller reads its write."""
        if self.on_saved is None:
            return
        try:
            self.on_saved()
        except Exception as error:
            # Saved and durable, whatever the read models make of it (a busy store, an
            # event they cannot apply): the save is answered as done, since a 500 here
            # would invite a retry that records it twice. They catch up later. The
            # projector records the trouble (``projection_errors``: /healthz, the pages'
            # notice, ``liaison projections status``); a stop needs no traceback each time.
            log.warning(
                "read models not brought up to date after a save: %s",
                error,
                exc_info=not getattr(error, "recorded", False),
            )

    @contextmanager
    def _turn_to_write(self) -> Iterator[None]:
        if self._writer is None:  # PostgreSQL: many writers at once
            yield
            return
        if not self._writer.acquire(timeout=WRITER_WAIT):  # answered 503, like a locked store
            raise ConnectionUnavailableError("timed out waiting for the event store's writer")
        try:
            yield
        finally:
            self._writer.release()

    def get(self, aggregate_id: UUID, kind: type[A]) -> A:
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFoundError(f"no {kind.__name__} {aggregate_id}") from None
        if not isinstance(aggregate, kind):
            raise NotFoundError(f"no {kind.__name__} {aggregate_id}")
        return aggregate

    def fetch(self, actor: Actor, aggregate_id: UUID, kind: type[A]) -> A:
        """The aggregate, if the actor may see it: another contact point's record does not
        exist for its staff (``HiddenError``, answered as an unknown id)."""
        found = self.get(aggregate_id, kind)
        what = f"{kind.__name__} {aggregate_id}"
        point = getattr(found, "contact_point_id", None)
        if point is not None:
            require_visible(actor, point, what)
        require_own(actor, getattr(found, "recorded_by", ""), what)
        return found

    def _today(self, on: date | None) -> date:
        return on or self.clock.today()

    def _change(
        self, actor: Actor, aggregate_id: UUID, kind: type[A], command: Callable[[A], None]
    ) -> A:
        """Fetch what the actor may see, command it, save it."""
        aggregate = self.fetch(actor, aggregate_id, kind)
        command(aggregate)
        self.save(aggregate)
        return aggregate
