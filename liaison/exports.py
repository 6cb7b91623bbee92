"""The summary table sent upward (意见建议汇总表), as CSV and as a Word document.

Each export is sealed with the hash chain's head at the moment it was made, so a printed
report can later be checked against the log it came from.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from docx import Document
from docx.shared import Mm, Pt
from sqlalchemy import Connection

from domain.contact_point import ContactPoint
from domain.draft import Draft
from domain.participant import Participant
from domain.report import Report
from domain.rules import unwritable
from domain.session import ConsultationSession
from domain.suggestion import Suggestion

if TYPE_CHECKING:  # the application's letters use this module's formatting
    from liaison.application import LiaisonApplication
    from liaison.chain import HashChain

CHANNELS = {
    "session": "座谈会",
    "online": "网上征集",
    "collector": "信息员",
    "letter": "来信",
    "phone": "来电",
}
KINDS = {
    "resident": "居民",
    "deputy": "人大代表",
    "expert": "专家",
    "lawyer": "律师",
    "enterprise": "企业",
    "collector": "信息员",
    "other": "其他",
}
OUTCOMES = {"adopted": "采纳", "partially_adopted": "部分采纳", "not_adopted": "未采纳"}
UNDECIDED = "待人大决定"
NAMED_PUBLIC = "网民（留有姓名或电话）"
"""An online comment that left a name or phone: a named member of the public, never the name."""
ANONYMOUS = "匿名"
HEADER = ["序号", "条款", "意见建议", "原始意见", "来源", "提出人类别", "采纳情况", "人数"]
"""The same column names as the report's page (``采纳情况``: what the congress decided;
``人数``: the opinions a row stands for, itself and those merged into it)."""


@dataclass(frozen=True)
class Row:
    article: str
    content: str
    original: str
    source: str
    proposer: str
    outcome: str
    persons: int = 1
    """How many opinions the row stands for: itself and every opinion merged into it."""


@dataclass(frozen=True)
class Summary:
    draft_title: str
    contact_point: str
    submitted_on: date
    rows: list[Row]
    seal_position: int
    seal_hash: str

    @property
    def title(self) -> str:
        return f"{self.contact_point}关于《{self.draft_title}》的意见建议汇总表"

    @property
    def seal(self) -> str:
        """What the seal is, in words a reader of the printed table understands."""
        return (
            f"防篡改校验：本表生成时，系统已记录{self.seal_position}条办理记录，"
            f"全部记录的校验码为 {self.seal_hash}。日后用系统的“核验”功能"
            "（liaison verify）可查明这些记录在本表生成后是否被改动。"
        )

    def filename(self, extension: str) -> str:
        """Named by contact point, draft and date, as a clerk would file it."""
        name = f"{self.contact_point}-{self.draft_title}-意见建议汇总表-{self.submitted_on}"
        return f"{_safe(name)}.{extension}"


def _safe(name: str) -> str:
    """No characters a file system or a header refuses."""
    return "".join("_" if c in '\\/:*?"<>|' or ord(c) < 32 else c for c in name)[:150]


def cell(value: object) -> object:
    """Residents' words must not run as spreadsheet formulas (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(summary: Summary) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text."""
    rows: list[list[object]] = [
        [summary.title],
        [f"报送日期：{summary.submitted_on.isoformat()}"],
        list(HEADER),
    ]
    for number, row in enumerate(summary.rows, start=1):
        original = row.original if row.original != row.content else ""
        rows.append(
            [
                number,
                row.article,
                row.content,
                original,
                row.source,
                row.proposer,
                row.outcome,
                row.persons,
            ]
        )
    rows.append([summary.seal])
    out = io.StringIO()
    csv.writer(out).writerows([[cell(value) for value in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def legible(text: str) -> str:
    """``text`` without the characters a DOCX cannot hold, which records from before the
    rule that refuses them (domain.rules.checked_text) may still carry."""
    return "".join(c for c in text if not unwritable(c))


def as_docx(summary: Summary) -> bytes:
    """A4 (python-docx's template is US Letter), margins as Chinese official documents use."""
    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    document.add_heading(legible(summary.title), level=1)
    document.add_paragraph(f"报送日期：{summary.submitted_on.isoformat()}")
    columns = [h for h in HEADER if h != "原始意见"]
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, columns, strict=True):
        cell.text = heading
    for number, row in enumerate(summary.rows, start=1):
        cells = table.add_row().cells
        cells[0].text = str(number)
        cells[1].text = legible(row.article)
        cells[2].text = legible(row.content)
        if row.original != row.content:
            original = cells[2].add_paragraph(f"原始意见：{legible(row.original)}")
            for run in original.runs:
                run.font.size = Pt(9)
        cells[3].text = legible(row.source)
        cells[4].text = legible(row.proposer)
        cells[5].text = legible(row.outcome)
        cells[6].text = str(row.persons)
    document.add_paragraph(legible(summary.seal))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_summary(
    app: LiaisonApplication, chain: HashChain, report: Report, conn: Connection
) -> Summary:
    """The summary table of a report (or of one about to be sent), sealed with the chain's
    head as read on ``conn``. Rights are the caller's: it holds the report already."""
    draft = app.get(report.draft_id, Draft)
    rows = []
    for suggestion_id in report.suggestion_ids:
        s = app.get(suggestion_id, Suggestion)
        source = CHANNELS[s.channel.value]
        if s.session_id is not None:
            source += f"（{app.get(s.session_id, ConsultationSession).title}）"
        if s.participant_id is not None:
            proposer = KINDS[app.get(s.participant_id, Participant).kind.value]
        elif s.sealed_name or s.sealed_phone:
            proposer = NAMED_PUBLIC
        else:
            proposer = ANONYMOUS
        heading = next((a.heading for a in draft.consulted.articles if a.number == s.article), None)
        rows.append(
            Row(
                article=heading or (f"第{s.article}条" if s.article else "总体意见"),
                content=s.content,
                original=s.original_content,
                source=source,
                proposer=proposer,
                outcome=OUTCOMES.get(s.outcome.value, "") if s.outcome else UNDECIDED,
                persons=1 + len(s.absorbed),
            )
        )
    head = chain.head(conn)
    return Summary(
        draft_title=draft.title,
        contact_point=app.get(report.contact_point_id, ContactPoint).name,
        submitted_on=report.submitted_on,
        rows=rows,
        seal_position=head.position,
        seal_hash=head.hash,
    )
