"""Distinct people over any period, from bitmaps kept per contact point and day, month, year.

``participants`` (DOMAIN.md) counts the distinct registered people who attended a held
session or gave a suggestion in the period. Counted from rows, that reads every such row of
the period; here each scope (a contact point, or ``""`` for all) numbers its people densely
(``rm_agg_people``) and keeps, per day, month and year, the bitmap of who was active
(``rm_agg_activity``). A period is at most ~90 buckets (``periods.spans``): the count is the
popcount of their OR, a few kilobytes whatever the number of suggestions.

Activity almost only grows: suggestions are never removed, and a held session stays held on
its day. So the bits of a batch's new rows are OR-ed in; OR is idempotent and the bitmaps stay
exactly the people of the rows. The one removal is an attendee withdrawn from a held session
(ticked by mistake): then that day's bitmaps (of the contact point and of ``ALL``) are counted
again from the rows, and their month's and year's are made again as the OR of the days and
months below them (a bucket's people are the union of its parts'), a few dozen small rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, or_, select, true

from domain.session import SessionStatus
from projections.handlers import Changes, Updater
from projections.keyed import chunks, insert_rows, upsert, upsert_sql, with_keys
from projections.periods import month_end, month_of, runs, shape, year_of
from projections.tables import (
    agg_activity,
    agg_people,
    attendances,
    participants,
    sessions,
    suggestions,
)

ALL = ""
"""The scope over every contact point."""


def people(conn: Connection, scope: str, start: date | None, end: date | None) -> int:
    """How many distinct people were active in the scope over the inclusive period."""
    grains, bounds = shape(start, end)
    union = 0
    if grains:
        for (blob,) in conn.execute(_bitmaps(grains), {"scope": scope, **bounds}):
            union |= int.from_bytes(blob, "little")
    return union.bit_count()


@lru_cache(maxsize=64)
def _bitmaps(grains: tuple[str, ...]) -> Any:
    t = agg_activity
    return select(t.c.bits).where(t.c.scope == bindparam("scope"), or_(*runs(t, grains)))


def add(conn: Connection, changes: Changes) -> None:
    """Number the people registered in this batch, then OR the people active in its new rows
    into their scopes' bitmaps."""
    registered = [
        ((row["contact_point_id"], row["id"]), (ALL, row["id"]))
        for row in changes.inserts.get(participants, [])
    ]
    if registered:
        _numbers(conn, [key for pair in registered for key in pair])
    active: set[tuple[str, date, str]] = {
        (row["contact_point_id"], row["received_on"], row["participant_id"])
        for row in changes.inserts.get(suggestions, [])
        if row.get("participant_id")
    }
    held = sessions.c.status == SessionStatus.HELD.value
    attended = changes.inserts.get(attendances, [])
    for ids in chunks(sorted({row["session_id"] for row in attended})):
        found = {
            row.id: (row.contact_point_id, row.held_on)
            for row in conn.execute(
                select(sessions.c.id, sessions.c.contact_point_id, sessions.c.held_on).where(
                    sessions.c.id.in_(ids), held
                )
            )
        }
        active.update(
            (*found[row["session_id"]], row["participant_id"])
            for row in attended
            if row["session_id"] in found
        )
    for ids in chunks(sorted(changes.touched(sessions))):  # held in this batch
        active.update(
            (row.contact_point_id, row.held_on, row.participant_id)
            for row in conn.execute(
                select(
                    sessions.c.contact_point_id, sessions.c.held_on, attendances.c.participant_id
                )
                .join(attendances, attendances.c.session_id == sessions.c.id)
                .where(sessions.c.id.in_(ids), held)
            )
        )
    if not active:
        return
    numbers = _numbers(conn, sorted({(scope, p) for cp, _, p in active for scope in (cp, ALL)}))
    by_day: dict[tuple[str, date], int] = defaultdict(int)
    for cp, day, person in active:
        by_day[(cp, day)] |= 1 << numbers[(cp, person)]
        by_day[(ALL, day)] |= 1 << numbers[(ALL, person)]
    bits: dict[tuple[str, str, date], int] = defaultdict(int)
    for (scope, day), day_bits in by_day.items():
        for grain, first in (("d", day), ("m", month_of(day)), ("y", year_of(day))):
            bits[(scope, grain, first)] |= day_bits
    _or_into(conn, bits)


def refresh(conn: Connection, changes: Changes) -> None:
    """Bring the bitmaps up to date with this batch (the ``updater``)."""
    add(conn, changes)
    withdraw(conn, changes)


def updater() -> Updater:
    """The people active, kept after each batch (a rebuild too keeps them batch by batch:
    people are numbered in the log's order)."""
    return Updater(refresh)


def withdraw(conn: Connection, changes: Changes) -> None:
    """Count again the buckets of the held sessions this batch withdrew attendees from."""
    gone = changes.deletes.get(attendances, {})
    days: set[tuple[str, date]] = set()
    for ids in chunks(sorted({key["session_id"] for key in gone.values()})):
        days.update(
            (row.contact_point_id, row.held_on)
            for row in conn.execute(
                select(sessions.c.contact_point_id, sessions.c.held_on).where(
                    sessions.c.id.in_(ids), sessions.c.status == SessionStatus.HELD.value
                )
            )
        )
    if days:
        recount(conn, {(scope, day) for cp, day in days for scope in (cp, ALL)})


