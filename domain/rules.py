"""Limits and checks shared by every aggregate; the limits are documented in docs/domain.md."""

from __future__ import annotations

import unicodedata
from datetime import date
from enum import StrEnum
from typing import TypeVar

from domain.errors import DateOrderError, InvalidValueError

MAX_TITLE = 200
MAX_NAME = 100
MAX_CONTENT = 5_000
MAX_REASON = 1_000
MAX_MINUTES = 20_000
MAX_DRAFT_TEXT = 500_000
MAX_LABEL = 50
MAX_PARTICIPANTS_PER_CALL = 500
MAX_ARTICLE = 10_000  # article numbers: the Civil Code, the longest law, has 1,260

E = TypeVar("E", bound=StrEnum)


def checked_text(field: str, value: str, limit: int) -> str:
    """Strip ``value`` and refuse it when blank or longer than ``limit`` characters."""
    if not isinstance(value, str):
        raise InvalidValueError(field, "must be text")
    text = value.strip()
    if not text:
        raise InvalidValueError(field, "must not be blank")
    if len(text) > limit:
        raise InvalidValueError(field, f"must be at most {limit} characters, got {len(text)}")
    if stray := next((c for c in text if unwritable(c)), None):
        raise InvalidValueError(field, f"must not hold control characters (U+{ord(stray):04X})")
    return text


def unwritable(character: str) -> bool:
    """A control character, a lone surrogate or a noncharacter: text no letter or table holds.

    Line breaks and tabs are text; the rest cannot be printed, and a DOCX refuses them.
    """
    if character in "\t\n\r":
        return False
    return unicodedata.category(character) in ("Cc", "Cs") or character in "\ufffe\uffff"


def optional_text(field: str, value: str | None, limit: int) -> str | None:
    """Like :func:`checked_text`, but ``None`` or blank means absent."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return checked_text(field, value, limit)


def checked_article(field: str, number: int | None) -> int | None:
    """An article number, or None; bounded, since every number ends up in a database column."""
    if number is not None and not 1 <= number <= MAX_ARTICLE:
        raise InvalidValueError(field, f"article numbers run from 1 to {MAX_ARTICLE}")
    return number


def checked_choice(field: str, value: str, choices: type[E]) -> E:
    try:
        return choices(value)
    except ValueError:
        allowed = ", ".join(c.value for c in choices)
        raise InvalidValueError(field, f"must be one of {allowed}") from None


def checked_order(first_field: str, first: date, then_field: str, then: date) -> None:
    if then < first:
        raise InvalidValueError(then_field, f"must not be before {first_field} ({first})")


def not_before(field: str, on: date, start_name: str, start: date) -> None:
    """Business dates run forward: refuse ``on`` when it is before ``start``."""
    if on < start:
        raise DateOrderError(field, f"must not be before {start_name} ({start})")
