"""Pre-aggregated figures, kept by the projector so that queries do not count suggestions.

After each batch's rows are written, in the batch's transaction (``updater``, which bootstrap
hands the projector):

- ``rm_agg_received``: per contact point, day and draft, the suggestions received (and how
  many of them are merged or rejected) and the held sessions that took the draft up;
- ``rm_agg_sessions``: per contact point and day, sessions held and their attendances;
- ``rm_agg_reported``: per report date, contact point and draft, suggestions by outcome (or
  awaiting one), the persons behind the decided ones (each with the opinions merged into
  it) and how many of those persons were told; reports are few, so they are read as they are;
- ``rm_agg_articles``: per draft, contact point, reading and article (0: on the whole
  draft), the suggestions, for the trace's counts;
- people active per period: projections/activity.py, an updater of its own.

Day rows are rolled up per month and year (``grain`` d, m, y) and summed over every contact
point (``contact_point_id`` ""), so a figure for any period reads at most ~90 buckets of one
scope (projections/periods.py).

Suggestions are counted by the difference of each row the batch touched (the columns the
updater ``watches``, ``Changes.diffs``): where the row counted before the batch is taken
away, where it counts after is added, one ``executemany`` of additive upserts per table. The
cost per event is constant whatever the number of suggestions, and a batch applied again
changes nothing (before equals after), so the counts stay exactly those of the rows.
Sessions are few: the days a batch touched (a session held, attendance recorded or withdrawn)
are recounted from their rows. Then the touched
days, months and years are summed again from the rows below them, so every roll-up is a pure
function of the day rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, delete, func, select

from domain.session import SessionStatus
from domain.suggestion import Outcome, Status
from projections import handlers
from projections.keyed import chunks, insert_values, upsert_sql, with_keys
from projections.periods import month_end, month_of, year_of
from projections.tables import (
    agg_articles,
    agg_received,
    agg_reported,
    agg_sessions,
    attendances,
    session_drafts,
    sessions,
    suggestions,
)

GENERAL = 0
"""The article number under which suggestions on the whole draft are counted."""
ALL = ""
"""The contact point of the rows that count every contact point."""
COUNTS = ("received", "merged", "rejected")
COUNTED_STATUSES = (Status.MERGED.value, Status.REJECTED.value)
"""The statuses counted in a column of their own (an enum's ``value`` is slow to read, and
this is read for every row of every batch)."""
OUTCOMES = ("awaiting", *(o.value for o in Outcome))
PERSONS = ("persons", "fed_back")
"""Of the decided suggestions reported: the persons behind them, and those told."""
DAY_KEY = ("received_on", "contact_point_id", "draft_id")
WATCHED = (
    "id",
    "merged_into",
    "fed_back_on",
    "received_on",
    "contact_point_id",
    "draft_id",
    "draft_version",
    "article",
    "status",
    "reported_on",
    "outcome",
)
HELD = f"s.status = '{SessionStatus.HELD.value}'"

Days = set[tuple[date, str, str]]


def refresh(conn: Connection, changes: handlers.Changes) -> None:
    """Bring the aggregates of what this batch touched up to date (the ``updater``)."""
    deltas: dict[tuple[Table, tuple[Any, ...], str], int] = defaultdict(int)
    diffs = list(changes.diffs(suggestions))
    rows = [row for pair in diffs for row in pair if row is not None]
    merged = _merged_counts(conn, {r["id"] for r in rows if r["outcome"] is not None})
    survivors = _report_days(
        conn, {r["merged_into"] for r in rows if r["merged_into"] and r["fed_back_on"]}
    )
    for before, after in diffs:
        if before is not None:
            for table, key, column, amount in _counted_in(before, merged, survivors):
                deltas[(table, key, column)] -= amount
        for table, key, column, amount in _counted_in(after, merged, survivors):
            deltas[(table, key, column)] += amount
    by_table: dict[Table, dict[tuple[Any, ...], dict[str, int]]] = {t: {} for t in KEYS}
    for (table, key, column), amount in deltas.items():
        if amount:
            by_table[table].setdefault(key, {})[column] = amount
    for table, by_key in by_table.items():
        _add(conn, table, by_key)
    days: Days = {(day, cp, draft) for cp, _, day, draft in by_table[agg_received]}
    held = _held_days(conn, changes)
    if held:
        _recount_sessions(conn, held)
    if days or held:  # a held session counts in its drafts' days too
        _roll_up(conn, agg_received, days | held)
    if held:
        _roll_up(conn, agg_sessions, held)


def _counted_in(
    row: dict[str, Any], merged: dict[str, int], survivors: dict[str, date]
) -> Iterator[tuple[Table, tuple[Any, ...], str, int]]:
    """Where a suggestion's row counts: each (aggregate, key, column, amount) it adds to.

    A decided suggestion stands for itself and the opinions merged into it (``merged``, by
    id); a merged opinion whose person was told counts as told under the report date of the
    suggestion it was merged into (``survivors``, by id). Both are read as they are after
    the batch, which is exact: nothing is merged into or out of a reported suggestion, and a
    report's date never changes, so the rows counted before the batch saw the same."""
    cp, draft = row["contact_point_id"], row["draft_id"]
    day = (cp, "d", row["received_on"], draft)
    yield agg_received, day, "received", 1
    if row["status"] in COUNTED_STATUSES:
        yield agg_received, day, row["status"], 1
    yield agg_articles, (draft, cp, row["draft_version"], row["article"] or GENERAL), "count", 1
    if row["reported_on"] is not None:
        reported = (row["reported_on"], cp, draft)
        yield agg_reported, reported, row["outcome"] or "awaiting", 1
        if row["outcome"] is not None:
            yield agg_reported, reported, "persons", 1 + merged.get(row["id"], 0)
        if row["fed_back_on"] is not None:
            yield agg_reported, reported, "fed_back", 1
    elif row["merged_into"] in survivors and row["fed_back_on"] is not None:
        yield agg_reported, (survivors[row["merged_into"]], cp, draft), "fed_back", 1


