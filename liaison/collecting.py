"""What collectors work with: the open drafts asked of their contact point, which their device
keeps to work offline, and the posters with a QR code put up on notice boards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from domain.contact_point import ContactPoint
from domain.draft import Draft, DraftStatus
from liaison.errors import NotFoundError
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


@dataclass(frozen=True)
class Poster:
    """What a notice-board poster shows: the draft and the contact point collecting on it."""

    draft: Draft
    contact_point: ContactPoint


def poster(liaison: Liaison, actor: Actor, draft_id: UUID, contact_point_id: UUID) -> Poster:
    """A draft's poster for one of the contact points it asked (anyone: posters are public,
    like the draft's page). An unknown draft or point, or a point the draft did not ask, is
    unknown (404): no poster invites opinions the draft would refuse."""
    draft = liaison.app.fetch(actor, draft_id, Draft)
    point = liaison.app.fetch(actor, contact_point_id, ContactPoint)
    if not draft.asks(contact_point_id):
        raise NotFoundError(f"no Draft {draft_id} at ContactPoint {contact_point_id}")
    return Poster(draft, point)
