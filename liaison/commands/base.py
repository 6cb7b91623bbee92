"""The shared core of the application service: configuration, save, get."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, PersistenceError, RecordConflictError
from eventsourcing.utils import Environment, EnvType
from sqlalchemy.exc import SQLAlchemyError

from liaison.clock import Clock
from liaison.errors import ConflictError, NotFoundError
from liaison.personal_data import PersonalDataVault
from liaison.receipts import ReceiptBook
from liaison.transcodings import DateAsISO

A = TypeVar("A", bound=Aggregate)
log = logging.getLogger(__name__)
PUBLIC = "public"


class ServiceBase(Application[UUID]):
    """Fetch, command, save: what every group of commands shares."""

    def __init__(
        self,
        env: EnvType,
        vault: PersonalDataVault,
        receipts: ReceiptBook,
        clock: Clock,
    ) -> None:
        self.vault = vault
        self.receipts = receipts
        self.clock = clock
        self.on_saved: Callable[[], None] | None = None
        super().__init__(env)

    def construct_env(self, name: str, env: EnvType | None = None) -> Any:
        """Configure from the settings only: the library must not read ``os.environ``."""
        return Environment(name, dict(env or {}))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def save(self, *aggregates: Any, **kwargs: Any) -> Any:
        """Save atomically; a concurrent change to the same aggregate is a ConflictError."""
        try:
            recordings = super().save(*aggregates, **kwargs)
        except RecordConflictError as error:
            raise ConflictError("changed by someone else at the same time; try again") from error
        if self.on_saved is not None:
            try:
                self.on_saved()
            except (
                PersistenceError,
                SQLAlchemyError,
            ):  # saved and durable: read models catch up later
                log.warning("read models not brought up to date after a save", exc_info=True)
        return recordings

    def get(self, aggregate_id: UUID, kind: type[A]) -> A:
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFoundError(f"no {kind.__name__} {aggregate_id}") from None
        if not isinstance(aggregate, kind):
            raise NotFoundError(f"no {kind.__name__} {aggregate_id}")
        return aggregate

    def _today(self, on: date | None) -> date:
        return on or self.clock.today()

    def _change(self, aggregate_id: UUID, kind: type[A], command: Callable[[A], None]) -> A:
        aggregate = self.get(aggregate_id, kind)
        command(aggregate)
        self.save(aggregate)
        return aggregate
