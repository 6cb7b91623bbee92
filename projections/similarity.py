"""Near-duplicate hints for screening: how alike two suggestions on one draft are.

Similarity is the Dice coefficient of the character bigrams of the two texts (punctuation
and spaces dropped, Latin letters folded to lower case): Chinese has no spaces to split
words on, and bigrams catch the same phrase said twice without a dictionary. It is worked
out in the read model when a suggestion is received or reworded, never per request, and
only pairs above ``THRESHOLD`` are kept. Each new text is compared with at most ``CAP`` of
the latest suggestions of the same draft and contact point (merging is possible only
between those), so one event costs at most ``CAP`` comparisons however large a draft grows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Connection, Float, Index, Table, delete, or_, select

from domain.suggestion import Suggestion
from projections.handlers import apply, insert_ignoring_existing
from projections.tables import ID, metadata, suggestions

THRESHOLD = 0.3
CAP = 100
KEEP = 10  # the closest pairs kept per suggestion: campaigns send one text thousands of times

similar_suggestions = Table(
    "rm_similar_suggestions",
    metadata,
    # one row per pair, the smaller id first
    Column("first_id", ID, primary_key=True),
    Column("second_id", ID, primary_key=True),
    Column("draft_id", ID, nullable=False),
    Column("score", Float, nullable=False),
    Index("ix_rm_similar_second", "second_id"),
)


_NOT_LETTERS = re.compile(r"[\W_]+")


def _letters(text: str) -> str:
    """The text without spaces and punctuation, Latin letters in lower case, widths folded."""
    return _NOT_LETTERS.sub("", unicodedata.normalize("NFKC", text).lower())


def bigrams(text: str) -> frozenset[str]:
    """The text's character bigrams; short texts (most) are remembered, since the latest
    suggestions of a draft are compared again with every new one."""
    return _remembered(text) if len(text) <= 400 else _bigrams(text)


def _bigrams(text: str) -> frozenset[str]:
    letters = _letters(text)
    if len(letters) < 2:
        return frozenset([letters]) if letters else frozenset()
    return frozenset(map(str.__add__, letters, letters[1:]))


_remembered = lru_cache(maxsize=2048)(_bigrams)  # at most some 60 MB, mostly far less


def similarity(first: str, second: str) -> float:
    """Dice coefficient of the two texts' bigram sets: 1 for the same words, 0 for none shared."""
    return _dice(bigrams(first), bigrams(second))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _pair(one: str, other: str) -> tuple[str, str]:
    return (one, other) if one < other else (other, one)


def _compare(conn: Connection, suggestion_id: str) -> None:
    """(Re)compute the pairs of one suggestion against the latest others of its draft."""
    row = conn.execute(
        select(suggestions.c.draft_id, suggestions.c.contact_point_id, suggestions.c.content).where(
            suggestions.c.id == suggestion_id
        )
    ).first()
    conn.execute(
        delete(similar_suggestions).where(
            or_(
                similar_suggestions.c.first_id == suggestion_id,
                similar_suggestions.c.second_id == suggestion_id,
            )
        )
    )
    if row is None:
        return
    mine = bigrams(row.content)
    if not mine:
        return
    others = conn.execute(
        select(suggestions.c.id, suggestions.c.content)
        .where(
            suggestions.c.draft_id == row.draft_id,
            suggestions.c.contact_point_id == row.contact_point_id,
            suggestions.c.id != suggestion_id,
        )
        .order_by(suggestions.c.received_on.desc(), suggestions.c.id.desc())
        .limit(CAP)
    )
    pairs: list[dict[str, Any]] = []
    for other_id, content in others:
        score = _dice(mine, bigrams(content))
        if score >= THRESHOLD:
            first, second = _pair(suggestion_id, other_id)
            pairs.append(
                {
                    "first_id": first,
                    "second_id": second,
                    "draft_id": row.draft_id,
                    "score": round(score, 4),
                }
            )
    pairs.sort(key=lambda pair: -pair["score"])
    insert_ignoring_existing(conn, similar_suggestions, pairs[:KEEP])


def _after(event_type: type) -> Callable[[Callable[[Any, Connection], None]], Any]:
    """Run ``extra`` after the handler already registered for ``event_type``."""
    original = apply.dispatch(event_type)

    def register(extra: Callable[[Any, Connection], None]) -> Callable[[Any, Connection], None]:
        def both(event: Any, conn: Connection) -> None:
            original(event, conn)
            extra(event, conn)

        apply.register(event_type, both)
        return extra

    return register


@_after(Suggestion.Received)
def _received(event: Suggestion.Received, conn: Connection) -> None:
    _compare(conn, event.originator_id.hex)


@_after(Suggestion.Revised)
def _revised(event: Suggestion.Revised, conn: Connection) -> None:
    _compare(conn, event.originator_id.hex)


def similar_to(conn: Connection, suggestion_id: UUID) -> dict[str, float]:
    """The suggestions like this one (by hex id) and how alike they are."""
    me = suggestion_id.hex
    rows = conn.execute(
        select(
            similar_suggestions.c.first_id,
            similar_suggestions.c.second_id,
            similar_suggestions.c.score,
        ).where(or_(similar_suggestions.c.first_id == me, similar_suggestions.c.second_id == me))
    )
    return {(second if first == me else first): score for first, second, score in rows}


def similar_among(conn: Connection, suggestion_ids: list[str]) -> dict[str, dict[str, float]]:
    """For each of these suggestions (hex ids), the others like it and how alike."""
    found: dict[str, dict[str, float]] = {i: {} for i in suggestion_ids}
    if not suggestion_ids:
        return found
    for start in range(0, len(suggestion_ids), 400):
        chunk = suggestion_ids[start : start + 400]
        rows = conn.execute(
            select(
                similar_suggestions.c.first_id,
                similar_suggestions.c.second_id,
                similar_suggestions.c.score,
            ).where(
                or_(
                    similar_suggestions.c.first_id.in_(chunk),
                    similar_suggestions.c.second_id.in_(chunk),
                )
            )
        )
        for first, second, score in rows:
            if first in found:
                found[first][second] = score
            if second in found:
                found[second][first] = score
    return found
