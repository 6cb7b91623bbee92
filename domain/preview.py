"""A draft's text as it would be registered, and what looks wrong in it, before anything is saved.

The legislative affairs office pastes or uploads a draft; a numbering mistake (a skipped or
repeated 第…条, a page of 说明 before 第一条) is far cheaper to fix before the draft goes to the
contact points than after, when opinions already name article numbers. Only a repeated
number stops registration (two articles could not be told apart); the rest are warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.articles import Article, ArticleParseError, split_articles
from domain.errors import InvalidValueError
from domain.rules import MAX_DRAFT_TEXT, checked_text

EXCERPT = 40
"""Characters of the text before the first article shown in its warning."""


class WarningKind(StrEnum):
    TEXT_BEFORE_FIRST_ARTICLE = "text_before_first_article"
    NUMBERING_GAP = "numbering_gap"
    REPEATED_NUMBER = "repeated_number"
    OUT_OF_ORDER = "out_of_order"
    NO_ARTICLE_HEADINGS = "no_article_headings"


@dataclass(frozen=True)
class ParseWarning:
    """One thing that looks wrong. ``first``/``last``: for a gap the first and last number
    missing; for a repeat the number (first); out of order, the number and the one before."""

    kind: WarningKind
    first: int | None = None
    last: int | None = None
    excerpt: str = ""

    @property
    def blocking(self) -> bool:
        """Registration would be refused: two articles with one number."""
        return self.kind is WarningKind.REPEATED_NUMBER

    @property
    def message(self) -> str:
        """In English, for API clients; the pages say it in the reader's language."""
        if self.kind is WarningKind.TEXT_BEFORE_FIRST_ARTICLE:
            return (
                f"text before the first article ({self.excerpt!r}) is kept as the preamble "
                "and cannot be commented on article by article"
            )
        if self.kind is WarningKind.NUMBERING_GAP:
            if self.first == self.last:
                return f"numbering gap: there is no article {self.first}"
            return f"numbering gap: articles {self.first} to {self.last} are missing"
        if self.kind is WarningKind.REPEATED_NUMBER:
            return f"article {self.first} appears more than once; the draft cannot be registered"
        if self.kind is WarningKind.OUT_OF_ORDER:
            return f"article {self.first} comes after article {self.last}"
        return "no article heading (第…条) found: the whole text would be one article"


@dataclass(frozen=True)
class Preview:
    preamble: str
    chapters: tuple[str, ...]
    articles: tuple[Article, ...]
    warnings: tuple[ParseWarning, ...]

    @property
    def registrable(self) -> bool:
        return not any(w.blocking for w in self.warnings)


def preview(text: str) -> Preview:
    """The parse of ``text`` (preamble, chapters in order, articles as written, repeats
    included) and its warnings, in the order a reader meets them."""
    checked = checked_text("text", text, MAX_DRAFT_TEXT)
    try:
        parsed = split_articles(checked)
    except ArticleParseError as error:
        raise InvalidValueError("text", str(error)) from error
    chapters = tuple(dict.fromkeys(a.chapter for a in parsed.articles if a.chapter))
    return Preview(
        parsed.preamble,
        chapters,
        parsed.articles,
        tuple(warnings(parsed.preamble, parsed.articles)),
    )


def warnings(preamble: str, articles: tuple[Article, ...]) -> list[ParseWarning]:
    found: list[ParseWarning] = []
    if len(articles) == 1 and not articles[0].heading:
        return [ParseWarning(WarningKind.NO_ARTICLE_HEADINGS)]
    if preamble:
        excerpt = preamble.replace("\n", " ")
        if len(excerpt) > EXCERPT:
            excerpt = excerpt[:EXCERPT] + "…"
        found.append(ParseWarning(WarningKind.TEXT_BEFORE_FIRST_ARTICLE, excerpt=excerpt))
    seen: set[int] = set()
    repeated: set[int] = set()
    highest = 0
    for article in articles:
        number = article.number
        if number in seen:
            if number not in repeated:
                repeated.add(number)
                found.append(ParseWarning(WarningKind.REPEATED_NUMBER, first=number))
            continue
        seen.add(number)
        if number < highest:
            found.append(ParseWarning(WarningKind.OUT_OF_ORDER, first=number, last=highest))
            continue
        if number > highest + 1:
            found.append(
                ParseWarning(WarningKind.NUMBERING_GAP, first=highest + 1, last=number - 1)
            )
        highest = number
    return found
