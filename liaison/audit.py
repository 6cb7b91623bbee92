"""Who did what to whom, and when: sign-ins, refusals, reveals, exports and erasures.

Entries name accounts, actions and record ids, never personal data (no names, no phones).
Auditing is the log of access, kept apart from the event log of facts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Engine, Integer, String, Table, insert, select

from liaison.database import metadata
from liaison.rights import Actor, require_role

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
    ) -> list[dict[str, Any]]:
        """Newest first, for admin only."""
        require_role(actor, ())
        return self.recent(limit, before, action)

    def recent(
        self, limit: int = 200, before: int | None = None, action: str | None = None
    ) -> list[dict[str, Any]]:
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if before is not None:
            query = query.where(audit_log.c.id < before)
        if action is not None:
            query = query.where(audit_log.c.action == action)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]
