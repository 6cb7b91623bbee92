"""Near-duplicate hints for screening: how alike two suggestions on one draft are.

Similarity is the Dice coefficient of the character bigrams of the two texts (punctuation
and spaces dropped, Latin letters folded to lower case): Chinese has no spaces to split
words on, and bigrams catch the same phrase said twice without a dictionary. Hints are
worked out when a screening page asks for them, never by the projector (they once cost it
two thirds of its time): each text is compared with at most ``CAP`` of the latest
suggestions of the same draft and contact point (merging is possible only between those),
so a page costs at most ``CAP`` comparisons per suggestion shown however large a draft grows.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from uuid import UUID

from sqlalchemy import Connection, select

from projections.tables import suggestions

THRESHOLD = 0.3
CAP = 100
KEEP = 10  # the closest pairs kept per suggestion: campaigns send one text thousands of times

_NOT_LETTERS = re.compile(r"[\W_]+")


def letters(text: str) -> str:
    """The text without spaces and punctuation, Latin letters in lower case, widths folded."""
    return _NOT_LETTERS.sub("", unicodedata.normalize("NFKC", text).lower())


def bigrams(text: str) -> frozenset[str]:
    """The text's character bigrams; short texts (most) are remembered, since the latest
    suggestions of a draft are compared again with every new one."""
    return _remembered(text) if len(text) <= 400 else _bigrams(text)


def _bigrams(text: str) -> frozenset[str]:
    kept = letters(text)
    if len(kept) < 2:
        return frozenset([kept]) if kept else frozenset()
    return frozenset(map(str.__add__, kept, kept[1:]))


_remembered = lru_cache(maxsize=2048)(_bigrams)  # at most some 60 MB, mostly far less


def similarity(first: str, second: str) -> float:
    """Dice coefficient of the two texts' bigram sets: 1 for the same words, 0 for none shared."""
    return _dice(bigrams(first), bigrams(second))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def similar_to(conn: Connection, suggestion_id: UUID) -> dict[str, float]:
    """The suggestions like this one (by hex id) and how alike they are."""
    return similar_among(conn, [suggestion_id.hex])[suggestion_id.hex]


def similar_among(conn: Connection, suggestion_ids: list[str]) -> dict[str, dict[str, float]]:
    """For each of these suggestions (hex ids), the others like it and how alike.

    Each is compared with the ``CAP`` latest suggestions of its draft and contact point (and
    the others asked about in the same group); the ``KEEP`` closest at or above
    ``THRESHOLD`` are returned."""
    found: dict[str, dict[str, float]] = {i: {} for i in suggestion_ids}
    groups: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for start in range(0, len(suggestion_ids), 400):
        chunk = suggestion_ids[start : start + 400]
        for row in conn.execute(
            select(
                suggestions.c.id,
                suggestions.c.draft_id,
                suggestions.c.contact_point_id,
                suggestions.c.content,
            ).where(suggestions.c.id.in_(chunk))
        ):
            groups[(row.draft_id, row.contact_point_id)][row.id] = row.content
    for (draft_id, contact_point_id), mine in groups.items():
        latest = conn.execute(
            select(suggestions.c.id, suggestions.c.content)
            .where(
                suggestions.c.draft_id == draft_id,
                suggestions.c.contact_point_id == contact_point_id,
            )
            .order_by(suggestions.c.received_on.desc(), suggestions.c.id.desc())
            .limit(CAP + 1)
        ).all()
        pool = [(other_id, bigrams(content)) for other_id, content in latest]
        in_pool = {other_id for other_id, _ in latest}
        pool += [(i, bigrams(text)) for i, text in mine.items() if i not in in_pool]
        for me, text in mine.items():
            found[me] = _closest(bigrams(text), [(i, b) for i, b in pool if i != me][:CAP])
    return found


def _closest(mine: frozenset[str], others: list[tuple[str, frozenset[str]]]) -> dict[str, float]:
    scores = [(round(_dice(mine, theirs), 4), other_id) for other_id, theirs in others]
    kept = sorted((s for s in scores if s[0] >= THRESHOLD), key=lambda s: -s[0])[:KEEP]
    return {other_id: score for score, other_id in kept}
