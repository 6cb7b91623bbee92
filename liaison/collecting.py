"""What a collector's device keeps to work offline: the open drafts asked of their contact
point, with their articles."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from domain.draft import Draft, DraftStatus
from liaison.rights import GATHERERS, Actor, require_role

if TYPE_CHECKING:
    from liaison.bootstrap import Liaison


def drafts_to_collect(liaison: Liaison, actor: Actor) -> list[Draft]:
    """The open drafts the actor's contact point was asked about, newest first."""
    require_role(actor, GATHERERS)
    if actor.contact_point_id is None:
        return []
    rows = liaison.queries.drafts(actor, DraftStatus.OPEN.value)
    return [liaison.app.get(UUID(row["id"]), Draft) for row in rows]