def _merged_counts(conn: Connection, ids: set[str]) -> dict[str, int]:
    """How many opinions are merged into each of these suggestions (hex ids)."""
    s = suggestions
    found: dict[str, int] = {}
    for chunk in chunks(sorted(ids)):
        statement = (
            select(s.c.merged_into, func.count())
            .where(s.c.merged_into.in_(chunk))
            .group_by(s.c.merged_into)
        )
        found.update((into, int(n)) for into, n in conn.execute(statement))
    return found


def _report_days(conn: Connection, ids: set[str]) -> dict[str, date]:
    """The report date of each of these suggestions that was reported (hex ids)."""
    s = suggestions
    found: dict[str, date] = {}
    for chunk in chunks(sorted(ids)):
        statement = select(s.c.id, s.c.reported_on).where(
            s.c.id.in_(chunk), s.c.reported_on.is_not(None)
        )
        found.update(conn.execute(statement).tuples().all())
    return found


def _add(conn: Connection, table: Table, by_key: dict[tuple[Any, ...], dict[str, int]]) -> None:
    """Add each key's differences (none zero) to its row (made when missing), one statement."""
    key = KEYS[table]
    values = tuple(c.name for c in table.c if c.name not in key)
    rows = [(*k, *[counts.get(c, 0) for c in values]) for k, counts in by_key.items()]
    added = ", ".join(f"{c} = {table.name}.{c} + excluded.{c}" for c in values)
    conflict = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {added}"
    insert_values(conn, table, (*key, *values), rows, conflict)


