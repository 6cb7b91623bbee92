"""Every read-model row, for comparing a store with a from-scratch rebuild of itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from projections.projector import batches
from projections.tables import metadata


def read_models(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Each read-model table's rows, sorted (the batch record is not a read model: a
    rebuild applies the same events in other batches)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            found[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return found


def batch_record(engine: Engine) -> list[tuple[int, int, int, str]]:
    """(after, last, events, applied_by) of every batch applied, in order."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                batches.c.after, batches.c.last, batches.c.events, batches.c.applied_by
            ).order_by(batches.c.after)
        ).all()
    return [(int(a), int(b), int(c), str(d)) for a, b, c, d in rows]


def assert_each_event_applied_once(engine: Engine, positions: list[int]) -> None:
    """The batches tile the log: each starts where the one before ended and holds exactly
    the events between, so no event was applied twice and none was skipped."""
    record = batch_record(engine)
    assert record, "no batch was applied"
    assert record[0][0] == 0
    for (_, last, _, _), (after, _, _, _) in zip(record, record[1:], strict=False):
        assert after == last
    assert record[-1][1] == positions[-1]
    for after, last, events, _ in record:
        assert events == sum(1 for p in positions if after < p <= last), (after, last)
    assert sum(events for _, _, events, _ in record) == len(positions)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(batches)).scalar_one() == len(record)
