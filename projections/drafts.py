"""Draft lists for pages and the API (one draft's articles come from its aggregate)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from projections.tables import drafts


def list_drafts(conn: Connection, status: str | None = None) -> list[dict[str, Any]]:
    query = select(drafts).order_by(drafts.c.received_on.desc(), drafts.c.title)
    if status is not None:
        query = query.where(drafts.c.status == status)
    return [dict(row._mapping) for row in conn.execute(query)]
