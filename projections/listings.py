"""Lists that pages and the API page through: contact points, sessions, suggestions, reports."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import ARRAY, Connection, bindparam, func, select

from projections.tables import (
    ID,
    contact_points,
    participants,
    session_drafts,
    sessions,
    suggestions,
)


def _rows(conn: Connection, query: Any) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in conn.execute(query)]


def list_contact_points(conn: Connection) -> list[dict[str, Any]]:
    return _rows(conn, select(contact_points).order_by(contact_points.c.name))


def list_sessions(
    conn: Connection, contact_point_id: UUID | None = None, draft_id: UUID | None = None
) -> list[dict[str, Any]]:
    query = select(sessions).order_by(sessions.c.starts_on.desc(), sessions.c.id)
    if contact_point_id is not None:
        query = query.where(sessions.c.contact_point_id == contact_point_id.hex)
    if draft_id is not None:
        query = query.where(
            sessions.c.id.in_(
                select(session_drafts.c.session_id).where(session_drafts.c.draft_id == draft_id.hex)
            )
        )
    return _rows(conn, query)


def list_suggestions(
    conn: Connection,
    contact_point_id: UUID | None = None,
    draft_id: UUID | None = None,
    status: str | None = None,
    limit: int = 500,
    after: str | None = None,
) -> list[dict[str, Any]]:
    """Oldest first, paged by a cursor on (received_on, id) rendered as ``after``."""
    query = select(suggestions).order_by(suggestions.c.received_on, suggestions.c.id).limit(limit)
    if contact_point_id is not None:
        query = query.where(suggestions.c.contact_point_id == contact_point_id.hex)
    if draft_id is not None:
        query = query.where(suggestions.c.draft_id == draft_id.hex)
    if status is not None:
        query = query.where(suggestions.c.status == status)
    if after is not None:
        day, _, last_id = after.partition("~")
        query = query.where(
            (suggestions.c.received_on > day)
            | ((suggestions.c.received_on == day) & (suggestions.c.id > last_id))
        )
    return _rows(conn, query)


def absorbed_by(conn: Connection, suggestion_ids: list[str]) -> dict[str, list[str]]:
    """For each survivor among ``suggestion_ids``, the suggestions merged into it, in the
    order received. The ids are one parameter: a page's hundreds of ``IN`` parameters cost
    more to render than the query to run."""
    found: dict[str, list[str]] = {}
    if not suggestion_ids:
        return found
    postgres = conn.dialect.name == "postgresql"
    ids: Any = suggestion_ids if postgres else json.dumps(suggestion_ids)
    for survivor, merged in conn.execute(_absorbed_statement(postgres), {"ids": ids}):
        found.setdefault(survivor, []).append(merged)
    return found


@lru_cache(maxsize=2)
def _absorbed_statement(postgres: bool) -> Any:
    """PostgreSQL takes the ids as an array, SQLite as a JSON list (``json_each``)."""
    s = suggestions
    if postgres:
        wanted = s.c.merged_into == func.any(bindparam("ids", type_=ARRAY(ID)))
    else:
        listed = select(func.json_each(bindparam("ids")).table_valued("value").c.value)
        wanted = s.c.merged_into.in_(listed.scalar_subquery())
    return select(s.c.merged_into, s.c.id).where(wanted).order_by(s.c.received_on, s.c.id)


def list_participants(conn: Connection, contact_point_id: UUID) -> list[dict[str, Any]]:
    """The contact point's participants (their names are sealed: only ids and kinds here)."""
    query = (
        select(participants)
        .where(participants.c.contact_point_id == contact_point_id.hex)
        .order_by(participants.c.id)
    )
    return _rows(conn, query)
