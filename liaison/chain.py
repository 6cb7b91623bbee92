"""A SHA-256 hash chain over the event log, so that an edited, deleted or inserted event shows.

Each event's link hashes the previous link with the event exactly as stored (originator id,
version, topic, state bytes). Links are appended by the projector in the same transaction
that advances its position (bootstrap hands it ``extend`` as an after-batch step), and kept
in ``event_chain``, which is not a read model: a projections rebuild replays the log but
never drops or rewrites a link. The table is defined with the projector's records
(projections/projector.py), where the desk's lists read the positions too.
Positions may have gaps (PostgreSQL): links follow the log's order, never position + 1.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Notification
from sqlalchemy import Connection, Engine, insert, select

from projections.projector import event_chain

GENESIS = "0" * 64

_IN_CLAUSE = 500  # positions per IN (...) query, well under any driver's parameter limit


def link(previous: str, notification: Notification) -> str:
    """The link of one event: each part is length-prefixed, so no bytes can move from one
    part into its neighbour without changing the hash."""
    parts = (
        previous.encode("ascii"),
        _originator(notification).encode(),
        str(notification.originator_version).encode("ascii"),
        notification.topic.encode("utf-8"),
        notification.state,
    )
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainHead:
    position: int
    hash: str


@dataclass(frozen=True)
class Verification:
    events: int
    head_hash: str
    ok: bool
    first_broken: int | None
    reason: str | None
    unchained: int = 0
    """Events after the chain's head, not linked yet (not a fault: the projector is behind)."""


class HashChain:
    def __init__(self, engine: Engine, recorder: ApplicationRecorder) -> None:
        self.engine = engine
        self.recorder = recorder

    def extend(self, conn: Connection, notifications: Sequence[Notification]) -> None:
        """Link the notifications after the chain's head, in the caller's transaction.

        Ones already linked are skipped, so a rebuild replaying from position 0 changes
        nothing. Should the log hold events between the head and the first new one (a chain
        added to an existing database), those are linked first, so no event is left out."""
        head = self.head(conn)
        fresh = [n for n in notifications if n.id > head.position]
        if not fresh:
            return
        missing = self._between(head.position, fresh[0].id)
        previous, rows = head.hash, []
        for notification in [*missing, *fresh]:
            previous = link(previous, notification)
            rows.append(
                {
                    "position": notification.id,
                    "hash": previous,
                    "originator_id": _originator(notification),
                    "version": notification.originator_version,
                }
            )
        conn.execute(insert(event_chain), rows)

    def head(self, conn: Connection) -> ChainHead:
        row = conn.execute(
            select(event_chain.c.position, event_chain.c.hash)
            .order_by(event_chain.c.position.desc())
            .limit(1)
        ).first()
        return ChainHead(0, GENESIS) if row is None else ChainHead(int(row[0]), str(row[1]))

    def positions_of(self, conn: Connection, originator_id: UUID) -> dict[int, int]:
        """Version → position of one aggregate's events."""
        rows = conn.execute(
            select(event_chain.c.version, event_chain.c.position).where(
                event_chain.c.originator_id == originator_id.hex
            )
        )
        return {int(version): int(position) for version, position in rows}

    def hashes(self, conn: Connection, positions: Sequence[int]) -> dict[int, str]:
        """The links of these positions (the event feed); unlinked positions are absent."""
        found: dict[int, str] = {}
        wanted = sorted(set(positions))
        for start in range(0, len(wanted), _IN_CLAUSE):
            chunk = wanted[start : start + _IN_CLAUSE]
            rows = conn.execute(
                select(event_chain.c.position, event_chain.c.hash).where(
                    event_chain.c.position.in_(chunk)
                )
            )
            found.update((int(position), str(value)) for position, value in rows)
        return found

    def verify(self, page: int = 5000) -> Verification:
        """Recompute every link from the stored events and compare it with the stored one.

        Names the first position that breaks: an event whose bytes changed, a linked event
        missing from the log, or an unlinked event before the head. Events after the head
        are counted as not yet linked. Both sides are read page by page, by position."""
        with self.engine.connect() as conn:
            stored_head = self.head(conn)
        links = self._links(stored_head.position, page)
        events = self._log(page)
        recomputed, checked = GENESIS, 0
        broken: tuple[int, str] | None = None
        event = next(events, None)
        for position, stored in links:
            while event is not None and event.id < position:
                # an event between linked positions that was never linked: inserted
                broken = broken or (event.id, f"event {event.id} is in the log but not chained")
                recomputed = link(recomputed, event)
                event = next(events, None)
            checked += 1
            if event is None or event.id > position:
                broken = broken or (position, f"event {position} is missing from the log")
                continue
            recomputed = link(recomputed, event)
            if broken is None and recomputed != stored:
                broken = (position, f"event {position} does not match its hash")
            event = next(events, None)
        unchained = sum(1 for _ in events) + (event is not None)
        if broken is None:
            return Verification(checked, stored_head.hash, True, None, None, unchained)
        return Verification(checked, recomputed, False, broken[0], broken[1], unchained)

    def _between(self, after: int, before: int) -> list[Notification]:
        """Events in the log strictly between two positions (normally none)."""
        if before - after <= 1:
            return []
        return list(self._log(1000, start=after, stop=before - 1))

    def _links(self, last: int, page: int) -> Iterator[tuple[int, str]]:
        cursor = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(event_chain.c.position, event_chain.c.hash)
                    .where(event_chain.c.position > cursor, event_chain.c.position <= last)
                    .order_by(event_chain.c.position)
                    .limit(page)
                ).all()
            for position, value in rows:
                yield int(position), str(value)
            if len(rows) < page:
                return
            cursor = int(rows[-1][0])

    def _log(self, page: int, start: int = 0, stop: int | None = None) -> Iterator[Notification]:
        cursor = start
        while True:
            batch = self.recorder.select_notifications(
                start=cursor, limit=page, stop=stop, inclusive_of_start=False
            )
            yield from batch
            if len(batch) < page:
                return
            cursor = batch[-1].id


def _originator(notification: Notification) -> str:
    originator = notification.originator_id
    return originator.hex if isinstance(originator, UUID) else str(originator)