def _held_days(conn: Connection, changes: handlers.Changes) -> Days:
    """(day, contact point, draft) of the held sessions this batch touched or added
    attendance to or withdrew it from."""
    ids = set(changes.touched(sessions))
    ids.update(row["session_id"] for row in changes.inserts.get(attendances, []))
    ids.update(key["session_id"] for key in changes.deletes.get(attendances, {}).values())
    found: Days = set()
    for chunk in chunks(sorted(ids)):
        found.update(
            (row.held_on, row.contact_point_id, row.draft_id)
            for row in conn.execute(
                select(sessions.c.held_on, sessions.c.contact_point_id, session_drafts.c.draft_id)
                .join(session_drafts, session_drafts.c.session_id == sessions.c.id)
                .where(
                    sessions.c.id.in_(chunk),
                    sessions.c.status == SessionStatus.HELD.value,
                    sessions.c.held_on.is_not(None),
                )
            )
        )
    return found


def _recount_sessions(conn: Connection, keys: Days) -> None:
    """Held sessions per day and contact point (with their attendances), and per draft."""
    for chunk in chunks(sorted(keys)):
        with_keys(
            conn,
            DAY_KEY,
            chunk,
            f"INSERT INTO {agg_received.name} ({', '.join((*RECEIVED_KEY, *COUNTS))}, sessions)"
            " SELECT k.contact_point_id, 'd', k.received_on, k.draft_id, 0, 0, 0,"
            f" (SELECT count(*) FROM {sessions.name} s JOIN {session_drafts.name} sd"
            " ON sd.session_id = s.id AND sd.draft_id = k.draft_id"
            f" WHERE s.held_on = k.received_on AND s.contact_point_id = k.contact_point_id"
            f" AND {HELD})"
            " FROM k WHERE true " + upsert_sql(agg_received, RECEIVED_KEY, ("sessions",)),
        )
    points = sorted({(day, cp) for day, cp, _ in keys})
    for chunk in chunks(points):
        with_keys(
            conn,
            ("held_on", "contact_point_id"),
            chunk,
            f"INSERT INTO {agg_sessions.name} ({', '.join((*SESSIONS_KEY, *SESSION_COUNTS))})"
            " SELECT k.contact_point_id, 'd', k.held_on,"
            f" (SELECT count(*) FROM {sessions.name} s WHERE s.held_on = k.held_on"
            f" AND s.contact_point_id = k.contact_point_id AND {HELD}),"
            f" (SELECT count(*) FROM {sessions.name} s JOIN {attendances.name} a"
            " ON a.session_id = s.id WHERE s.held_on = k.held_on"
            f" AND s.contact_point_id = k.contact_point_id AND {HELD})"
            " FROM k WHERE true " + upsert_sql(agg_sessions, SESSIONS_KEY, SESSION_COUNTS),
        )


RECEIVED_KEY = ("contact_point_id", "grain", "starts_on", "draft_id")
RECEIVED_VALUES = (*COUNTS, "sessions")
SESSIONS_KEY = ("contact_point_id", "grain", "starts_on")
SESSION_COUNTS = ("sessions", "attendances")
KEYS: dict[Table, tuple[str, ...]] = {
    agg_received: RECEIVED_KEY,
    agg_reported: ("reported_on", "contact_point_id", "draft_id"),
    agg_articles: ("draft_id", "contact_point_id", "draft_version", "article"),
}


ROLLED_UP = {
    agg_received: (RECEIVED_KEY, RECEIVED_VALUES),
    agg_sessions: (SESSIONS_KEY, SESSION_COUNTS),
}


