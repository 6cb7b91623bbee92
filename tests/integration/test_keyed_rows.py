"""The projector's plain-SQL writes (projections/keyed.py) store what SQLAlchemy's own
statements stored, on either store: dates, NULLs, bytes, Python-side defaults."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from liaison.bootstrap import Liaison
from projections.keyed import insert_rows, insert_values, upsert_sql, with_keys
from projections.tables import agg_activity, participants, suggestions


def suggestion(row_id: str, **values: Any) -> dict[str, Any]:
    return {
        "id": row_id,
        "contact_point_id": "c" * 32,
        "draft_id": "d" * 32,
        "article": None,
        "participant_id": None,
        "session_id": None,
        "channel": "online",
        "receipt": "LX-7K3MQ-9TDH2",
        "received_on": date(2024, 2, 29),
        "status": "received",
        "content": "意见",
        "original_content": "意见",
        "draft_version": "一审稿",
        "recorded_by": None,
        **values,
    }


def test_rows_inserted_many_at_a_time_read_back_as_given(liaison: Liaison) -> None:
    rows = [
        suggestion("a" * 32, article=3, reported_on=None),  # every row names the same columns
        suggestion("b" * 32, reported_on=date(2024, 3, 1)),
    ]
    s = suggestions.c
    with liaison.engine.begin() as conn:
        insert_rows(conn, suggestions, rows)
        stored = conn.execute(
            select(s.id, s.article, s.received_on, s.reported_on, s.recorded_by).order_by(s.id)
        ).all()
    assert [tuple(row) for row in stored] == [
        ("a" * 32, 3, date(2024, 2, 29), None, None),
        ("b" * 32, None, date(2024, 2, 29), date(2024, 3, 1), None),
    ]


def test_a_column_left_out_takes_its_default(liaison: Liaison) -> None:
    with liaison.engine.begin() as conn:
        insert_rows(
            conn, participants, [{"id": "e" * 32, "contact_point_id": "c" * 32, "kind": "resident"}]
        )
        erased = conn.execute(select(participants.c.erased)).scalar_one()
    assert erased is False


def test_a_row_already_there_is_kept_unless_the_conflict_says_otherwise(liaison: Liaison) -> None:
    key = ("scope", "grain", "starts_on")
    first = {"scope": "", "grain": "d", "starts_on": date(2024, 1, 31), "bits": b"\x01"}
    with liaison.engine.begin() as conn:
        insert_rows(conn, agg_activity, [first])
        insert_rows(conn, agg_activity, [{**first, "bits": b"\x02"}], "ON CONFLICT DO NOTHING")
        kept = conn.execute(select(agg_activity.c.bits)).scalar_one()
        insert_rows(
            conn,
            agg_activity,
            [{**first, "bits": b"\x03\x00\xff"}],
            upsert_sql(agg_activity, key, ("bits",)),
        )
        replaced = conn.execute(select(agg_activity.c.bits)).scalar_one()
    assert (bytes(kept), bytes(replaced)) == (b"\x01", b"\x03\x00\xff")


def test_keys_of_every_kind_find_their_rows(liaison: Liaison) -> None:
    buckets = [
        {"scope": "", "grain": "d", "starts_on": date(2024, 1, 31), "bits": b"\x01"},
        {"scope": "c" * 32, "grain": "m", "starts_on": date(2024, 1, 1), "bits": b"\x02"},
    ]
    wanted = [
        (0, "", "d", date(2024, 1, 31)),
        (1, "c" * 32, "m", date(2024, 1, 1)),
        (2, "x", "y", date(2024, 1, 2)),
    ]
    with liaison.engine.begin() as conn:
        insert_rows(conn, agg_activity, buckets)
        found = with_keys(
            conn,
            ("i", "scope", "grain", "starts_on"),
            wanted,
            "SELECT k.i, t.bits FROM k JOIN rm_agg_activity t"
            " ON t.scope = k.scope AND t.grain = k.grain AND t.starts_on = k.starts_on"
            " ORDER BY k.i",
        ).all()
    assert [(i, bytes(bits)) for i, bits in found] == [(0, b"\x01"), (1, b"\x02")]


def test_rows_given_as_tuples_of_values_store_the_same_as_rows_given_as_dicts(
    liaison: Liaison,
) -> None:
    # given the same two rows, once as dicts and once as tuples in the order of the names
    names = ("scope", "grain", "starts_on", "bits")
    as_dicts = [
        {"scope": "", "grain": "d", "starts_on": date(2024, 2, 29), "bits": b"\x01"},
        {"scope": "c" * 32, "grain": "m", "starts_on": date(2024, 2, 1), "bits": b"\x00\x02"},
    ]
    as_tuples = [tuple(row[name] for name in names) for row in as_dicts]
    t = agg_activity.c
    query = select(t.scope, t.grain, t.starts_on, t.bits).order_by(t.scope, t.grain)
    with liaison.engine.begin() as conn:
        insert_rows(conn, agg_activity, as_dicts)
        from_dicts = [tuple(row) for row in conn.execute(query)]
        conn.execute(agg_activity.delete())
        # when written as tuples
        insert_values(conn, agg_activity, names, as_tuples)
        from_tuples = [tuple(row) for row in conn.execute(query)]
    # then the rows read back alike, dates as dates
    assert from_tuples == from_dicts
    assert [(scope, day, bytes(bits)) for scope, _, day, bits in from_tuples] == [
        ("", date(2024, 2, 29), b"\x01"),
        ("c" * 32, date(2024, 2, 1), b"\x00\x02"),
    ]
