"""What changed between the draft as consulted and the law as enacted, article by article.

Chinese has no spaces to split words on, so the comparison is by character: difflib's
matcher over the two strings, with its junk heuristic off (it would treat common characters
such as 的 or 。 as noise in long articles). A replacement becomes a deletion then an
insertion, which is how a reader marks up a text by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from domain.draft import ArticleText, DraftVersion


class Change(StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


@dataclass(frozen=True)
class Segment:
    kind: Change
    text: str


@dataclass(frozen=True)
class ArticleDiff:
    """One article's fate: ``before`` is ``None`` for an article added at enactment,
    ``after`` is ``None`` for one dropped."""

    number: int
    heading: str
    before: str | None
    after: str | None
    segments: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return any(s.kind is not Change.EQUAL for s in self.segments)

    @property
    def inserted(self) -> int:
        return sum(len(s.text) for s in self.segments if s.kind is Change.INSERT)

    @property
    def deleted(self) -> int:
        return sum(len(s.text) for s in self.segments if s.kind is Change.DELETE)


def diff_text(before: str, after: str) -> list[Segment]:
    """Segments that spell ``before`` when the insertions are skipped and ``after`` when
    the deletions are; neighbouring segments never share a kind."""
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    segments: list[Segment] = []

    def add(kind: Change, text: str) -> None:
        if not text:
            return
        if segments and segments[-1].kind is kind:
            segments[-1] = Segment(kind, segments[-1].text + text)
        else:
            segments.append(Segment(kind, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(Change.EQUAL, before[i1:i2])
        else:  # replace, delete, insert
            add(Change.DELETE, before[i1:i2])
            add(Change.INSERT, after[j1:j2])
    return segments


def diff_versions(consulted: DraftVersion, enacted: DraftVersion) -> list[ArticleDiff]:
    """Every article of either version, by number: the consulted ones in order, then any
    the enacted text added."""
    final = {a.number: a for a in enacted.articles}
    seen: set[int] = set()
    diffs = []
    for article in consulted.articles:
        seen.add(article.number)
        after = final.get(article.number)
        diffs.append(
            ArticleDiff(
                article.number,
                article.heading,
                article.text,
                after.text if after else None,
                tuple(diff_text(article.text, after.text if after else "")),
            )
        )
    for article in enacted.articles:
        if article.number not in seen:
            diffs.append(
                ArticleDiff(
                    article.number,
                    article.heading,
                    None,
                    article.text,
                    tuple(diff_text("", article.text)),
                )
            )
    return diffs


def diff_articles(before: ArticleText | None, after: ArticleText | None) -> ArticleDiff:
    """One article's change between two versions, whatever its number in each (articles
    matched by their lineage, ``domain.lineage``); named by its number in the later one."""
    shown = after or before
    if shown is None:
        raise ValueError("an article must be in one of the two versions")
    old, new = (before.text if before else None), (after.text if after else None)
    return ArticleDiff(
        shown.number, shown.heading, old, new, tuple(diff_text(old or "", new or ""))
    )
