"""Batches of opinions sent later: a collector's device coming back online, a spreadsheet of
letters typed in by staff.

Each item is applied once per ``client_key``, however often the batch is sent again (a flaky
network, a retry, two open tabs): the key, scoped by the account that sends it, is claimed
with the item's suggestion id by the one admission path (``AdmissionCommands.admit_once``),
which answers a repeat with the first receipt. Items are independent: one that is refused is
answered ``invalid`` and the others go on.

``said_by`` holds the resident's own words when the sender kept them apart from its own note;
the suggestion's content is then those words, and ``content`` is kept as the collector's note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal
from uuid import UUID

from domain.errors import DomainError, InvalidValueError, UnknownArticleError
from domain.suggestion import Channel, Suggestion
from liaison.commands.admission import AdmissionCommands, Opinion, Visit
from liaison.errors import ConflictError
from liaison.idempotency import KeyReusedError, StillRunningError, checked_key, fingerprint
from liaison.rights import GATHERERS, Actor, ForbiddenError, require_role

BatchStatus = Literal["created", "duplicate", "invalid"]


@dataclass(frozen=True)
class BatchItem:
    """One opinion of a batch, as its sender wrote it down."""

    client_key: str
    contact_point_id: UUID
    draft_id: UUID
    content: str
    article: int | None = None
    said_by: str | None = None
    received_on: date | None = None
    channel: str = Channel.COLLECTOR.value
    name: str | None = None
    phone: str | None = None
    neighbourhood: str | None = None


@dataclass
class BatchResult:
    client_key: str
    status: BatchStatus
    receipt: str | None = None
    errors: list[dict[str, str]] = field(default_factory=list)


def invalid(client_key: str, where: str, message: str) -> BatchResult:
    return BatchResult(client_key, "invalid", errors=[{"field": where, "message": message}])


def _answer(suggestion: Suggestion) -> dict[str, Any]:
    return {"id": suggestion.id.hex, "receipt": suggestion.receipt}


class BatchCommands(AdmissionCommands):
    def record_batch(self, actor: Actor, items: Sequence[BatchItem]) -> list[BatchResult]:
        """Record each item once per client key; a refused item does not stop the others.
        A failure of the store stops the batch (the sender sends it again: the items done
        answer ``duplicate`` with their receipts)."""
        require_role(actor, GATHERERS)
        return [self._one(actor, item) for item in items]

    def _one(self, actor: Actor, item: BatchItem) -> BatchResult:
        try:
            key = checked_key(item.client_key)
        except InvalidValueError as refusal:
            return invalid(item.client_key, "client_key", refusal.message)
        words, note = item.content, None
        if item.said_by is not None and item.said_by.strip():
            words = item.said_by
            note = item.content if item.content.strip() != item.said_by.strip() else None
        opinion = Opinion(
            item.contact_point_id,
            item.draft_id,
            words,
            item.channel,
            item.article,
            received_on=item.received_on,
            name=item.name,
            phone=item.phone,
            collector_note=note,
            neighbourhood=item.neighbourhood,
        )
        visit = Visit(
            address="",
            key="batch:" + fingerprint(actor.username, key),  # two accounts' keys never meet
            print_=fingerprint(_printed(item)),
            answer_of=_answer,
            per_minute=0,
        )
        try:
            (_status, body), repeated = self.admit_once(actor, opinion, visit)
        except KeyReusedError:
            return invalid(key, "client_key", "already used for a different opinion")
        except InvalidValueError as refusal:
            return invalid(key, refusal.field, refusal.message)
        except ForbiddenError as refusal:
            return invalid(key, "contact_point_id", str(refusal))
        except UnknownArticleError as refusal:
            return invalid(key, "article", str(refusal))
        except DomainError as refusal:
            if _transient(refusal):
                raise
            return invalid(key, "item", str(refusal))
        return BatchResult(key, "duplicate" if repeated else "created", body["receipt"])


def _printed(item: BatchItem) -> dict[str, Any]:
    """What the sender said, fingerprinted with the key: a field added later is left out
    while empty, so an item sent before it existed is still the same item."""
    printed = {
        "contact_point_id": item.contact_point_id.hex,
        "draft_id": item.draft_id.hex,
        "content": item.content,
        "article": item.article,
        "said_by": item.said_by,
        "received_on": item.received_on.isoformat() if item.received_on else None,
        "channel": item.channel,
        "name": item.name,
        "phone": item.phone,
    }
    if item.neighbourhood is not None:
        printed["neighbourhood"] = item.neighbourhood
    return printed


def _transient(error: DomainError) -> bool:
    """A failure the sender should retry (the batch fails), not a refusal of the item."""
    return isinstance(error, ConflictError | StillRunningError)