def _roll_up(conn: Connection, table: Table, touched: Days) -> None:
    """Sum the touched days of ``table`` over every contact point into ``ALL``, then the
    touched months and years of the touched contact points and of ``ALL`` from the rows
    below them: one statement per grain, reading a few thousand small rows by key."""
    key, columns = ROLLED_UP[table]
    days = {day for day, _, _ in touched}
    scopes = sorted({cp for _, cp, _ in touched} | {ALL})
    months = sorted({month_of(day) for day in days})
    years = sorted({year_of(month) for month in months})
    draft = ", a.draft_id" if "draft_id" in key else ""
    into = f"INSERT INTO {table.name} ({', '.join((*key, *columns))})"
    sums = ", ".join(f"sum(a.{c})" for c in columns)
    tail = upsert_sql(table, key, columns)
    for chunk in chunks(sorted(days)):
        with_keys(
            conn,
            ("first",),
            [(day,) for day in chunk],
            f"{into} SELECT '{ALL}', 'd', k.first{draft}, {sums} FROM k JOIN {table.name} a"
            f" ON a.grain = 'd' AND a.starts_on = k.first AND a.contact_point_id <> '{ALL}'"
            f" WHERE true GROUP BY k.first{draft} {tail}",
        )
    for grain, finer, buckets, end in (
        ("m", "d", months, month_end),
        ("y", "m", years, lambda first: date(first.year, 12, 31)),
    ):
        spans = [(scope, first, end(first)) for first in buckets for scope in scopes]
        for chunk in chunks(spans):
            with_keys(
                conn,
                ("contact_point_id", "first", "last"),
                chunk,
                f"{into} SELECT k.contact_point_id, '{grain}', k.first{draft}, {sums}"
                f" FROM k JOIN {table.name} a ON a.contact_point_id = k.contact_point_id"
                f" AND a.grain = '{finer}' AND a.starts_on BETWEEN k.first AND k.last"
                f" WHERE true GROUP BY k.contact_point_id, k.first{draft} {tail}",
            )


def recount(conn: Connection) -> None:
    """Make every aggregate afresh from the rows (the updater's ``recount``): what ``refresh``
    counts row by row, as a few ``INSERT … SELECT … GROUP BY``, then every day rolled up."""
    for table in (agg_received, agg_sessions, agg_reported, agg_articles):
        conn.execute(delete(table))
    s, sd, a = suggestions.name, session_drafts.name, attendances.name
    statuses = ", ".join(_count(f"status = '{status}'") for status in COUNTED_STATUSES)
    conn.exec_driver_sql(
        f"INSERT INTO {agg_received.name} ({', '.join((*RECEIVED_KEY, *RECEIVED_VALUES))})"
        f" SELECT contact_point_id, 'd', received_on, draft_id, count(*), {statuses}, 0"
        f" FROM {s} GROUP BY received_on, contact_point_id, draft_id"  # an index's order
    )
    conn.exec_driver_sql(
        f"INSERT INTO {agg_received.name} ({', '.join((*RECEIVED_KEY, *RECEIVED_VALUES))})"
        " SELECT s.contact_point_id, 'd', s.held_on, sd.draft_id, 0, 0, 0, count(*)"
        f" FROM {sessions.name} s JOIN {sd} sd ON sd.session_id = s.id"
        f" WHERE {HELD} AND s.held_on IS NOT NULL"
        " GROUP BY s.contact_point_id, s.held_on, sd.draft_id "
        + upsert_sql(agg_received, RECEIVED_KEY, ("sessions",))
    )
    conn.exec_driver_sql(
        f"INSERT INTO {agg_sessions.name} ({', '.join((*SESSIONS_KEY, *SESSION_COUNTS))})"
        " SELECT s.contact_point_id, 'd', s.held_on, count(*), coalesce(sum(a.n), 0)"
        f" FROM {sessions.name} s LEFT JOIN"
        f" (SELECT session_id, count(*) AS n FROM {a} GROUP BY session_id) a"
        f" ON a.session_id = s.id WHERE {HELD} AND s.held_on IS NOT NULL"
        " GROUP BY s.contact_point_id, s.held_on"
    )
    articles = ", ".join(("draft_id", "contact_point_id", "draft_version", "article"))
    conn.exec_driver_sql(  # grouped in an index's order, then NULL (the whole draft) as 0
        f"INSERT INTO {agg_articles.name} ({articles}, count)"
        f" SELECT draft_id, contact_point_id, draft_version, coalesce(article, {GENERAL}),"
        f" sum(n) FROM (SELECT {articles}, count(*) AS n FROM {s} GROUP BY {articles}) a"
        f" GROUP BY draft_id, contact_point_id, draft_version, coalesce(article, {GENERAL})"
    )
    reported_key = KEYS[agg_reported]
    reported = (*reported_key, *OUTCOMES, *PERSONS)
    outcomes = ", ".join(_count(f"s.outcome = '{outcome.value}'") for outcome in Outcome)
    conn.exec_driver_sql(
        f"INSERT INTO {agg_reported.name} ({', '.join(reported)})"
        f" SELECT s.reported_on, s.contact_point_id, s.draft_id,"
        f" {_count('s.outcome IS NULL')}, {outcomes},"
        " sum(CASE WHEN s.outcome IS NOT NULL THEN 1 + coalesce(m.n, 0) ELSE 0 END),"
        f" {_count('s.fed_back_on IS NOT NULL')}"
        f" FROM {s} s LEFT JOIN (SELECT merged_into, count(*) AS n FROM {s}"
        " WHERE merged_into IS NOT NULL GROUP BY merged_into) m ON m.merged_into = s.id"
        " WHERE s.reported_on IS NOT NULL"
        " GROUP BY s.reported_on, s.contact_point_id, s.draft_id"
    )
    # merged opinions whose person was told count as told under their survivor's report date
    zeros = ", ".join("0" for _ in (*OUTCOMES, "persons"))
    conn.exec_driver_sql(
        f"INSERT INTO {agg_reported.name} ({', '.join(reported)})"
        f" SELECT r.reported_on, o.contact_point_id, o.draft_id, {zeros}, count(*)"
        f" FROM {s} o JOIN {s} r ON r.id = o.merged_into"
        " WHERE o.reported_on IS NULL AND o.fed_back_on IS NOT NULL"
        " AND r.reported_on IS NOT NULL"
        " GROUP BY r.reported_on, o.contact_point_id, o.draft_id"
        f" ON CONFLICT ({', '.join(reported_key)}) DO UPDATE"
        f" SET fed_back = {agg_reported.name}.fed_back + excluded.fed_back"
    )
    for table in ROLLED_UP:
        _roll_up_everything(conn, table)


