"""Everything users read goes through a translation catalog: Simplified Chinese first, English.

Message ids are English; ``web/locale/<lang>/*.po`` hold each language's catalog, one file per
part of the site (extract with ``pybabel extract -F babel.cfg -k N_``). The choice is kept in a
cookie; ``?lang=`` switches.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from fastapi import Request

LOCALES = ("zh-CN", "en")
DEFAULT = "zh-CN"
COOKIE = "lang"
CATALOGS = Path(__file__).parent / "locale"


@cache
def catalog(lang: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    for path in sorted((CATALOGS / lang).glob("*.po")):
        with path.open("rb") as handle:
            po = read_po(handle, locale=lang.replace("-", "_"))
        messages.update({str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy})
    return messages


def language(request: Request) -> str:
    wanted = request.query_params.get("lang") or request.cookies.get(COOKIE)
    return wanted if wanted in LOCALES else DEFAULT


def translator(lang: str) -> Callable[..., str]:
    messages = catalog(lang)

    def gettext(message: str, **values: object) -> str:
        text = messages.get(message, message)
        return text.format(**values) if values else text

    return gettext


def N_(message: str) -> str:  # noqa: N802 - the conventional name extraction looks for
    """Mark a message for the catalog where it is defined; translate it where it is shown."""
    return message
