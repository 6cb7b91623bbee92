"""Split the full text of a Chinese draft law into its articles (条).

Drafts are published as plain text in which every article starts with a
``第…条`` heading at the beginning of a line, optionally grouped into
chapters (``第…章``) and sections (``第…节``). Readings amend, and the
public comments on, whole articles, so that is the unit we store;
paragraphs (款) and items (项) stay inside their article's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CHINESE_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3,
    "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
_NO_UNIT_YET = 10_000
_DIGITS = re.compile(r"[0-9０-９]+")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

_HEADING = re.compile(
    r"(?P<label>第(?P<numeral>[零〇一二两三四五六七八九十百千]+|[0-9０-９]+)"
    r"(?P<kind>[条章节]))(?P<rest>.*)"
)
# A heading glued to one of these characters reads as a cross-reference
# ("第十条的规定", "第十条至第十二条"), not as the start of a new article.
_REFERENCE_FOLLOWERS = frozenset("的之规第至和或及、，")


@dataclass(frozen=True)
class Article:
    """One article (条) of a draft, with the chapter and section it sits in."""

    number: int
    heading: str
    text: str
    chapter: str | None
    section: str | None


@dataclass(frozen=True)
class ParsedText:
    """A draft split into the text before its first article and its articles."""

    preamble: str
    articles: tuple[Article, ...]


class ArticleParseError(ValueError):
    """The draft text cannot be split into articles."""


class DuplicateArticleError(ArticleParseError):
    """Two articles carry the same number, so they cannot be told apart."""


@dataclass(frozen=True)
class _Heading:
    """A heading recognised at the start of a line."""

    kind: str  # "条", "章" or "节"
    label: str  # as written, e.g. "第一条"
    numeral: str
    rest: str  # what follows the heading on its line, stripped


def chinese_numeral_to_int(numeral: str) -> int:
    """Read an article number written in Chinese, Arabic or full-width digits.

    Readings number articles in Chinese (第一百零五条) but copies found online
    often use digits, so all three forms are accepted.
    """
    if _DIGITS.fullmatch(numeral):
        return int(numeral.translate(_FULL_WIDTH_DIGITS))
    value = _read_chinese_numeral(numeral)
    if value is None:
        raise ArticleParseError(f"not a numeral: {numeral!r}")
    return value


def int_to_chinese_numeral(number: int) -> str:
    """Write an article number as readings do (第一百零五条's 一百零五), below 10000."""
    if not 0 < number < 10_000:
        raise ValueError(f"article numbers run from 1 to 9999, not {number}")
    digits = "零一二三四五六七八九"
    written, gap = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit == 0:
            gap = gap or bool(written)
            continue
        if gap:
            written, gap = written + "零", False
        # 十一, not 一十一, when the tens lead; 一百一十 keeps its 一
        written += ("" if digit == 1 and unit == "十" and not written else digits[digit]) + unit
    return written


def _read_chinese_numeral(numeral: str) -> int | None:
    """Value of a Chinese numeral below 10000, or None if it is malformed."""
    if not numeral or any(ch not in _CHINESE_DIGITS and ch not in _CHINESE_UNITS for ch in numeral):
        return None
    total, last_unit, after_zero = 0, _NO_UNIT_YET, False
    digit: int | None = None
    for ch in numeral:
        if ch in _CHINESE_UNITS:
            unit = _CHINESE_UNITS[ch]
            # Units must fall (千 > 百 > 十); only 十 may drop its digit (一百十五).
            if unit >= last_unit or (digit is None and unit != 10):
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit, after_zero = None, unit, False
        elif _CHINESE_DIGITS[ch] == 0:
            # 零 only marks a gap after a unit: 一百零五, 一千零一.
            if digit is not None or last_unit == _NO_UNIT_YET or after_zero:
                return None
            after_zero = True
        elif digit is not None:
            return None
        else:
            digit = _CHINESE_DIGITS[ch]
    if digit is None:
        return None if after_zero else total
    # 二百五 is colloquial for 250 and has no place in a heading; demand 零 or 十.
    if last_unit not in (_NO_UNIT_YET, 10) and not after_zero:
        return None
    return total + digit


def parse_articles(text: str) -> ParsedText:
    """Split a draft's full text into its preamble and articles (see ``split_articles``),
    refusing two articles with one number."""
    parsed = split_articles(text)
    _reject_duplicates(parsed.articles)
    return parsed


def split_articles(text: str) -> ParsedText:
    """Split a draft's full text into its preamble and articles, as written.

    A line starts an article when it begins with ``第<numeral>条`` followed by
    whitespace, the end of the line, or any character other than
    的之规第至和或及、， — those mark a cross-reference such as
    "第十条的规定适用于……" that merely happens to open a line. References in
    mid-sentence never start an article. ``第…章`` and ``第…节`` lines become
    the chapter and section of the articles after them. Only the run of such
    headings directly before the first article counts as its chapter and
    section; earlier ones (a 目录) stay in the preamble. Text without any
    article heading is treated as a single article numbered 1.
    """
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise ArticleParseError("draft text is empty")
    headings = [_match_heading(line) for line in lines]
    first = next((i for i, h in enumerate(headings) if h is not None and h.kind == "条"), None)
    if first is None:
        return ParsedText("", (Article(1, "", "\n".join(lines), None, None),))

    start, chapter, section = _opening_chapter_and_section(lines, headings, first)
    # lines[first] is an article heading, so every later line has an open article.
    opened: list[tuple[_Heading, str | None, str | None, list[str]]] = []
    for line, heading in zip(lines[first:], headings[first:], strict=True):
        if heading is None:
            opened[-1][3].append(line)
        elif heading.kind == "条":
            body = [heading.rest] if heading.rest else []
            opened.append((heading, chapter, section, body))
        elif heading.kind == "章":
            chapter, section = line, None
        else:
            section = line
    articles = tuple(
        Article(chinese_numeral_to_int(h.numeral), h.label, "\n".join(body), ch, sec)
        for h, ch, sec, body in opened
    )
    return ParsedText("\n".join(lines[:start]), articles)


def _match_heading(line: str) -> _Heading | None:
    """Recognise an article, chapter or section heading at the start of a line."""
    match = _HEADING.match(line)
    if match is None:
        return None
    rest = match["rest"]
    if rest and rest[0] in _REFERENCE_FOLLOWERS:
        return None
    return _Heading(match["kind"], match["label"], match["numeral"], rest.strip())


def _opening_chapter_and_section(
    lines: list[str], headings: list[_Heading | None], first: int
) -> tuple[int, str | None, str | None]:
    """Find the chapter/section lines right before the first article.

    Returns where the preamble ends and the chapter and section in force.
    Walking backwards keeps a table of contents, whose lines are headings
    too, in the preamble while the body's own 第一章 still applies.
    """
    start, chapter, section = first, None, None
    while start > 0 and chapter is None:
        heading = headings[start - 1]
        if heading is None:
            break
        if heading.kind == "节":
            if section is not None:
                break
            section = lines[start - 1]
        else:
            chapter = lines[start - 1]
        start -= 1
    return start, chapter, section


def _reject_duplicates(articles: tuple[Article, ...]) -> None:
    """Refuse two articles with one number: they could not be told apart."""
    seen: set[int] = set()
    for article in articles:
        if article.number in seen:
            raise DuplicateArticleError(
                f"article number {article.number} ({article.heading}) appears more than once"
            )
        seen.add(article.number)
