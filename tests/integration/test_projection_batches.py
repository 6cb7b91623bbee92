"""The projector writes each batch's changes set-based: however the log is cut into batches
(one event at a time as commands run, or thousands in a rebuild), the rows come out equal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import Notification
from sqlalchemy import Connection, func, select

from benchmarks.dataset import generate
from liaison.bootstrap import Liaison
from liaison.rights import operator
from projections import handlers
from projections.handlers import Changes, Updater
from projections.projector import Projector, batches, event_chain
from projections.tables import agg_received, suggestions
from tests.conftest import FixedClock
from tests.integration.snapshot import read_models
from tests.records import draft_opened


@pytest.fixture
def clock() -> FixedClock:
    """After the generated sample's last date (it spreads over 2015 … 2024)."""
    return FixedClock(date(2025, 6, 30))


@pytest.fixture
def busy(liaison: Liaison) -> Liaison:
    """Every kind of event: a generated sample (sessions, attendance, screening, reports,
    outcomes) with rewording, merging, rejection, feedback and an erasure on top."""
    data = generate(liaison, 300, seed=3)
    app = liaison.app
    with liaison.engine.connect() as conn:
        received = conn.execute(
            select(
                suggestions.c.id,
                suggestions.c.draft_id,
                suggestions.c.contact_point_id,
                suggestions.c.received_on,
            )
            .where(suggestions.c.status == "received")
            .order_by(suggestions.c.draft_id, suggestions.c.contact_point_id, suggestions.c.id)
        ).all()
    pair = next(
        (one, other)
        for one, other in zip(received, received[1:], strict=False)
        if one[1:3] == other[1:3]
    )
    others = [row for row in received if row not in pair][:2]
    first, second = UUID(pair[0].id), UUID(pair[1].id)
    third, fourth = [UUID(row.id) for row in others]
    on = max(row.received_on for row in [*pair, *others])  # once all four are in
    app.revise_suggestion(first, "改写后的意见", operator("bench"), on=on)
    app.merge_suggestion(second, first, operator("bench"), on=on + timedelta(days=1))
    app.screen_suggestion(
        third, "reject", operator("bench"), reason="与本法无关", on=on + timedelta(days=2)
    )
    app.screen_suggestion(fourth, "accept", operator("bench"), on=on + timedelta(days=2))
    app.revise_suggestion(fourth, "再次改写", operator("bench"), on=on + timedelta(days=3))
    app.send_feedback(app.receipts.find(data.receipts[0]), "已采纳，谢谢", operator("bench"))  # type: ignore[arg-type]
    with liaison.engine.connect() as conn:
        person = conn.execute(
            select(suggestions.c.participant_id).where(suggestions.c.participant_id.is_not(None))
        ).scalar()
    assert person is not None
    app.erase_participant(UUID(person), operator("bench"))
    return liaison


@pytest.mark.parametrize("size", [1, 7, 10_000])
def test_any_batch_size_gives_the_rows_of_one_event_at_a_time(busy: Liaison, size: int) -> None:
    one_at_a_time = read_models(busy.engine)  # each command projected its own events
    busy.projector.rebuild_batch = size

    replayed = busy.projector.rebuild()

    assert replayed == busy.app.recorder.max_notification_id()
    # read models derived from rows must not depend on how the log was cut into batches:
    # count by row differences (``Updater.watches`` and ``Changes.diffs``), per event
    assert read_models(busy.engine) == one_at_a_time


