"""Letters typed into a spreadsheet by staff, saved as CSV: each row one opinion, imported
through the batch intake (``BatchCommands.record_batch``), the one way in for opinions.

The columns, named in the first row (English or Chinese; any order; others are ignored):

==============  ======  =====================================================================
column          中文    what it holds
==============  ======  =====================================================================
draft           草案    the draft's id or exact title (blank: the ``--draft`` given)
article         条款    the article's number, ``12`` or ``第12条`` (blank: the whole draft)
content         内容    the opinion, in the writer's own words (required)
name            姓名    who wrote or called (optional; also headed ``said_by``)
phone           电话    their phone (optional)
received_on     收到日期 the day it arrived, ``2021-03-05`` or ``2021/3/5`` (blank: today)
channel         渠道    ``letter`` (the default), ``phone`` or ``collector``; 信件/电话/信息员
==============  ======  =====================================================================

The file may be UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8"), or GB18030
(what Excel on a Chinese Windows saves as plain "CSV").

Each row's client key is made from what the row says, so importing the same file again adds
nothing, and a file with rows added imports only the new ones. Identical rows (a campaign's
form letter, sent by several residents) are told apart by their order: the second copy of a
row is a second opinion, in this file and whenever it is imported again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from domain.suggestion import Channel
from liaison.commands.batch import BatchItem
from liaison.rights import Actor

if TYPE_CHECKING:
    from liaison.bootstrap import Liaison

ENCODINGS = ("utf-8-sig", "gb18030")
HEADERS = {
    "draft": ("draft", "draft_id", "草案"),
    "article": ("article", "条款", "条"),
    "content": ("content", "内容", "意见"),
    "name": ("name", "said_by", "姓名"),
    "phone": ("phone", "电话"),
    "received_on": ("received_on", "date", "收到日期", "日期"),
    "channel": ("channel", "渠道"),
}
CHANNELS = {
    "letter": Channel.LETTER.value,
    "信件": Channel.LETTER.value,
    "来信": Channel.LETTER.value,
    "phone": Channel.PHONE.value,
    "电话": Channel.PHONE.value,
    "collector": Channel.COLLECTOR.value,
    "信息员": Channel.COLLECTOR.value,
}
ARTICLE = re.compile(r"^(?:第\s*)?(\d+)\s*(?:条)?$")
DAY = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


CHUNK = 50
"""Rows sent to the batch intake at a time (the progress bar moves after each)."""


class SpreadsheetError(Exception):
    """The file cannot be read at all (no header, no content column, an unknown encoding)."""


@dataclass(frozen=True)
class Row:
    """One row of the file: the line it starts on, and its cells by column."""

    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Refused:
    """A row that is not an opinion as it stands: where, and why."""

    line: int
    field: str
    message: str


def read_rows(path: Path) -> list[Row]:
    """The rows of a CSV file of letters, blank ones left out."""
    raw = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetError(f"{path}: neither UTF-8 nor GB18030")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise SpreadsheetError(f"{path}: empty") from None
    columns = _columns(header)
    rows = []
    start = reader.line_num + 1
    for values in reader:
        cells = {name: values[i].strip() if i < len(values) else "" for name, i in columns.items()}
        if any(cells.values()):
            rows.append(Row(start, cells))
        start = reader.line_num + 1
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    named = {cell.strip().lower(): i for i, cell in enumerate(header)}
    columns = {
        column: next(named[a] for a in aliases if a in named)
        for column, aliases in HEADERS.items()
        if any(a in named for a in aliases)
    }
    if "content" not in columns:
        raise SpreadsheetError("the first row must name the columns, among them content (内容)")
    return columns


def batch_items(
    rows: Iterable[Row],
    contact_point_id: UUID,
    draft: Callable[[str], UUID],
    default_draft: UUID | None = None,
) -> list[tuple[int, BatchItem | Refused]]:
    """Each row's line and the row as a batch item keyed by its content, or why it is not
    one. ``draft`` finds a draft by id or title (``LookupError`` with the reason when not)."""
    seen: Counter[str] = Counter()
    out: list[tuple[int, BatchItem | Refused]] = []
    for row in rows:
        try:
            item = _item(row, contact_point_id, draft, default_draft)
        except _Bad as bad:
            out.append((row.line, Refused(row.line, bad.field, bad.message)))
            continue
        said = _said(item)
        seen[said] += 1
        out.append((row.line, replace(item, client_key=f"csv:{said[:40]}:{seen[said]}")))
    return out


class _Bad(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message


def _item(
    row: Row, contact_point_id: UUID, draft: Callable[[str], UUID], default_draft: UUID | None
) -> BatchItem:
    cells = row.cells
    named = cells.get("draft", "")
    if named:
        try:
            draft_id = draft(named)
        except LookupError as missing:
            raise _Bad("draft", str(missing.args[0])) from None
    elif default_draft is not None:
        draft_id = default_draft
    else:
        raise _Bad("draft", "no draft: fill the draft column or give --draft")
    content = cells.get("content", "")
    if not content:
        raise _Bad("content", "empty")
    channel = CHANNELS.get(cells.get("channel", "").lower() or "letter")
    if channel is None:
        raise _Bad("channel", f"{cells['channel']!r}: letter, phone or collector")
    return BatchItem(
        client_key="",
        contact_point_id=contact_point_id,
        draft_id=draft_id,
        content=content,
        article=_article(cells.get("article", "")),
        received_on=_day(cells.get("received_on", "")),
        channel=channel,
        name=cells.get("name") or None,
        phone=cells.get("phone") or None,
    )


def _article(cell: str) -> int | None:
    if not cell:
        return None
    found = ARTICLE.match(cell)
    if found is None:
        raise _Bad("article", f"{cell!r}: a number, such as 12 or 第12条")
    return int(found.group(1))


def _day(cell: str) -> date | None:
    if not cell:
        return None
    found = DAY.match(cell)
    try:
        if found is None:
            raise ValueError
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        raise _Bad("received_on", f"{cell!r}: a day such as 2021-03-05") from None


def _said(item: BatchItem) -> str:
    """A digest of what the row says (never of where it stands in the file)."""
    parts = (
        item.contact_point_id.hex,
        item.draft_id.hex,
        str(item.article or ""),
        item.content,
        item.name or "",
        item.phone or "",
        item.received_on.isoformat() if item.received_on else "",
        item.channel,
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass
class Imported:
    """What became of a file's rows."""

    created: int = 0
    duplicate: int = 0
    invalid: list[Refused] = field(default_factory=list)