FIRST_DAY = {
    "postgresql": {"m": "date_trunc('month', {})::date", "y": "date_trunc('year', {})::date"},
    # SQLAlchemy stores a date as its ISO text on SQLite
    "sqlite": {"m": "substr({}, 1, 7) || '-01'", "y": "substr({}, 1, 4) || '-01-01'"},
}
"""The first day of a day's month and year, in each dialect's SQL."""


def _roll_up_everything(conn: Connection, table: Table) -> None:
    """``_roll_up`` of every day at once: the days over every contact point into ``ALL``,
    then every scope's months from its days and years from its months."""
    key, columns = ROLLED_UP[table]
    draft = ", draft_id" if "draft_id" in key else ""
    into = f"INSERT INTO {table.name} ({', '.join((*key, *columns))})"
    sums = ", ".join(f"sum({c})" for c in columns)
    conn.exec_driver_sql(
        f"{into} SELECT '{ALL}', 'd', starts_on{draft}, {sums} FROM {table.name}"
        f" WHERE grain = 'd' AND contact_point_id <> '{ALL}' GROUP BY starts_on{draft}"
    )
    for grain, finer in (("m", "d"), ("y", "m")):
        first = FIRST_DAY[conn.dialect.name][grain].format("starts_on")
        conn.exec_driver_sql(
            f"{into} SELECT contact_point_id, '{grain}', {first}{draft}, {sums}"
            f" FROM {table.name} WHERE grain = '{finer}'"
            f" GROUP BY contact_point_id, {first}{draft}"
        )


def _count(condition: str) -> str:
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def updater() -> handlers.Updater:
    """The aggregates, kept after each batch, or counted once by a rebuild."""
    return handlers.Updater(refresh, {suggestions: WATCHED}, recount)
