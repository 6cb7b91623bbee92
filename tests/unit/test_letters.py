"""Feedback letters: a page per person for post, phone and message for the SMS gateway."""

from __future__ import annotations

import csv
import io

from docx import Document

from liaison.letters import Letter, as_csv, as_docx

POINT = "曹杨新村街道基层立法联系点"


def letter(**overrides: object) -> Letter:
    fields: dict[str, object] = {
        "name": "王阿姨",
        "phone": "13812345678",
        "words": "建议写明保存期限",
        "outcome": "adopted",
        "message": "您的意见已被采纳，感谢您对立法工作的支持。",
        "contact_point": POINT,
    }
    return Letter(**(fields | overrides))  # type: ignore[arg-type]


def test_each_person_gets_a_page_of_their_own() -> None:
    letters = [letter(), letter(name="张先生", words="同意", outcome="not_adopted"), letter()]

    document = Document(io.BytesIO(as_docx(letters)))

    assert document.element.xml.count('w:type="page"') == 2  # three pages
    text = [p.text for p in document.paragraphs]
    assert text.count("尊敬的王阿姨：") == 2 and "尊敬的张先生：" in text
    assert "办理结果：采纳" in text and "办理结果：未采纳" in text
    assert "同意" in text and text.count(POINT) == 3


def test_a_person_who_left_only_a_phone_is_greeted_without_a_name() -> None:
    document = Document(io.BytesIO(as_docx([letter(name=None)])))

    assert "您好：" in [p.text for p in document.paragraphs]


def test_words_with_characters_a_document_cannot_hold_still_make_a_letter() -> None:
    document = Document(io.BytesIO(as_docx([letter(words="建议\x00写明\x1b期限")])))

    assert "建议写明期限" in [p.text for p in document.paragraphs]


def test_the_sms_file_is_phone_and_signed_message_utf8_with_a_bom() -> None:
    content = as_csv([letter(), letter(phone=None, name="李叔叔")])

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [
        ["手机号码", "短信内容"],
        ["13812345678", f"【{POINT}】您的意见已被采纳，感谢您对立法工作的支持。"],
    ]  # no phone, no text message


def test_sms_cells_never_run_as_spreadsheet_formulas() -> None:
    content = as_csv([letter(phone="+8613812345678", contact_point="=HYPERLINK(1)")])

    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][0] == "'+8613812345678"
    assert rows[1][1].startswith("【=HYPERLINK(1)】")  # not at the start: not a formula
