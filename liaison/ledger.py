"""The event log itself, paged by position, and its hash chain verified: for those who audit
it (congress, admin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from liaison.application import LiaisonApplication
from liaison.chain import HashChain, Verification
from liaison.rights import Actor, Role, require_role
from projections.projector import Projector

AUDITORS = (Role.CONGRESS,)


@dataclass(frozen=True)
class LoggedEvent:
    position: int
    originator_id: UUID
    version: int
    type: str
    at: datetime
    hash: str | None


class Ledger:
    def __init__(self, app: LiaisonApplication, projector: Projector, chain: HashChain) -> None:
        self.app = app
        self.projector = projector
        self.chain = chain

    def page(self, actor: Actor, after: int, limit: int) -> list[LoggedEvent]:
        """Events after the position ``after``, in order, each with its link of the chain."""
        require_role(actor, AUDITORS)
        # Catch up before taking a connection: holding one while the projector waits for
        # another can exhaust the pool when many readers come at once.
        self.projector.try_catch_up()  # every event listed is chained
        notifications = self.app.recorder.select_notifications(
            start=after, limit=limit, inclusive_of_start=False
        )
        with self.chain.engine.connect() as conn:
            hashes = self.chain.hashes(conn, [n.id for n in notifications])
        listed = []
        for n in notifications:
            event = self.app.mapper.to_domain_event(n)
            listed.append(
                LoggedEvent(
                    position=n.id,
                    originator_id=n.originator_id,
                    version=n.originator_version,
                    type=type(event).__qualname__,
                    at=event.timestamp,
                    hash=hashes.get(n.id),
                )
            )
        return listed

    def verify(self, actor: Actor) -> Verification:
        """Recompute the whole chain and say where it first breaks."""
        require_role(actor, AUDITORS)
        self.projector.try_catch_up()
        return self.chain.verify()
