"""Contact points and drafts: designate, receive, open, close, revise, enact."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.contact_point import ContactPoint
from domain.draft import Draft
from liaison.commands.base import ServiceBase
from liaison.rights import REGISTRARS, Actor, require_role


class DraftCommands(ServiceBase):
    def designate_contact_point(
        self, name: str, district: str, actor: Actor, on: date | None = None
    ) -> ContactPoint:
        require_role(actor, ())
        contact_point = ContactPoint.designate(name, district, self._today(on), actor.username)
        self.save(contact_point)
        return contact_point

    def receive_draft(
        self,
        title: str,
        level: str,
        issuer: str,
        received_on: date,
        deadline: date,
        text: str,
        actor: Actor,
    ) -> Draft:
        require_role(actor, REGISTRARS)
        draft = Draft.receive(title, level, issuer, received_on, deadline, text, actor.username)
        self.save(draft)
        return draft

    def open_draft(self, draft_id: UUID, actor: Actor, on: date | None = None) -> Draft:
        require_role(actor, REGISTRARS)
        return self._change(
            actor, draft_id, Draft, lambda d: d.open(self._today(on), actor.username)
        )

    def close_draft(self, draft_id: UUID, actor: Actor, on: date | None = None) -> Draft:
        require_role(actor, REGISTRARS)
        return self._change(
            actor, draft_id, Draft, lambda d: d.close(self._today(on), actor.username)
        )

    def add_draft_version(
        self, draft_id: UUID, label: str, text: str, actor: Actor, on: date | None = None
    ) -> Draft:
        require_role(actor, REGISTRARS)
        return self._change(
            actor,
            draft_id,
            Draft,
            lambda d: d.add_version(label, text, self._today(on), actor.username),
        )

    def enact_draft(self, draft_id: UUID, enacted_on: date, text: str, actor: Actor) -> Draft:
        require_role(actor, REGISTRARS)
        return self._change(
            actor, draft_id, Draft, lambda d: d.enact(text, enacted_on, actor.username)
        )
