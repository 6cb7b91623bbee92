"""Idempotent public comments: a repeat with the same key returns the first answer.

The first request with a key claims it (a row with a unique key) together with the id its
suggestion will have. Repeats wait for the first answer and return it. If the first attempt
died half-way, a later repeat finds the claim stale and finishes the work with the same
suggestion id, so the event store's key on (id, version) lets at most one suggestion exist
per key, whatever crashes or races happen in between.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from domain.errors import DomainError, InvalidValueError
from liaison.database import metadata

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("suggestion_id", String(32), nullable=False),
    Column("status", Integer),
    Column("body", Text),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
)

MAX_KEY = 128
STALE_AFTER = timedelta(seconds=30)
WAIT_SECONDS = 10.0

Answer = tuple[int, dict[str, Any]]
RELEASED = datetime(2000, 1, 1, tzinfo=UTC)


class KeyReusedError(InvalidValueError):
    def __init__(self) -> None:
        super().__init__("Idempotency-Key", "already used for a different request")


class StillRunningError(DomainError):
    """The first request with this key has not answered yet; retry in a moment."""


REFUSALS = (DomainError,)


def fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def checked_key(key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY or not key.isascii() or not key.isprintable():
        raise InvalidValueError("Idempotency-Key", f"1–{MAX_KEY} printable ASCII characters")
    return key


class IdempotencyStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(self, key: str, print_: str, action: Callable[[UUID], Answer]) -> Answer:
        """``action(suggestion_id)`` runs at most once to completion per key."""
        key = checked_key(key)
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            row = self._claim_or_get(key, print_)
            if row is None:  # ours: do the work
                return self._finish(key, action, self._get(key)["suggestion_id"])
            if row["fingerprint"] != print_:
                raise KeyReusedError()
            if row["status"] is not None:
                return int(row["status"]), json.loads(row["body"])
            if _age(row["claimed_at"]) > STALE_AFTER and self._take_over(key, row["claimed_at"]):
                return self._finish(key, action, row["suggestion_id"])
            if time.monotonic() > deadline:
                raise StillRunningError("the first request with this key is still running")
            time.sleep(0.02)

    def _finish(self, key: str, action: Callable[[UUID], Answer], suggestion_id: str) -> Answer:
        try:
            status, body = action(UUID(suggestion_id))
        except REFUSALS:  # refused before anything was saved: the key may be used again
            with self.engine.begin() as conn:
                conn.execute(delete(idempotency_keys).where(idempotency_keys.c.key == key))
            raise
        except Exception:  # failed, perhaps after saving: a retry finishes with the same id
            self._release(key)
            raise
        with self.engine.begin() as conn:
            conn.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.key == key)
                .values(status=status, body=json.dumps(body, default=str))
            )
        return status, body

    def _claim_or_get(self, key: str, print_: str) -> dict[str, Any] | None:
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(idempotency_keys).values(
                        key=key,
                        fingerprint=print_,
                        suggestion_id=uuid4().hex,
                        claimed_at=datetime.now(UTC),
                    )
                )
            return None
        except IntegrityError:
            return self._get(key) or self._claim_or_get(key, print_)

    def _release(self, key: str) -> None:
        """Let the next repeat take over at once, keeping the suggestion id of this attempt."""
        with contextlib.suppress(Exception), self.engine.begin() as conn:
            conn.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.key == key)
                .values(claimed_at=RELEASED)
            )

    def _take_over(self, key: str, claimed_at: datetime) -> bool:
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.key == key, idempotency_keys.c.claimed_at == claimed_at)
                .values(claimed_at=datetime.now(UTC))
            )
        return taken.rowcount == 1

    def _get(self, key: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(idempotency_keys).where(idempotency_keys.c.key == key)
            ).first()
        return dict(row._mapping) if row else None


def _age(claimed_at: datetime) -> timedelta:
    if claimed_at.tzinfo is None:  # SQLite returns naive datetimes
        claimed_at = claimed_at.replace(tzinfo=UTC)
    return datetime.now(UTC) - claimed_at
