"""The summary table's CSV: opens in Excel, and residents' words never run as formulas."""

from __future__ import annotations

import csv
import io
from datetime import date

from docx import Document

from liaison.exports import Row, Summary, as_csv, as_docx


def test_cells_that_look_like_formulas_are_neutralised() -> None:
    summary = Summary(
        draft_title="数据条例（草案）",
        contact_point="曹杨新村街道基层立法联系点",
        submitted_on=date(2021, 3, 20),
        rows=[Row("第一条", '=HYPERLINK("http://x")', "@SUM(A1)", "来信", "居民", "采纳")],
        seal_position=7,
        seal_hash="ab" * 32,
    )

    content = as_csv(summary)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))

    assert content.startswith(b"\xef\xbb\xbf")
    assert rows[3][2] == '\'=HYPERLINK("http://x")' and rows[3][3] == "'@SUM(A1)"
    assert rows[3][1] == "第一条" and "ab" * 32 in rows[-1][0]


def summary_of(*rows: Row) -> Summary:
    return Summary(
        draft_title="数据条例（草案）",
        contact_point="曹杨新村街道基层立法联系点",
        submitted_on=date(2021, 3, 20),
        rows=list(rows),
        seal_position=7,
        seal_hash="ab" * 32,
    )


def test_the_word_document_is_a4() -> None:
    document = Document(io.BytesIO(as_docx(summary_of())))

    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_outcome_column_has_one_name_in_every_format() -> None:
    summary = summary_of(Row("第一条", "建议", "建议", "来信", "居民", "待人大决定"))

    csv_header = list(csv.reader(io.StringIO(as_csv(summary).decode("utf-8-sig"))))[2]
    docx_header = [c.text for c in Document(io.BytesIO(as_docx(summary))).tables[0].rows[0].cells]

    assert csv_header[-2] == docx_header[-2] == "采纳情况"


def test_each_row_says_how_many_opinions_it_stands_for_in_every_format() -> None:
    summary = summary_of(
        Row("第一条", "建议", "建议", "来信", "居民", "采纳", persons=12),
        Row("第二条", "建议二", "建议二", "来信", "居民", "未采纳"),
    )

    csv_rows = list(csv.reader(io.StringIO(as_csv(summary).decode("utf-8-sig"))))
    table = Document(io.BytesIO(as_docx(summary))).tables[0]

    assert csv_rows[2][-1] == table.rows[0].cells[-1].text == "人数"
    assert [r[-1] for r in csv_rows[3:5]] == ["12", "1"]
    assert [table.rows[i].cells[-1].text for i in (1, 2)] == ["12", "1"]


def test_the_seal_says_in_words_what_it_is_for() -> None:
    seal = summary_of().seal

    assert "ab" * 32 in seal and "7" in seal
    assert "封印" not in seal and "哈希" not in seal
    assert "校验" in seal and "改动" in seal


def test_files_are_named_by_contact_point_draft_and_date() -> None:
    name = summary_of().filename("docx")

    assert name == "曹杨新村街道基层立法联系点-数据条例（草案）-意见建议汇总表-2021-03-20.docx"


def test_characters_a_word_document_cannot_hold_are_left_out_of_it() -> None:
    """Records from before control characters were refused may still carry them."""
    summary = summary_of(Row("第一条", "建议\x00增加", "建议\x00增加", "来信", "居民\x1b", "采纳"))

    document = Document(io.BytesIO(as_docx(summary)))

    assert document.tables[0].rows[1].cells[2].text == "建议增加"
    assert document.tables[0].rows[1].cells[4].text == "居民"
