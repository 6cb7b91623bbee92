"""Idempotent public comments: a repeat with the same key returns the first answer.

The first request with a key claims it (a row with a unique key) together with the id its
suggestion will have. Repeats wait for the first answer and return it. If the first attempt
died half-way, a later repeat finds the claim stale and finishes the work with the same
suggestion id, so the event store's key on (id, version) lets at most one suggestion exist
per key, whatever crashes or races happen in between.

Each attempt holds the claim by the time it took it (``claimed_at``), and gives it back
(released, or forgotten after a refusal) only while it still holds it: an attempt that was
slow enough to be taken over can no longer free the key for a second suggestion. A repeat
that finds the claim still held first looks in the log, so a worker that died after saving
is answered at once rather than when its claim goes stale.
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
    Connection,
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
from liaison.database import insert_or_ignore, metadata

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

    def run(
        self,
        key: str,
        print_: str,
        action: Callable[[UUID], Answer],
        lookup: Callable[[UUID], Answer | None] | None = None,
    ) -> Answer:
        """``action(suggestion_id)`` runs at most once to completion per key; ``lookup``
        answers for a suggestion already saved, or None."""
        key = checked_key(key)
        deadline = time.monotonic() + WAIT_SECONDS
        looked = False
        while True:
            held = self._claim(key, print_)
            if held is not None:  # ours: do the work
                return self._finish(key, action, *held, first=True)
            row = self._get(key)
            if row is None:  # forgotten after a refusal meanwhile: claim it afresh
                continue
            if row["fingerprint"] != print_:
                raise KeyReusedError()
            if row["status"] is not None:
                return int(row["status"]), json.loads(row["body"])
            suggestion_id = UUID(row["suggestion_id"])
            if lookup is not None and (not looked or time.monotonic() > deadline):
                looked = True  # the holder may have saved, then died or failed to answer
                found = lookup(suggestion_id)
                if found is not None:
                    self._answer(key, found)
                    return found
            if _age(row["claimed_at"]) > STALE_AFTER:
                taken = self._take_over(key, row["claimed_at"])
                if taken is not None:
                    return self._finish(key, action, suggestion_id, taken, first=False)
            if time.monotonic() > deadline:
                raise StillRunningError("the first request with this key is still running")
            time.sleep(0.05)

    def _finish(
        self,
        key: str,
        action: Callable[[UUID], Answer],
        suggestion_id: UUID,
        held_since: datetime,
        first: bool,
    ) -> Answer:
        try:
            answer = action(suggestion_id)
        except REFUSALS:
            if first:  # nobody else ever worked on this id: the key may be used afresh
                self._forget(key, held_since)
            else:  # the attempt taken over may still save this id: keep key and id together
                self._release(key, held_since)
            raise
        except Exception:  # failed, perhaps after saving: a retry finishes with the same id
            self._release(key, held_since)
            raise
        self._answer(key, answer)
        return answer

    def _claim(self, key: str, print_: str) -> tuple[UUID, datetime] | None:
        """Our new claim (its suggestion id and when it was taken), or None if taken."""
        suggestion_id, now = uuid4(), datetime.now(UTC)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(idempotency_keys).values(
                        key=key,
                        fingerprint=print_,
                        suggestion_id=suggestion_id.hex,
                        claimed_at=now,
                    )
                )
        except IntegrityError:
            return None
        return suggestion_id, now

    def claim_many(
        self, conn: Connection, claims: list[tuple[str, str, UUID]], now: datetime
    ) -> set[UUID]:
        """Claim keys ``(key, fingerprint, suggestion id)`` in the caller's transaction, in
        the order given; the suggestion ids whose claims were made now. The others' keys were
        claimed before (or earlier in the list): repeats, to be answered by ``run``."""
        if not claims:
            return set()
        ours = {(k, i.hex): i for k, _p, i in claims}
        # executemany with RETURNING: one statement for all (SQLAlchemy's "insertmanyvalues"),
        # compiled once and cached, where a multi-row ``values([...])`` is compiled each time
        made = conn.execute(
            insert_or_ignore(idempotency_keys).returning(
                idempotency_keys.c.key, idempotency_keys.c.suggestion_id
            ),
            [
                {"key": k, "fingerprint": p, "suggestion_id": i.hex, "claimed_at": now}
                for k, p, i in claims
            ],
        )
        return {ours[row.key, row.suggestion_id] for row in made}

    def forget_in(self, conn: Connection, key: str, held_since: datetime) -> None:
        """Free a key claimed in the caller's transaction, which refused its request."""
        conn.execute(delete(idempotency_keys).where(self._held_by(key, held_since)))

    def release(self, key: str, held_since: datetime) -> None:
        """Let the next repeat take over at once (a failure after the claim was committed)."""
        self._release(key, held_since)

    def _answer(self, key: str, answer: Answer) -> None:
        status, body = answer
        with self.engine.begin() as conn:
            conn.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.key == key)
                .values(status=status, body=json.dumps(body, default=str))
            )

    def _held_by(self, key: str, held_since: datetime) -> Any:
        return (idempotency_keys.c.key == key) & (idempotency_keys.c.claimed_at == held_since)

    def _forget(self, key: str, held_since: datetime) -> None:
        """Free the key after a refusal, unless someone has taken the claim over since."""
        with self.engine.begin() as conn:
            conn.execute(delete(idempotency_keys).where(self._held_by(key, held_since)))

    def _release(self, key: str, held_since: datetime) -> None:
        """Let the next repeat take over at once, keeping the suggestion id of this attempt."""
        with contextlib.suppress(Exception), self.engine.begin() as conn:
            conn.execute(
                update(idempotency_keys)
                .where(self._held_by(key, held_since))
                .values(claimed_at=RELEASED)
            )

    def _take_over(self, key: str, claimed_at: datetime) -> datetime | None:
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.key == key, idempotency_keys.c.claimed_at == claimed_at)
                .values(claimed_at=now)
            )
        return now if taken.rowcount == 1 else None

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
