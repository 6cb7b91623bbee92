"""An article's journey through a draft's readings (一审稿第五条 → 二审稿第六条 → 通过稿第七条),
shown by the congress trace and the public wall beside the opinions that shaped it."""

from __future__ import annotations

from dataclasses import dataclass

from domain.articles import int_to_chinese_numeral
from domain.draft import FINAL_LABEL, ArticleText, Draft, DraftStatus
from domain.lineage import ArticleLine, Lineage
from projections.diff import ArticleDiff, diff_articles


@dataclass(frozen=True)
class Step:
    """The article in one version: ``number`` None where that version deleted it."""

    label: str
    final: bool
    number: int | None

    @property
    def numeral(self) -> str:
        """The number as readings write it (一百零五)."""
        return int_to_chinese_numeral(self.number) if self.number else ""


def consulted_index(draft: Draft) -> int:
    """Which version residents commented on: the last one before the law as passed."""
    return len(draft.versions) - (2 if draft.status is DraftStatus.ENACTED else 1)


def journey(lineage: Lineage, line: ArticleLine | None) -> list[Step]:
    """The article from the version it first appears in to the last, then the version that
    deleted it if one did; empty while the draft has one version (nothing to follow)."""
    if line is None or len(lineage.labels) < 2:
        return []
    last = len(lineage.labels) - 1
    steps: list[Step] = []
    for index, (label, article) in enumerate(zip(lineage.labels, line.appearances, strict=True)):
        final = index == last and label == FINAL_LABEL
        if article is not None:
            steps.append(Step(label, final, article.number))
        elif steps:
            steps.append(Step(label, final, None))
            break
    return steps


def change(line: ArticleLine | None, before: int, after: int) -> ArticleDiff | None:
    """The article's change between two versions (by lineage, not by number)."""
    if line is None:
        return None
    old: ArticleText | None = line.at(before)
    new: ArticleText | None = line.at(after)
    return diff_articles(old, new) if old or new else None
