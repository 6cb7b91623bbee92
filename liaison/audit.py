"""Who did what to whom, and when: sign-ins, refusals, reveals, exports and erasures.

Entries name accounts, actions and record ids, never personal data (no names, no phones).
Auditing is the log of access, kept apart from the event log of facts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, TypedDict, Unpack

from sqlalchemy import BigInteger, Column, DateTime, Engine, Integer, String, Table, insert, select

from liaison.database import metadata
from liaison.rights import ADMINISTRATION, Actor, require_role

audit_log = Table(
    "audit_log",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", String(200), nullable=False, default=""),
    Column("outcome", String(16), nullable=False),
    Column("address", String(64), nullable=False, default=""),
)


class Among(TypedDict, total=False):
    """Which entries: ``by`` one account, ``since`` ≤ at < ``until``."""

    by: str | None
    since: datetime | None
    until: datetime | None


class AuditLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(
        self, actor: str, action: str, target: str = "", outcome: str = "ok", address: str = ""
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(audit_log).values(
                    at=datetime.now(UTC),
                    actor=actor[:64],
                    action=action,
                    target=target[:200],
                    outcome=outcome,
                    address=address[:64],
                )
            )

    def entries(
        self,
        actor: Actor,
        limit: int = 200,
        before: int | None = None,
        action: str | None = None,
        **among: Unpack[Among],
    ) -> list[dict[str, Any]]:
        """Newest first, for admin only; ``before`` pages on (the smallest id already seen)."""
        require_role(actor, ADMINISTRATION)
        return self.recent(limit, before, action, **among)

    def recent(
        self,
        limit: int = 200,
        before: int | None = None,
        action: str | None = None,
        **among: Unpack[Among],
    ) -> list[dict[str, Any]]:
        by, since, until = among.get("by"), among.get("since"), among.get("until")
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if before is not None:
            query = query.where(audit_log.c.id < before)
        if action is not None:
            query = query.where(audit_log.c.action == action)
        if by is not None:
            query = query.where(audit_log.c.actor == by)
        if since is not None:
            query = query.where(audit_log.c.at >= since.astimezone(UTC))
        if until is not None:
            query = query.where(audit_log.c.at < until.astimezone(UTC))
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]


def days(
    first: date | None, last: date | None, zone: tzinfo
) -> tuple[datetime | None, datetime | None]:
    """The moments from the start of ``first`` to the end of ``last``, days in ``zone``."""
    since = datetime.combine(first, time(0), zone) if first else None
    until = datetime.combine(last + timedelta(days=1), time(0), zone) if last else None
    return since, until
