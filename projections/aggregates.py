"""Pre-aggregated figures, kept by the projector so that queries do not count suggestions.

After each batch's rows are written (``handlers.after_write``, in the batch's transaction):

- ``rm_agg_received``: suggestions received per day, contact point and draft, with how many
  of them are merged or rejected; rolled up per month and per year (``grain`` d, m, y).
- ``rm_agg_reported``: suggestions per report date, contact point and draft, by outcome (or
  awaiting one).
- ``rm_agg_articles``: suggestions per draft, contact point and article (0: on the whole
  draft), for the trace's per-article counts.
- people active per period: projections/activity.py.

The rows of the keys a batch touched are recounted from ``rm_suggestions`` (``INSERT …
SELECT … GROUP BY … ON CONFLICT DO UPDATE``, by index, one statement per table and 500
keys), then the touched months and years are summed again from the rows below them. Every
row is thus a pure function of the suggestions' rows: applying a batch again changes
nothing, and nothing can drift. A suggestion's received date, contact point, draft and
article never change and its report date is set once, so the keys a batch touched are those
of its touched rows as they now are, and a recounted key never falls to zero (it holds at
least the row that named it): no row ever needs deleting.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from domain.session import SessionStatus
from domain.suggestion import Outcome, Status
from projections import activity, handlers
from projections.keyed import chunks, upsert_sql, with_keys
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
OUTCOMES = ("awaiting", *(o.value for o in Outcome))
REPORTED_KEY = ("reported_on", "contact_point_id", "draft_id")
ARTICLE_KEY = ("draft_id", "contact_point_id", "article")
DAY_KEY = ("received_on", "contact_point_id", "draft_id")
HELD = f"s.status = '{SessionStatus.HELD.value}'"

Days = set[tuple[date, str, str]]


def refresh(conn: Connection, changes: handlers.Changes) -> None:
    """Bring the aggregates of what this batch touched up to date (an ``after_write`` hook)."""
    inserted = changes.inserts.get(suggestions, [])
    received: Days = {(r["received_on"], r["contact_point_id"], r["draft_id"]) for r in inserted}
    reported: Days = set()
    for ids in chunks(sorted(changes.updates.get(suggestions, {}))):  # changed, not new
        for row in conn.execute(
            select(
                suggestions.c.received_on,
                suggestions.c.contact_point_id,
                suggestions.c.draft_id,
                suggestions.c.reported_on,
            ).where(suggestions.c.id.in_(ids))
        ):
            received.add((row.received_on, row.contact_point_id, row.draft_id))
            if row.reported_on is not None:
                reported.add((row.reported_on, row.contact_point_id, row.draft_id))
    held = _held_days(conn, changes)
    if received:
        _recount_received(conn, received)
    if held:
        _recount_sessions(conn, held)
    if received or held:
        _roll_up(conn, {day for day, _, _ in received | held}, {cp for _, cp, _ in received | held})
    if reported:
        _recount_reported(conn, reported)
    if inserted:
        _recount_articles(
            conn,
            {(r["draft_id"], r["contact_point_id"], r["article"] or GENERAL) for r in inserted},
        )
    activity.add(conn, changes)


handlers.after_write.append(refresh)


def _recount_received(conn: Connection, keys: Days) -> None:
    """Each key's suggestions, counted by index range (a correlated count per key: SQLite
    sorts a joined ``GROUP BY`` in a temporary tree, five times slower)."""
    same = (
        f"FROM {suggestions.name} s WHERE s.received_on = k.received_on"
        " AND s.contact_point_id = k.contact_point_id AND s.draft_id = k.draft_id"
    )
    for chunk in chunks(sorted(keys)):
        with_keys(
            conn,
            DAY_KEY,
            chunk,
            f"INSERT INTO {agg_received.name} ({', '.join((*RECEIVED_KEY, *COUNTS))}, sessions)"
            " SELECT k.contact_point_id, 'd', k.received_on, k.draft_id,"
            f" (SELECT count(*) {same}),"
            f" (SELECT count(*) {same} AND s.status = '{Status.MERGED.value}'),"
            f" (SELECT count(*) {same} AND s.status = '{Status.REJECTED.value}'), 0"
            " FROM k WHERE true " + upsert_sql(agg_received, RECEIVED_KEY, COUNTS),
        )


def _held_days(conn: Connection, changes: handlers.Changes) -> Days:
    """(day, contact point, draft) of the held sessions this batch touched or added
    attendance to."""
    ids = set(changes.touched(sessions))
    ids.update(row["session_id"] for row in changes.inserts.get(attendances, []))
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


def _roll_up(conn: Connection, days: set[date], points: set[str]) -> None:
    """Sum the touched days over every contact point into ``ALL``, then the touched months
    and years of the touched contact points and of ``ALL`` from the rows below them: one
    statement per table and grain, reading a few thousand small rows by key."""
    scopes = sorted(points | {ALL})
    months = sorted({month_of(day) for day in days})
    years = sorted({year_of(month) for month in months})
    for table, key, columns in (
        (agg_received, RECEIVED_KEY, RECEIVED_VALUES),
        (agg_sessions, SESSIONS_KEY, SESSION_COUNTS),
    ):
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


def _recount_reported(conn: Connection, keys: set[tuple[date, str, str]]) -> None:
    by_outcome = ", ".join(
        f"count(*) FILTER (WHERE s.outcome = '{o}')" for o in OUTCOMES if o != "awaiting"
    )
    for chunk in chunks(sorted(keys)):
        with_keys(
            conn,
            REPORTED_KEY,
            chunk,
            f"INSERT INTO {agg_reported.name} ({', '.join((*REPORTED_KEY, *OUTCOMES))})"
            " SELECT s.reported_on, s.contact_point_id, s.draft_id,"
            f" count(*) FILTER (WHERE s.outcome IS NULL), {by_outcome}"
            f" FROM k JOIN {suggestions.name} s ON s.reported_on = k.reported_on"
            " AND s.contact_point_id = k.contact_point_id AND s.draft_id = k.draft_id"
            " WHERE true GROUP BY s.reported_on, s.contact_point_id, s.draft_id "
            + upsert_sql(agg_reported, REPORTED_KEY, OUTCOMES),
        )


def _recount_articles(conn: Connection, keys: set[tuple[str, str, int]]) -> None:
    """Each key's suggestions, counted by index range (article 0: ``article IS NULL``)."""
    for chunk in chunks(sorted(keys)):
        with_keys(
            conn,
            ARTICLE_KEY,
            chunk,
            f"INSERT INTO {agg_articles.name} ({', '.join(ARTICLE_KEY)}, count)"
            " SELECT k.draft_id, k.contact_point_id, k.article, CASE WHEN k.article = 0"
            f" THEN (SELECT count(*) FROM {suggestions.name} s WHERE s.draft_id = k.draft_id"
            " AND s.contact_point_id = k.contact_point_id AND s.article IS NULL)"
            f" ELSE (SELECT count(*) FROM {suggestions.name} s WHERE s.draft_id = k.draft_id"
            " AND s.contact_point_id = k.contact_point_id AND s.article = k.article) END"
            " FROM k WHERE true " + upsert_sql(agg_articles, ARTICLE_KEY, ("count",)),
        )
