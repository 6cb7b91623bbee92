"""A batch's row changes: a row inserted and deleted in one batch ends as the later left it."""

from __future__ import annotations

from sqlalchemy import create_engine, select

from projections.handlers import Changes
from projections.tables import attendances, metadata


def _rows(changes_in_order: list[tuple[str, str]], before: list[str]) -> list[str]:
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=[attendances])
    with engine.begin() as conn:
        if before:
            conn.execute(
                attendances.insert(), [{"session_id": "s", "participant_id": p} for p in before]
            )
        changes = Changes()
        for what, person in changes_in_order:
            if what == "insert":
                changes.insert(attendances, {"session_id": "s", "participant_id": person})
            else:
                changes.delete(attendances, session_id="s", participant_id=person)
        changes.write(conn)
        return sorted(conn.execute(select(attendances.c.participant_id)).scalars())


def test_a_row_inserted_then_deleted_in_one_batch_is_gone() -> None:
    assert _rows([("insert", "p"), ("insert", "q"), ("delete", "p")], []) == ["q"]


def test_a_row_deleted_then_inserted_again_in_one_batch_stays() -> None:
    assert _rows([("delete", "p"), ("insert", "p")], ["p"]) == ["p"]


def test_a_row_of_an_earlier_batch_is_deleted_and_a_second_delete_changes_nothing() -> None:
    assert _rows([("delete", "p"), ("delete", "p")], ["p", "q"]) == ["q"]
