"""What collectors brought: a collector's own records, and opinions by channel and by
collector for the staff of a point."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, select

from domain.suggestion import Channel
from projections.statistics import Period
from projections.tables import drafts, suggestions


def list_collected(
    conn: Connection, recorded_by: str, contact_point_id: UUID, limit: int = 200
) -> list[dict[str, Any]]:
    """The opinions one account recorded at its point, newest first, with the draft's title."""
    query = (
        select(
            suggestions.c.id,
            suggestions.c.receipt,
            suggestions.c.draft_id,
            drafts.c.title.label("draft_title"),
            suggestions.c.article,
            suggestions.c.original_content,
            suggestions.c.received_on,
            suggestions.c.status,
        )
        .join(drafts, drafts.c.id == suggestions.c.draft_id)
        .where(
            suggestions.c.recorded_by == recorded_by,
            suggestions.c.contact_point_id == contact_point_id.hex,
        )
        .order_by(suggestions.c.received_on.desc(), suggestions.c.id)
        .limit(limit)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def by_channel(conn: Connection, contact_point_id: UUID | None, period: Period) -> dict[str, int]:
    """Opinions received in the period by channel (every channel named, 0 when none)."""
    query = (
        select(suggestions.c.channel, func.count())
        .where(period.covers(suggestions.c.received_on))
        .group_by(suggestions.c.channel)
    )
    if contact_point_id is not None:
        query = query.where(suggestions.c.contact_point_id == contact_point_id.hex)
    found = {channel: int(n) for channel, n in conn.execute(query)}
    return {c.value: found.get(c.value, 0) for c in Channel}


def by_collector(
    conn: Connection, contact_point_id: UUID | None, period: Period
) -> list[dict[str, Any]]:
    """Who brought opinions by the collector channel, how many, first and last day; most first."""
    query = (
        select(
            suggestions.c.recorded_by.label("collector"),
            func.count().label("opinions"),
            func.min(suggestions.c.received_on).label("first_on"),
            func.max(suggestions.c.received_on).label("last_on"),
        )
        .where(
            suggestions.c.channel == Channel.COLLECTOR.value,
            period.covers(suggestions.c.received_on),
        )
        .group_by(suggestions.c.recorded_by)
        .order_by(func.count().desc(), suggestions.c.recorded_by)
    )
    if contact_point_id is not None:
        query = query.where(suggestions.c.contact_point_id == contact_point_id.hex)
    return [dict(row._mapping) for row in conn.execute(query)]
