"""Campaigns (群发意见): the same sentence sent by many, grouped for screening in one action.

A query, never kept by the projector: the open suggestions (received or accepted: those that
may still be merged) of one draft and contact point are read, then

1. texts identical once normalised (``similarity.letters``: widths folded, punctuation,
   quotes and spaces dropped, Latin letters in lower case) fall into one bucket at once;
2. the distinct normalised texts are sketched by one-permutation MinHash over their character
   trigrams (``BINS`` bins of one 32-bit hash each, empty bins filled from the next one) and
   banded (``BANDS`` bands of ``ROWS`` bins): texts sharing a band are candidates;
3. a candidate joins a cluster only if the Jaccard similarity of its trigrams with one of the
   cluster's leaders in that bucket is at least ``THRESHOLD``; clusters are unioned.

Each text is compared with at most ``LEADERS`` leaders per band, so the work grows with the
number of texts, not with their square, however large a campaign is. Pure Python: one hash
per trigram, the rest are dictionary look-ups.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, select

from domain.suggestion import UNREPORTED
from projections.projector import event_chain
from projections.similarity import letters
from projections.tables import drafts, participants, suggestions

THRESHOLD = 0.5
"""Least Jaccard similarity of two texts' trigram sets for them to be near-identical: a word
or two added, or a character or two changed, in a sentence of some forty characters."""
BINS = 32
ROWS = 4
BANDS = BINS // ROWS
LEADERS = 4
EMPTY = 1 << 32
OPEN_STATES = tuple(s.value for s in UNREPORTED)
CHUNK = 500
"""Ids per statement when members are read (well under either database's bound)."""


@dataclass(frozen=True)
class Text:
    """One suggestion to group: its id (hex), when it came and its words."""

    id: str
    content: str


def _shingles(normalised: str) -> frozenset[str]:
    """Character trigrams: bigrams of a law's few hundred words recur in every comment."""
    if len(normalised) < 3:
        return frozenset([normalised]) if normalised else frozenset()
    return frozenset(map("".join, zip(normalised, normalised[1:], normalised[2:], strict=False)))


_hashes: dict[str, int] = {}
"""Each trigram's hash, worked out once (trigrams in use are some hundred thousands)."""


def _sketch(shingles: frozenset[str]) -> tuple[int, ...]:
    """One-permutation MinHash: each shingle's hash falls into one bin, the least is kept."""
    bins = [EMPTY] * BINS
    if len(_hashes) > 1_000_000:
        _hashes.clear()  # a bound on memory: they are worked out again when needed
    for shingle in shingles:
        h = _hashes.get(shingle)
        if h is None:
            h = _hashes[shingle] = zlib.crc32(shingle.encode())
        b = h % BINS
        if h < bins[b]:
            bins[b] = h
    if EMPTY not in bins or all(b == EMPTY for b in bins):
        return tuple(bins)
    # densify: an empty bin takes the next filled bin's value (circularly), told apart by
    # how far it looked, so that two texts agree on it only if they agree on that bin
    dense = list(bins)
    for i in range(BINS):
        step = 1
        while dense[i] == EMPTY:
            found = bins[(i + step) % BINS]
            if found != EMPTY:
                dense[i] = found + step * EMPTY
            step += 1
    return tuple(dense)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 1.0 if a == b else 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


class _Union:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def clusters(texts: Sequence[str], threshold: float = THRESHOLD) -> list[list[int]]:
    """Indexes of the texts grouped: identical once normalised, or near-identical. Every text
    is in exactly one cluster (most alone); each cluster in the texts' order."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, text in enumerate(texts):
        by_key[letters(text)].append(index)
    keys = list(by_key)
    shingles = [_shingles(k) for k in keys]
    union = _Union(len(keys))
    leaders: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    for k, mine in enumerate(shingles):
        if not mine:
            continue
        sketch = _sketch(mine)
        for band in range(BANDS):
            bucket = leaders.setdefault((band, sketch[band * ROWS : (band + 1) * ROWS]), [])
            if not bucket:  # the first text of its kind in this band leads it
                bucket.append(k)
                continue
            for leader in bucket:
                if union.find(leader) == union.find(k):
                    break
                theirs = shingles[leader]
                if min(len(mine), len(theirs)) < threshold * max(len(mine), len(theirs)):
                    continue  # sizes too far apart for the Jaccard to reach the threshold
                if _jaccard(mine, theirs) >= threshold:
                    union.join(leader, k)
                    break
            else:
                if len(bucket) < LEADERS:
                    bucket.append(k)
    grouped: dict[int, list[int]] = defaultdict(list)
    for k, key in enumerate(keys):
        grouped[union.find(k)].extend(by_key[key])
    return [sorted(members) for members in grouped.values()]


def group(items: Sequence[Text], min_size: int = 2) -> list[dict[str, Any]]:
    """The groups of at least ``min_size`` among these texts, largest first; each names its
    members (in the order given: the first is the sample and the one to merge into) and
    whether they are all identical once normalised."""
    found = []
    for members in clusters([t.content for t in items]):
        if len(members) < max(min_size, 2):
            continue
        first = items[members[0]]
        exact = len({letters(items[m].content) for m in members}) == 1
        found.append(
            {
                "size": len(members),
                "exact": exact,
                "sample": first.content,
                "suggestion_ids": [items[m].id for m in members],
            }
        )
    found.sort(key=lambda g: (-g["size"], g["suggestion_ids"][0]))
    return found


def draft_groups(
    conn: Connection, draft_id: UUID, contact_point_ids: Iterable[UUID] | None, min_size: int = 2
) -> list[dict[str, Any]] | None:
    """The campaigns among one draft's open suggestions, per contact point (merging happens
    within one), largest first; ``contact_point_ids`` ``None`` for every contact point.
    ``None`` when there is no such draft."""
    if conn.execute(select(drafts.c.id).where(drafts.c.id == draft_id.hex)).first() is None:
        return None
    s = suggestions.c
    statement = (
        select(s.id, s.contact_point_id, s.content)
        .where(s.draft_id == draft_id.hex, s.status.in_(OPEN_STATES))
        .order_by(s.contact_point_id, s.received_on, s.id)
    )
    if contact_point_ids is not None:
        statement = statement.where(s.contact_point_id.in_([c.hex for c in contact_point_ids]))
    per_point: dict[str, list[Text]] = defaultdict(list)
    for row in conn.execute(statement):
        per_point[row.contact_point_id].append(Text(row.id, row.content))
    found = [
        {**g, "contact_point_id": cp}
        for cp, items in per_point.items()
        for g in group(items, min_size)
    ]
    found.sort(key=lambda g: (-g["size"], g["suggestion_ids"][0]))
    return found


def members(conn: Connection, suggestion_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """What the screening page shows of each member of a group (hex ids): its receipt, the
    day it came, its channel, status and words, its proposer's kind (none: anonymous or
    online) and the position of its first event (the order it was entered in)."""
    s = suggestions.c
    columns = (s.id, s.receipt, s.received_on, s.channel, s.status, s.content)
    first_event = and_(event_chain.c.originator_id == s.id, event_chain.c.version == 1)
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(suggestion_ids), CHUNK):
        statement = (
            select(
                *columns,
                participants.c.kind.label("proposer_kind"),
                event_chain.c.position.label("entered"),
            )
            .outerjoin(participants, participants.c.id == s.participant_id)
            .outerjoin(event_chain, first_event)
            .where(s.id.in_(suggestion_ids[start : start + CHUNK]))
        )
        found.update({row.id: dict(row._mapping) for row in conn.execute(statement)})
    return found
