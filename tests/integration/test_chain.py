"""The hash chain over the event log: extended with the read models, and tampering shows."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import Notification
from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.pool import NullPool

from liaison.bootstrap import Liaison
from liaison.chain import GENESIS, link
from liaison.cli import main
from liaison.rights import operator
from projections.projector import event_chain
from tests.records import consultation


@pytest.fixture
def history(liaison: Liaison) -> Liaison:
    """A few commands' worth of events (eight or more, from several aggregates)."""
    app = liaison.app
    cp, draft = consultation(app)
    person = app.register_participant(cp, "王秀英", "resident", operator("s"), phone="13812345678")
    said = app.record_suggestion(
        cp, draft, "建议", "letter", operator("s"), participant_id=person.id
    )
    app.comment_publicly(draft, cp, "建议增加线下渠道", article=1, name="李建国")
    app.comment_publicly(draft, cp, "建议明确删除期限", article=2)
    app.screen_suggestion(said.id, "accept", operator("s"))
    assert _positions(liaison) and len(_positions(liaison)) >= 8
    return liaison


def _positions(liaison: Liaison) -> list[int]:
    return [n.id for n in liaison.app.recorder.select_notifications(start=None, limit=10_000)]


def _links(liaison: Liaison) -> dict[int, str]:
    with liaison.engine.connect() as conn:
        rows = conn.execute(select(event_chain.c.position, event_chain.c.hash))
        return {int(position): str(value) for position, value in rows}


class _Tamperer:
    """Plain SQL on the library's event table and on the chain, in one transaction, on
    either store: SQLite's table is ``stored_events`` keyed by ``rowid``, PostgreSQL's is
    named after the application (``liaison_events``) and keyed by ``notification_id``."""

    def __init__(self, conn: Connection, table: str, position: str) -> None:
        self.conn, self.table, self.position = conn, table, position

    def sql(self, statement: str, **params: Any) -> None:
        self.conn.execute(text(statement), params)

    def state(self, position: int) -> bytes:
        query = f"SELECT state FROM {self.table} WHERE {self.position} = :p"
        return bytes(self.conn.execute(text(query), {"p": position}).scalar_one())

    def set_state(self, position: int, state: bytes) -> None:
        self.sql(
            f"UPDATE {self.table} SET state = :s WHERE {self.position} = :p", s=state, p=position
        )

    def delete_event(self, position: int) -> None:
        self.sql(f"DELETE FROM {self.table} WHERE {self.position} = :p", p=position)


@contextmanager
def _database(liaison: Liaison) -> Iterator[_Tamperer]:
    """The database opened behind the application's back, as a tamperer would."""
    engine = create_engine(liaison.settings.database_url, poolclass=NullPool)
    position = "rowid" if liaison.settings.is_sqlite else "notification_id"
    try:
        with engine.begin() as conn:
            yield _Tamperer(conn, liaison.app.recorder.events_table_name, position)
    finally:
        engine.dispose()


# link


def _notification(**changes: object) -> Notification:
    fields: dict[str, object] = {
        "id": 7,
        "originator_id": UUID("12345678123456781234567812345678"),
        "originator_version": 3,
        "topic": "domain.draft:Draft.Opened",
        "state": b'{"actor":"admin"}',
    }
    fields.update(changes)
    return Notification(**fields)  # type: ignore[arg-type]


def test_a_link_is_sha256_over_the_length_prefixed_parts() -> None:
    # recomputed here by hand: previous hash, originator id (hex), version, topic, state
    parts = [
        b"0" * 64,
        b"12345678123456781234567812345678",
        b"3",
        b"domain.draft:Draft.Opened",
        b'{"actor":"admin"}',
    ]
    expected = hashlib.sha256(
        b"".join(len(part).to_bytes(8, "big") + part for part in parts)
    ).hexdigest()

    assert link(GENESIS, _notification()) == expected


def test_a_link_is_deterministic_and_changes_when_any_part_changes() -> None:
    base = link(GENESIS, _notification())

    assert base == link(GENESIS, _notification())
    assert re.fullmatch("[0-9a-f]{64}", base)
    assert link("1" * 64, _notification()) != base
    assert link(GENESIS, _notification(originator_id=UUID(int=1))) != base
    assert link(GENESIS, _notification(originator_version=4)) != base
    assert link(GENESIS, _notification(topic="domain.draft:Draft.Closed")) != base
    assert link(GENESIS, _notification(state=b'{"actor":"admim"}')) != base


def test_a_link_does_not_depend_on_the_position_only_on_the_chain() -> None:
    assert link(GENESIS, _notification(id=8)) == link(GENESIS, _notification())


def test_moving_a_boundary_between_parts_changes_the_link() -> None:
    # the same bytes concatenated, split differently between topic and state
    one = _notification(topic="domain.draft:Draft.Opened", state=b"{}")
    other = _notification(topic="domain.draft:Draft.Opened{", state=b"}")

    assert link(GENESIS, one) != link(GENESIS, other)


# the chain as the application keeps it


def test_every_event_is_chained_when_a_command_returns(history: Liaison) -> None:
    positions = _positions(history)
    links = _links(history)

    assert sorted(links) == positions
    with history.engine.connect() as conn:
        head = history.chain.head(conn)
    assert head.position == positions[-1]
    assert head.hash == links[positions[-1]]


def test_each_link_hashes_the_previous_one_with_the_stored_event(history: Liaison) -> None:
    links = _links(history)
    previous = GENESIS
    for notification in history.app.recorder.select_notifications(start=None, limit=10_000):
        previous = link(previous, notification)
        assert links[notification.id] == previous


