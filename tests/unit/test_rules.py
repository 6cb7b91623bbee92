"""The checks every aggregate shares: text that is blank, too long or unprintable is refused."""

from __future__ import annotations

import pytest

from domain.errors import InvalidValueError
from domain.rules import MAX_CONTENT, MAX_TITLE, checked_text


@pytest.mark.parametrize("stray", ["\x00", "\x1b", "\x7f", "\ud800", "\uffff"])
def test_text_with_an_unprintable_character_is_refused_by_name(stray: str) -> None:
    with pytest.raises(InvalidValueError, match="control characters") as refused:
        checked_text("title", f"数据条例{stray}（草案）", MAX_TITLE)

    assert refused.value.field == "title"


def test_line_breaks_and_tabs_are_text() -> None:
    text = "第一，\t建议\r\n第二，建议"

    assert checked_text("content", text, MAX_CONTENT) == text


def test_text_is_trimmed_and_blank_text_refused() -> None:
    assert checked_text("title", "  数据条例  ", MAX_TITLE) == "数据条例"
    with pytest.raises(InvalidValueError, match="blank"):
        checked_text("title", " \n ", MAX_TITLE)
