"""Contact points and drafts: designate, preview, receive (asking some or all contact points),
open, close, revise, enact."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.contact_point import ContactPoint
from domain.draft import Draft
from domain.errors import InvalidValueError
from domain.preview import Preview, preview
from liaison.commands.base import ServiceBase
from liaison.draft_files import draft_text
from liaison.errors import NotFoundError
from liaison.rights import READERS, REGISTRARS, Actor, HiddenError, Role, require_role


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
        contact_point_ids: list[UUID] | None = None,
    ) -> Draft:
        """Register a draft, asking the given contact points for opinions (``None``: all)."""
        require_role(actor, REGISTRARS)
        for contact_point_id in contact_point_ids or ():
            try:
                self.get(contact_point_id, ContactPoint)
            except NotFoundError:
                raise InvalidValueError(
                    "contact_point_ids", f"no contact point {contact_point_id}"
                ) from None
        draft = Draft.receive(
            title,
            level,
            issuer,
            received_on,
            deadline,
            text,
            actor.username,
            contact_point_ids=contact_point_ids,
        )
        self.save(draft)
        return draft

    def preview_draft(self, actor: Actor, text: str) -> Preview:
        """The parse of a draft's text and what looks wrong in it; nothing is saved."""
        require_role(actor, REGISTRARS)
        return preview(text)

    def read_draft_file(self, actor: Actor, filename: str, content: bytes) -> str:
        """The plain text of an uploaded .docx or .txt (UTF-8 or GB18030); nothing is saved."""
        require_role(actor, REGISTRARS)
        return draft_text(filename, content)

    def draft(self, actor: Actor, draft_id: UUID) -> Draft:
        """A draft the actor may read: staff only those their contact point was asked about
        (another draft does not exist for them)."""
        require_role(actor, READERS)
        found = self.get(draft_id, Draft)
        if actor.role is Role.STAFF and (
            actor.contact_point_id is None or not found.asks(actor.contact_point_id)
        ):
            raise HiddenError(f"no Draft {draft_id}")
        return found

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