def recount(conn: Connection, days: set[tuple[str, date]]) -> None:
    """Make the bitmaps of these (scope, day)s from the rows, then their months' from the
    days' and their years' from the months'."""
    for scope, day in sorted(days):
        active = _active_on(conn, scope, day)
        numbers = _numbers(conn, [(scope, person) for person in sorted(active)])
        bits = 0
        for person in active:
            bits |= 1 << numbers[(scope, person)]
        _set(conn, scope, "d", day, bits)
    months = sorted({(scope, month_of(day)) for scope, day in days})
    for scope, month in months:
        _set(conn, scope, "m", month, _union(conn, scope, "d", month, month_end(month)))
    for scope, year in sorted({(scope, year_of(month)) for scope, month in months}):
        _set(conn, scope, "y", year, _union(conn, scope, "m", year, date(year.year, 12, 31)))


def _active_on(conn: Connection, scope: str, day: date) -> set[str]:
    """Who gave a suggestion or attended a held session in the scope on the day, by the rows."""

    def of(table: Any) -> Any:
        return true() if scope == ALL else table.c.contact_point_id == scope

    wrote = select(suggestions.c.participant_id).where(
        suggestions.c.received_on == day,
        of(suggestions),
        suggestions.c.participant_id.is_not(None),
    )
    came = (
        select(attendances.c.participant_id)
        .join(sessions, sessions.c.id == attendances.c.session_id)
        .where(
            and_(
                sessions.c.status == SessionStatus.HELD.value,
                sessions.c.held_on == day,
                of(sessions),
            )
        )
    )
    return {*conn.execute(wrote).scalars(), *conn.execute(came).scalars()}


def _union(conn: Connection, scope: str, grain: str, first: date, last: date) -> int:
    t = agg_activity
    union = 0
    for (blob,) in conn.execute(
        select(t.c.bits).where(
            t.c.scope == scope, t.c.grain == grain, t.c.starts_on.between(first, last)
        )
    ):
        union |= int.from_bytes(blob, "little")
    return union


def _set(conn: Connection, scope: str, grain: str, first: date, bits: int) -> None:
    """The bucket's bitmap, or no row for an empty one (as when nobody was ever added)."""
    t = agg_activity
    if bits:
        conn.execute(
            upsert(conn, t, ("scope", "grain", "starts_on")),
            [{"scope": scope, "grain": grain, "starts_on": first, "bits": _bytes(bits)}],
        )
    else:
        conn.execute(
            delete(t).where(t.c.scope == scope, t.c.grain == grain, t.c.starts_on == first)
        )


def _numbers(conn: Connection, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Each person's number in each scope, given the next free one when first seen there, in
    the order asked. People are numbered as they are registered, in the log's order, so the
    numbers (and bitmaps) do not depend on how the log was cut into batches."""
    p = agg_people
    found: dict[tuple[str, str], int] = {}
    for chunk in chunks(sorted({person for _, person in wanted})):
        rows = conn.execute(
            select(p.c.scope, p.c.participant_id, p.c.number).where(p.c.participant_id.in_(chunk))
        )
        found.update(((scope, person), number) for scope, person, number in rows.tuples())
    missing = list(dict.fromkeys(key for key in wanted if key not in found))
    if missing:
        following: dict[str, int] = {}
        for scope in sorted({scope for scope, _ in missing}):
            top = conn.execute(select(func.max(p.c.number)).where(p.c.scope == scope)).scalar()
            following[scope] = 0 if top is None else top + 1
        new_rows = []
        for scope, person in missing:
            found[(scope, person)] = following[scope]
            new_rows.append({"scope": scope, "participant_id": person, "number": following[scope]})
            following[scope] += 1
        insert_rows(conn, p, new_rows)
    return found


def _or_into(conn: Connection, bits: dict[tuple[str, str, date], int]) -> None:
    t = agg_activity
    for chunk in chunks(sorted(bits)):
        old = {
            chunk[i]: int.from_bytes(blob, "little")
            for i, blob in with_keys(
                conn,
                ("i", "scope", "grain", "starts_on"),
                [(i, *key) for i, key in enumerate(chunk)],
                f"SELECT k.i, t.bits FROM k JOIN {t.name} t"
                " ON t.scope = k.scope AND t.grain = k.grain AND t.starts_on = k.starts_on",
            )
        }
        changed = []
        for key in chunk:
            union = bits[key] | old.get(key, 0)
            if union != old.get(key):
                scope, grain, first = key
                changed.append(
                    {"scope": scope, "grain": grain, "starts_on": first, "bits": _bytes(union)}
                )
        insert_rows(conn, t, changed, upsert_sql(t, ("scope", "grain", "starts_on"), ("bits",)))


def _bytes(bits: int) -> bytes:
    return bits.to_bytes((bits.bit_length() + 7) // 8, "little")