def test_a_rebuild_applies_its_own_batch_size_and_the_live_projector_its_own(
    busy: Liaison,
) -> None:
    busy.projector.batch, busy.projector.rebuild_batch = 3, 40
    total = busy.app.recorder.max_notification_id()

    busy.projector.rebuild()
    rebuilt = _batch_sizes(busy)
    draft_opened(busy.app, "第一条　新的规定。", date(2025, 6, 1), date(2025, 7, 1))  # applied live
    busy.projector.catch_up()
    live = _batch_sizes(busy)[len(rebuilt) :]

    assert rebuilt == [40] * (total // 40) + ([total % 40] if total % 40 else [])
    assert live and all(size <= 3 for size in live)
    assert sum(live) == busy.app.recorder.max_notification_id() - total


def _batch_sizes(liaison: Liaison) -> list[int]:
    with liaison.engine.connect() as conn:
        return list(
            conn.execute(
                select(batches.c.events)
                .where(batches.c.name == "read_models")
                .order_by(batches.c.after)
            ).scalars()
        )


def test_updates_of_one_row_fold_into_one_later_values_winning() -> None:
    changes = Changes()
    row = {"id": "a" * 32, "status": "received"}
    changes.insert(suggestions, row)
    changes.update(suggestions, UUID("a" * 32), status="accepted")
    changes.update(suggestions, UUID("a" * 32), status="reported", report_id="r" * 32)
    changes.update(suggestions, UUID("b" * 32), status="merged")

    assert changes.updates[suggestions] == {
        "a" * 32: {"status": "reported", "report_id": "r" * 32},
        "b" * 32: {"status": "merged"},
    }
    assert changes.touched(suggestions) == {"a" * 32, "b" * 32}


def test_diffs_give_watched_columns_before_and_after_the_batch(liaison: Liaison) -> None:
    existing, new, missing = "e" * 32, "f" * 32, "0" * 32
    row = {
        "contact_point_id": "c" * 32,
        "draft_id": "d" * 32,
        "article": None,
        "participant_id": None,
        "channel": "online",
        "receipt": "LX-22222-22222",
        "received_on": date(2021, 3, 1),
        "status": "received",
        "content": "意见",
        "original_content": "意见",
        "draft_version": "征求意见稿",
    }
    with liaison.engine.begin() as conn:
        conn.execute(suggestions.insert().values(id=existing, **row))
    changes = Changes({suggestions: ("received_on", "status")})
    changes.insert(suggestions, {"id": existing, **row})  # applied again: ignored
    changes.insert(suggestions, {"id": new, **row})
    changes.update(suggestions, UUID(existing), status="accepted")
    changes.update(suggestions, UUID(new), status="merged")
    changes.update(suggestions, UUID(missing), status="rejected")
    with liaison.engine.begin() as conn:
        changes.write(conn)

    diffs = sorted(changes.diffs(suggestions), key=repr)

    on = date(2021, 3, 1)
    assert diffs == sorted(
        [
            ({"received_on": on, "status": "received"}, {"received_on": on, "status": "accepted"}),
            (None, {"received_on": on, "status": "merged"}),
        ],
        key=repr,
    )


def test_a_projector_runs_exactly_the_updaters_and_steps_it_is_given(liaison: Liaison) -> None:
    # given a few events, projected by the Liaison's own projector (aggregates and chain)
    app = liaison.app
    cp = app.designate_contact_point("曹杨新村街道", "普陀区", operator("admin")).id
    draft = draft_opened(app, "第一条　总则。", on=date(2021, 2, 1), until=date(2021, 3, 10))
    kept = app.record_suggestion(
        cp, draft, "意见", "online", operator("s"), received_on=date(2021, 3, 1)
    )
    app.screen_suggestion(kept.id, "accept", operator("s"))
    with liaison.engine.connect() as conn:
        links = conn.execute(select(func.count()).select_from(event_chain)).scalar_one()
    seen: list[tuple[Any, Any]] = []
    stepped: list[int] = []

    def note(conn: Connection, changes: Changes) -> None:
        seen.extend(changes.diffs(suggestions))

    def step(conn: Connection, notifications: Sequence[Notification]) -> None:
        stepped.extend(n.id for n in notifications)

    projector = Projector(
        app.recorder,
        app.mapper,
        liaison.engine,
        handlers=handlers.standard(),
        updaters=[Updater(note, {suggestions: ("status",)})],
        after_batch=[step],
        batch=2,
    )

    # when it rebuilds the read models
    replayed = projector.rebuild()

    # then its own updater ran, and nothing else: no aggregates, no new links; its steps did
    # not run, since a rebuild beside the live read models links nothing (the chain follows
    # the live log)
    log = app.recorder.select_notifications(start=0, limit=100, inclusive_of_start=False)
    assert stepped == [] and replayed == len(log)
    assert (None, {"status": "received"}) in seen
    assert ({"status": "received"}, {"status": "accepted"}) in seen
    with liaison.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(agg_received)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(event_chain)).scalar_one() == links
    # and when a new event comes, its catch-up runs the steps for that event only
    app.on_saved = None
    later = app.record_suggestion(
        cp, draft, "再一条意见", "online", operator("s"), received_on=date(2021, 3, 2)
    )
    projector.catch_up()
    newest = app.recorder.max_notification_id()
    assert stepped == [newest] and later.id is not None
    liaison.projector.rebuild()  # the standard set brings the aggregates back
    with liaison.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(agg_received)).scalar_one() > 0
