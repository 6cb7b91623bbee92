"""Letters that carry the feedback to the people who agreed to be told: a Word document with
one page per person, for post, and a CSV of phone and message for the office's SMS gateway."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Mm

from liaison.exports import OUTCOMES, cell, legible


@dataclass(frozen=True)
class Letter:
    """One person's letter: who, the words they gave, the outcome and what they are told."""

    name: str | None
    phone: str | None
    words: str
    outcome: str  # an Outcome's value
    message: str
    contact_point: str


CSV_HEADER = ["手机号码", "短信内容"]


def sms(letter: Letter) -> str:
    """The text message, signed with the contact point's name as SMS in China are."""
    return f"【{letter.contact_point}】{letter.message}"


def as_csv(letters: list[Letter]) -> bytes:
    """Phone and message of each letter with a phone; UTF-8 with a BOM (Excel, gateways),
    formula-neutralised like the summary table."""
    rows: list[list[object]] = [list(CSV_HEADER)]
    rows += [[letter.phone, sms(letter)] for letter in letters if letter.phone]
    out = io.StringIO()
    csv.writer(out).writerows([[cell(value) for value in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_docx(letters: list[Letter]) -> bytes:
    """One A4 page per person: addressed by name, their own words, the outcome, the
    message, signed by the contact point; a page break between letters."""
    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    for number, letter in enumerate(letters):
        if number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading("意见建议办理情况反馈", level=1)
        document.add_paragraph(f"尊敬的{legible(letter.name)}：" if letter.name else "您好：")
        document.add_paragraph("您提出的意见建议：")
        document.add_paragraph(legible(letter.words), style="Quote")
        document.add_paragraph(f"办理结果：{OUTCOMES.get(letter.outcome, letter.outcome)}")
        document.add_paragraph(legible(letter.message))
        document.add_paragraph("感谢您对立法工作的关心和支持。")
        document.add_paragraph(legible(letter.contact_point))
    if not letters:
        document.add_paragraph("没有需要寄送的反馈信。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
