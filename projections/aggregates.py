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

from sqlalchemy import Connection, Date, func, literal, select

from domain.suggestion import Outcome, Status
from projections import activity, handlers
from projections.keyed import chunks, upsert, upsert_sql, with_keys
from projections.periods import month_end, month_of, year_of
from projections.tables import agg_articles, agg_received, agg_reported, suggestions

GENERAL = 0
"""The article number under which suggestions on the whole draft are counted."""
COUNTS = ("received", "merged", "rejected")
OUTCOMES = ("awaiting", *(o.value for o in Outcome))
RECEIVED_KEY = ("grain", "starts_on", "contact_point_id", "draft_id")
REPORTED_KEY = ("reported_on", "contact_point_id", "draft_id")
ARTICLE_KEY = ("draft_id", "contact_point_id", "article")


def refresh(conn: Connection, changes: handlers.Changes) -> None:
    """Bring the aggregates of what this batch touched up to date (an ``after_write`` hook)."""
    received: set[tuple[date, str, str]] = set()
    reported: set[tuple[date, str, str]] = set()
    for ids in chunks(sorted(changes.touched(suggestions))):
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
    if received:
        _recount_received(conn, received)
    if reported:
        _recount_reported(conn, reported)
    inserted = changes.inserts.get(suggestions, [])
    if inserted:
        _recount_articles(
            conn,
            {(r["draft_id"], r["contact_point_id"], r["article"] or GENERAL) for r in inserted},
        )
    activity.add(conn, changes)


handlers.after_write.append(refresh)


def _recount_received(conn: Connection, keys: set[tuple[date, str, str]]) -> None:
    s = suggestions.name
    for chunk in chunks(sorted(keys)):
        with_keys(
            conn,
            ("received_on", "contact_point_id", "draft_id"),
            chunk,
            f"INSERT INTO {agg_received.name} ({', '.join((*RECEIVED_KEY, *COUNTS))})"
            " SELECT 'd', s.received_on, s.contact_point_id, s.draft_id, count(*),"
            f" count(*) FILTER (WHERE s.status = '{Status.MERGED.value}'),"
            f" count(*) FILTER (WHERE s.status = '{Status.REJECTED.value}')"
            f" FROM k JOIN {s} s ON s.received_on = k.received_on"
            " AND s.contact_point_id = k.contact_point_id AND s.draft_id = k.draft_id"
            " WHERE true GROUP BY s.received_on, s.contact_point_id, s.draft_id "
            + upsert_sql(agg_received, RECEIVED_KEY, COUNTS),
        )
    months = sorted({month_of(day) for day, _, _ in keys})
    for month in months:
        _roll_up(conn, "d", "m", month, month_end(month))
    for year in sorted({year_of(month) for month in months}):
        _roll_up(conn, "m", "y", year, date(year.year, 12, 31))


def _roll_up(conn: Connection, finer: str, grain: str, first: date, last: date) -> None:
    """Sum the finer rows of one month (or year) into its rows, every contact point and draft
    at once: at most a few thousand small rows, read in primary-key order."""
    a = agg_received
    conn.execute(
        upsert(conn, a, RECEIVED_KEY).from_select(
            [*RECEIVED_KEY, *COUNTS],
            select(
                literal(grain),
                literal(first, Date),
                a.c.contact_point_id,
                a.c.draft_id,
                *(func.sum(a.c[c]) for c in COUNTS),
            )
            .where(a.c.grain == finer, a.c.starts_on.between(first, last))
            .group_by(a.c.contact_point_id, a.c.draft_id),
        )
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
    into = f"INSERT INTO {agg_articles.name} ({', '.join(ARTICLE_KEY)}, count)"
    tail = upsert_sql(agg_articles, ARTICLE_KEY, ("count",))
    numbered = sorted(key for key in keys if key[2] != GENERAL)
    for chunk in chunks(numbered):
        with_keys(
            conn,
            ARTICLE_KEY,
            chunk,
            f"{into} SELECT s.draft_id, s.contact_point_id, s.article, count(*)"
            f" FROM k JOIN {suggestions.name} s ON s.draft_id = k.draft_id"
            " AND s.contact_point_id = k.contact_point_id AND s.article = k.article"
            f" WHERE true GROUP BY s.draft_id, s.contact_point_id, s.article {tail}",
        )
    general = sorted(key[:2] for key in keys if key[2] == GENERAL)
    for chunk in chunks(general):
        with_keys(
            conn,
            ("draft_id", "contact_point_id"),
            chunk,
            f"{into} SELECT s.draft_id, s.contact_point_id, {GENERAL}, count(*)"
            f" FROM k JOIN {suggestions.name} s ON s.draft_id = k.draft_id"
            " AND s.contact_point_id = k.contact_point_id AND s.article IS NULL"
            f" WHERE true GROUP BY s.draft_id, s.contact_point_id {tail}",
        )
