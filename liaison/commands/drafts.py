"""Contact points and drafts: designate, receive, open, close, revise, enact."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.contact_point import ContactPoint
from domain.draft import Draft
from liaison.commands.base import ServiceBase


class DraftCommands(ServiceBase):
    def designate_contact_point(
        self, name: str, district: str, actor: str, on: date | None = None
    ) -> ContactPoint:
        contact_point = ContactPoint.designate(name, district, self._today(on), actor)
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
        actor: str,
    ) -> Draft:
        draft = Draft.receive(title, level, issuer, received_on, deadline, text, actor)
        self.save(draft)
        return draft

    def open_draft(self, draft_id: UUID, actor: str, on: date | None = None) -> Draft:
        return self._change(draft_id, Draft, lambda d: d.open(self._today(on), actor))

    def close_draft(self, draft_id: UUID, actor: str, on: date | None = None) -> Draft:
        return self._change(draft_id, Draft, lambda d: d.close(self._today(on), actor))

    def add_draft_version(
        self, draft_id: UUID, label: str, text: str, actor: str, on: date | None = None
    ) -> Draft:
        return self._change(
            draft_id, Draft, lambda d: d.add_version(label, text, self._today(on), actor)
        )

    def enact_draft(self, draft_id: UUID, enacted_on: date, text: str, actor: str) -> Draft:
        return self._change(draft_id, Draft, lambda d: d.enact(text, enacted_on, actor))