def import_letters(
    liaison: Liaison,
    actor: Actor,
    rows: list[Row],
    contact_point_id: UUID,
    default_draft: UUID | None = None,
    progress: Callable[[int], None] = lambda _n: None,
) -> Imported:
    """Import a file's rows (``read_rows``) for one contact point; ``progress`` hears of the
    rows done. The batch intake decides who may (staff of the point, admin) and what is an
    opinion."""
    parsed = batch_items(rows, contact_point_id, draft_finder(liaison, actor), default_draft)
    done = Imported()
    for start in range(0, len(parsed), CHUNK):
        chunk = parsed[start : start + CHUNK]
        items = [p for _line, p in chunk if isinstance(p, BatchItem)]
        results = iter(liaison.app.record_batch(actor, items) if items else ())
        for line, p in chunk:
            if isinstance(p, Refused):
                done.invalid.append(p)
                continue
            result = next(results)
            if result.status == "created":
                done.created += 1
            elif result.status == "duplicate":
                done.duplicate += 1
            else:
                error = result.errors[0] if result.errors else {"field": "row", "message": "?"}
                done.invalid.append(Refused(line, error["field"], error["message"]))
        progress(len(chunk))
    done.invalid.sort(key=lambda refused: refused.line)
    return done


def draft_finder(liaison: Liaison, actor: Actor) -> Callable[[str], UUID]:
    """Finds a draft the actor may see by its id or exact title."""
    known = liaison.queries.drafts(actor)
    ids = {row["id"] for row in known}
    titles: defaultdict[str, list[str]] = defaultdict(list)
    for row in known:
        titles[row["title"]].append(row["id"])

    def find(given: str) -> UUID:
        try:
            wanted = UUID(given).hex
        except ValueError:
            found = titles.get(given, [])
            if len(found) != 1:
                reason = "no draft titled" if not found else "more than one draft titled"
                raise LookupError(f"{reason} {given!r}; give its id") from None
            wanted = found[0]
        if wanted not in ids:
            raise LookupError(f"no draft {given}")
        return UUID(wanted)

    return find
