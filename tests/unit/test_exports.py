"""The summary table's CSV: opens in Excel, and residents' words never run as formulas."""

from __future__ import annotations

import csv
import io
from datetime import date

from liaison.exports import Row, Summary, as_csv


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
    assert rows[3][1] == "第一条" and rows[-1][0].endswith("ab" * 32)