def test_an_untouched_log_verifies(history: Liaison) -> None:
    result = history.chain.verify()

    assert result.ok
    assert result.events == len(_positions(history))
    assert result.first_broken is None and result.reason is None
    assert result.head_hash == _links(history)[_positions(history)[-1]]


def test_verification_pages_by_position_whatever_the_page_size(history: Liaison) -> None:
    whole = history.chain.verify()

    for page in (1, 2, 3, 1000):
        assert history.chain.verify(page=page) == whole


def test_an_empty_log_verifies_to_the_genesis_hash(liaison: Liaison) -> None:
    assert liaison.chain.verify() == liaison.chain.verify(page=1)
    result = liaison.chain.verify()
    assert (result.ok, result.events, result.head_hash) == (True, 0, GENESIS)


def test_the_feed_gets_each_positions_hash(history: Liaison) -> None:
    links = _links(history)
    wanted = [*_positions(history)[:3], 10_000]

    with history.engine.connect() as conn:
        found = history.chain.hashes(conn, wanted)

    assert found == {position: links[position] for position in wanted[:3]}


def test_a_rebuild_of_the_read_models_leaves_the_chain_unchanged(history: Liaison) -> None:
    before = _links(history)

    history.projector.rebuild()

    assert _links(history) == before
    assert history.chain.verify().ok


def test_replaying_chained_events_adds_no_link(history: Liaison) -> None:
    before = _links(history)
    notifications = history.app.recorder.select_notifications(start=None, limit=10_000)

    with history.engine.begin() as conn:
        history.chain.extend(conn, notifications)
        history.chain.extend(conn, notifications[2:5])

    assert _links(history) == before


def test_a_chain_added_to_an_existing_log_links_the_earlier_events_first(
    history: Liaison,
) -> None:
    before = _links(history)
    with _database(history) as db:
        db.sql("DELETE FROM event_chain")

    history.app.designate_contact_point("长宁区虹桥街道", "长宁区", operator("admin"))

    after = _links(history)
    assert sorted(after) == _positions(history)
    assert {position: after[position] for position in before} == before
    assert history.chain.verify().ok


def test_events_after_the_head_are_not_yet_chained_not_broken(history: Liaison) -> None:
    last = _positions(history)[-1]
    with _database(history) as db:
        db.sql("DELETE FROM event_chain WHERE position = :p", p=last)

    result = history.chain.verify()

    assert result.ok
    assert result.unchained == 1
    assert result.events == len(_positions(history)) - 1


# tampering


def test_one_changed_byte_in_a_stored_event_is_found(history: Liaison) -> None:
    target = _positions(history)[3]
    with _database(history) as db:
        state = bytearray(db.state(target))
        state[len(state) // 2] ^= 0x01
        db.set_state(target, bytes(state))

    result = history.chain.verify()

    assert not result.ok
    assert result.first_broken == target
    assert result.reason is not None and "hash" in result.reason
    assert result.head_hash != _links(history)[_positions(history)[-1]]


def test_a_deleted_event_is_found(history: Liaison) -> None:
    target = _positions(history)[4]
    with _database(history) as db:
        db.delete_event(target)

    result = history.chain.verify()

    assert not result.ok
    assert result.first_broken == target
    assert result.reason is not None and "missing" in result.reason


def test_the_last_event_deleted_is_found(history: Liaison) -> None:
    target = _positions(history)[-1]
    with _database(history) as db:
        db.delete_event(target)

    result = history.chain.verify()

    assert (result.ok, result.first_broken) == (False, target)


def test_two_swapped_payloads_are_found_at_the_first(history: Liaison) -> None:
    first, second = _positions(history)[2], _positions(history)[5]
    with _database(history) as db:
        one, other = db.state(first), db.state(second)
        db.set_state(first, other)
        db.set_state(second, one)

    result = history.chain.verify()

    assert not result.ok
    assert result.first_broken == first


def test_an_event_slipped_between_chained_ones_is_found(history: Liaison) -> None:
    target = _positions(history)[3]
    with _database(history) as db:
        db.sql("DELETE FROM event_chain WHERE position = :p", p=target)

    result = history.chain.verify()

    assert not result.ok
    assert result.first_broken == target
    assert result.reason is not None and "not chained" in result.reason


def test_a_rewritten_link_is_found(history: Liaison) -> None:
    target = _positions(history)[1]
    with _database(history) as db:
        db.sql("UPDATE event_chain SET hash = :h WHERE position = :p", h="f" * 64, p=target)

    assert history.chain.verify().first_broken == target


# liaison verify


def test_liaison_verify_exits_zero_on_an_untouched_log(
    history: Liaison, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LIAISON_DATABASE_URL", history.settings.database_url)
    head = _links(history)[_positions(history)[-1]]

    assert main(["verify"]) == 0
    assert capsys.readouterr().out.strip() == f"ok: {len(_positions(history))} events, head {head}"


def test_liaison_verify_exits_one_after_tampering(
    history: Liaison, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LIAISON_DATABASE_URL", history.settings.database_url)
    target = _positions(history)[2]
    with _database(history) as db:
        state = bytearray(db.state(target))
        state[0] ^= 0x80
        db.set_state(target, bytes(state))

    assert main(["verify"]) == 1
    assert capsys.readouterr().err.startswith(f"BROKEN at position {target}: ")


def test_liaison_verify_chains_events_recorded_without_projection_first(
    history: Liaison, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LIAISON_DATABASE_URL", history.settings.database_url)
    history.app.on_saved = None
    history.app.designate_contact_point("长宁区虹桥街道", "长宁区", operator("admin"))
    assert len(_links(history)) == len(_positions(history)) - 1

    assert main(["verify"]) == 0
    assert f"ok: {len(_positions(history))} events" in capsys.readouterr().out
