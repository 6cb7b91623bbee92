"""Draft lists for pages and the API (one draft's articles come from its aggregate)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, or_, select

from projections.tables import draft_points, drafts


def asked(contact_point_id: UUID) -> ColumnElement[bool]:
    """Drafts that asked this contact point for opinions: all of them, or it by name."""
    named = select(draft_points.c.draft_id).where(
        draft_points.c.contact_point_id == contact_point_id.hex
    )
    return or_(drafts.c.all_points.is_(True), drafts.c.id.in_(named))


def list_drafts(
    conn: Connection, status: str | None = None, contact_point_id: UUID | None = None
) -> list[dict[str, Any]]:
    """Drafts, newest first; with a contact point, only those that asked it."""
    query = select(drafts).order_by(drafts.c.received_on.desc(), drafts.c.title)
    if status is not None:
        query = query.where(drafts.c.status == status)
    if contact_point_id is not None:
        query = query.where(asked(contact_point_id))
    return [dict(row._mapping) for row in conn.execute(query)]
