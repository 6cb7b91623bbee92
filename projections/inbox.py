"""The congress's inbox: reports upward from every contact point, and what became of them.

A report counts its suggestions and how many of them are decided, read by the index on
(report, outcome); it awaits a decision while any suggestion it carried has no outcome.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, select

from projections.tables import contact_points, drafts, participants, reports, suggestions


class ReportStatus(StrEnum):
    AWAITING_DECISION = "awaiting_decision"
    DECIDED = "decided"


def _rows(conn: Connection, query: Any) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in conn.execute(query)]


def list_reports(
    conn: Connection,
    contact_point_id: UUID | None = None,
    status: ReportStatus | None = None,
    report_id: UUID | None = None,
) -> list[dict[str, Any]]:
    """Reports, newest first (by the day submitted), with their draft's title, their contact
    point's name, how many suggestions they carried and how many are decided."""
    carried = func.count(suggestions.c.id)
    decided = func.count(suggestions.c.outcome)
    query = (
        select(
            reports.c.id,
            reports.c.contact_point_id,
            reports.c.draft_id,
            reports.c.submitted_on,
            drafts.c.title.label("draft_title"),
            contact_points.c.name.label("contact_point_name"),
            carried.label("suggestions"),
            decided.label("decided"),
        )
        .join(drafts, drafts.c.id == reports.c.draft_id)
        .join(contact_points, contact_points.c.id == reports.c.contact_point_id)
        .outerjoin(suggestions, suggestions.c.report_id == reports.c.id)
        .group_by(
            reports.c.id,
            reports.c.contact_point_id,
            reports.c.draft_id,
            reports.c.submitted_on,
            drafts.c.title,
            contact_points.c.name,
        )
        .order_by(reports.c.submitted_on.desc(), reports.c.id)
    )
    if contact_point_id is not None:
        query = query.where(reports.c.contact_point_id == contact_point_id.hex)
    if report_id is not None:
        query = query.where(reports.c.id == report_id.hex)
    if status is ReportStatus.AWAITING_DECISION:
        query = query.having(carried > decided)
    elif status is ReportStatus.DECIDED:
        query = query.having(carried == decided)
    return _rows(conn, query)


def report_suggestions(conn: Connection, report_id: UUID) -> list[dict[str, Any]]:
    """The suggestions a report carried, by article (the whole draft last), then as received:
    each with its proposer's kind (none: anonymous or a public comment), how many persons
    stand behind it (itself and every suggestion merged into it) and its decision so far."""
    merged = suggestions.alias("merged")
    persons = (
        select(func.count(merged.c.id))
        .where(merged.c.merged_into == suggestions.c.id)
        .scalar_subquery()
    )
    query = (
        select(
            suggestions, participants.c.kind.label("proposer_kind"), (persons + 1).label("persons")
        )
        .outerjoin(participants, participants.c.id == suggestions.c.participant_id)
        .where(suggestions.c.report_id == report_id.hex)
        .order_by(
            suggestions.c.article.is_(None),
            suggestions.c.article,
            suggestions.c.received_on,
            suggestions.c.id,
        )
    )
    return _rows(conn, query)
