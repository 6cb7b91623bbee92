"""Everything users read is in both catalogs, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from web.i18n import LOCALES, catalog

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("web/**.py", "python"), ("web/templates/**.html", "jinja2")]


def used_messages() -> set[str]:
    found = extract_from_dir(
        str(ROOT),
        method_map=METHODS,
        keywords={"_": None, "N_": None},
        options_map={"web/templates/**.html": {"encoding": "utf-8"}},
    )
    return {
        message for _file, _line, message, _comments, _context in found if isinstance(message, str)
    }


MESSAGES = sorted(used_messages())


def test_messages_are_found_in_code_and_templates() -> None:
    assert "Send my opinion" in MESSAGES and "Page not found" in MESSAGES


@pytest.mark.parametrize("lang", LOCALES)
def test_every_message_is_translated(lang: str) -> None:
    missing = [m for m in MESSAGES if not catalog(lang).get(m)]
    assert missing == []


@pytest.mark.parametrize("lang", LOCALES)
def test_translations_keep_their_placeholders(lang: str) -> None:
    for message, translation in catalog(lang).items():
        assert set(re.findall(r"{\w+}", translation)) == set(re.findall(r"{\w+}", message)), message


def test_chinese_is_really_chinese() -> None:
    chinese = catalog("zh-CN")
    untranslated = [m for m in MESSAGES if not re.search(r"[\u4e00-\u9fff]", chinese.get(m, ""))]
    assert untranslated == []
