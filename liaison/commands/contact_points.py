"""Contact points after their designation: renamed by admin."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.contact_point import ContactPoint
from liaison.commands.base import ServiceBase
from liaison.rights import ADMINISTRATION, Actor, require_role


class ContactPointCommands(ServiceBase):
    def rename_contact_point(
        self, contact_point_id: UUID, name: str, actor: Actor, on: date | None = None
    ) -> ContactPoint:
        require_role(actor, ADMINISTRATION)
        return self._change(
            actor,
            contact_point_id,
            ContactPoint,
            lambda point: point.rename(name, self._today(on), actor.username),
        )
