"""The plans behind the congress's figures read no table that grows with the log end to end.

On SQLite the planner takes an index whenever one serves (no statistics are gathered), so a
``SCAN`` of a growing table here is a missing or unusable index, whatever the data's size."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.plans import generated_and_explained, whole_reads
from benchmarks.stores import STORES

pytestmark = pytest.mark.slow


def test_every_question_of_the_pages_is_answered_through_indexes(tmp_path: Path) -> None:
    with STORES["sqlite"](tmp_path) as store:
        found = generated_and_explained(400, store)
    assert {each.asked for each in found} == {
        "stats, all points",
        "stats, one point",
        "ranking",
        "trace, largest draft, one point",
    }
    assert all(each.plan for each in found)
    assert [(each.asked, each.reads_whole) for each in found if each.reads_whole] == []


def test_a_whole_read_of_a_growing_table_is_named() -> None:
    postgres = ["Hash Join", "  ->  Seq Scan on rm_suggestions s  (cost=0.00..1.00 rows=1)"]
    sqlite = ["SCAN rm_suggestions__next", "SEARCH rm_drafts USING INDEX ix (id=?)"]
    small = ["SCAN rm_contact_points"]

    assert whole_reads(postgres) == ["rm_suggestions"]
    assert whole_reads(sqlite) == ["rm_suggestions__next"]
    assert whole_reads(small) == []
