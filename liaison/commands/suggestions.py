"""Opinions from first words to feedback, and reports upward."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from domain.contact_point import ContactPoint
from domain.draft import Draft, DraftStatus
from domain.errors import WrongStateError
from domain.participant import Participant
from domain.report import Report
from domain.session import ConsultationSession
from domain.suggestion import Channel, Suggestion
from liaison.commands.base import PUBLIC, A, ServiceBase
from liaison.errors import NotFoundError
from liaison.personal_data import (
    checked_name,
    checked_phone,
)


@dataclass(frozen=True)
class NewSuggestion:
    """One opinion of a batch recorded by staff."""

    contact_point_id: UUID
    draft_id: UUID
    content: str
    channel: str
    article: int | None = None
    participant_id: UUID | None = None
    session_id: UUID | None = None
    received_on: date | None = None


class SuggestionCommands(ServiceBase):
    def record_suggestion(
        self,
        contact_point_id: UUID,
        draft_id: UUID,
        content: str,
        channel: str,
        actor: str,
        article: int | None = None,
        participant_id: UUID | None = None,
        session_id: UUID | None = None,
        received_on: date | None = None,
    ) -> Suggestion:
        """An opinion recorded by staff: said at a session, brought by a collector, by letter."""
        draft = self._staff_context(
            contact_point_id, draft_id, participant_id, session_id, self.get
        )
        return self._receive(
            draft,
            contact_point_id,
            content,
            channel,
            actor,
            article,
            participant_id=participant_id,
            session_id=session_id,
            received_on=received_on or self.clock.today(),
        )

    def record_suggestions(self, items: Sequence[NewSuggestion], actor: str) -> list[Suggestion]:
        """Many opinions in one transaction: a session's sheet typed in afterwards, an import.
        Every item is checked as ``record_suggestion`` checks it; one refusal refuses all."""
        fetched: dict[UUID, Any] = {}

        def get(aggregate_id: UUID, kind: type[A]) -> A:
            if aggregate_id not in fetched:
                fetched[aggregate_id] = self.get(aggregate_id, kind)
            found = fetched[aggregate_id]
            if not isinstance(found, kind):
                raise NotFoundError(f"no {kind.__name__} {aggregate_id}")
            return found

        prepared = []
        for item in items:
            draft = self._staff_context(
                item.contact_point_id, item.draft_id, item.participant_id, item.session_id, get
            )
            draft.require_article(item.article)
            draft.require_received_by("received_on", item.received_on or self.clock.today())
            Suggestion.check(item.content, item.channel, item.article)
            prepared.append((item, draft, uuid4()))
        codes = self.receipts.claim_many([suggestion_id for _, _, suggestion_id in prepared])
        suggestions = [
            Suggestion.receive(
                item.contact_point_id,
                draft.id,
                draft.current.label,
                item.article,
                item.content,
                item.channel,
                item.participant_id,
                item.session_id,
                receipt=codes[suggestion_id],
                received_on=item.received_on or self.clock.today(),
                actor=actor,
                id=suggestion_id,
            )
            for item, draft, suggestion_id in prepared
        ]
        if suggestions:
            self.save(*suggestions)
        return suggestions

    def _staff_context(
        self,
        contact_point_id: UUID,
        draft_id: UUID,
        participant_id: UUID | None,
        session_id: UUID | None,
        get: Callable[[UUID, type[A]], A],
    ) -> Draft:
        """The draft, once the contact point, participant and session are checked to fit."""
        draft = get(draft_id, Draft)
        get(contact_point_id, ContactPoint)
        if draft.status is DraftStatus.ENACTED:
            raise WrongStateError("the draft is already enacted")
        if participant_id is not None:
            participant = get(participant_id, Participant)
            participant.require_not_erased()
            if participant.contact_point_id != contact_point_id:
                raise NotFoundError(f"no Participant {participant_id} at this contact point")
        if session_id is not None:
            session = get(session_id, ConsultationSession)
            session.require_not_cancelled()
            if session.contact_point_id != contact_point_id:
                raise NotFoundError(f"no ConsultationSession {session_id} at this contact point")
            session.require_takes_opinions_on(draft)
        return draft

    def comment_publicly(
        self,
        draft_id: UUID,
        contact_point_id: UUID,
        content: str,
        article: int | None = None,
        name: str | None = None,
        phone: str | None = None,
        suggestion_id: UUID | None = None,
    ) -> Suggestion:
        """A resident's comment online, while the draft is open; name and phone optional.

        A retry passes the ``suggestion_id`` of its first attempt: the store's key on
        (id, version 1) then guarantees one suggestion however often it is retried.
        """
        draft = self.get(draft_id, Draft)
        self.get(contact_point_id, ContactPoint)
        if draft.status is not DraftStatus.OPEN:
            raise WrongStateError("the draft is not open for comments")
        plain_name = checked_name(name) if name and name.strip() else None
        plain_phone = checked_phone(phone)
        return self._receive(
            draft,
            contact_point_id,
            content,
            Channel.ONLINE.value,
            PUBLIC,
            article,
            received_on=self.clock.today(),
            name=plain_name,
            phone=plain_phone,
            suggestion_id=suggestion_id,
        )

    def _receive(
        self,
        draft: Draft,
        contact_point_id: UUID,
        content: str,
        channel: str,
        actor: str,
        article: int | None,
        received_on: date,
        participant_id: UUID | None = None,
        session_id: UUID | None = None,
        name: str | None = None,
        phone: str | None = None,
        suggestion_id: UUID | None = None,
    ) -> Suggestion:
        draft.require_article(article)
        draft.require_received_by("received_on", received_on)
        Suggestion.check(content, channel, article)  # before anything is written
        suggestion_id = suggestion_id or uuid4()
        sealed: dict[str, str | None] = {"sealed_name": None, "sealed_phone": None}
        if name or phone:
            key = self.vault.new_subject(suggestion_id)
            sealed = {
                "sealed_name": self.vault.seal(key, suggestion_id, "name", name),
                "sealed_phone": self.vault.seal(key, suggestion_id, "phone", phone),
            }
        suggestion = Suggestion.receive(
            contact_point_id,
            draft.id,
            draft.current.label,
            article,
            content,
            channel,
            participant_id,
            session_id,
            receipt=self.receipts.claim(suggestion_id),
            received_on=received_on,
            actor=actor,
            id=suggestion_id,
            **sealed,
        )
        self.save(suggestion)
        return suggestion

    def merge_suggestion(
        self, suggestion_id: UUID, into: UUID, actor: str, on: date | None = None
    ) -> Suggestion:
        duplicate = self.get(suggestion_id, Suggestion)
        survivor = self.get(into, Suggestion)
        duplicate.merge_into(survivor, self._today(on), actor)
        self.save(duplicate, survivor)
        return duplicate

    def revise_suggestion(
        self, suggestion_id: UUID, content: str, actor: str, on: date | None = None
    ) -> Suggestion:
        return self._change(
            suggestion_id, Suggestion, lambda s: s.revise(content, self._today(on), actor)
        )

    def screen_suggestion(
        self,
        suggestion_id: UUID,
        decision: str,
        actor: str,
        reason: str | None = None,
        on: date | None = None,
    ) -> Suggestion:
        return self._change(
            suggestion_id,
            Suggestion,
            lambda s: s.screen(decision, reason, self._today(on), actor),
        )

    def submit_report(
        self,
        contact_point_id: UUID,
        draft_id: UUID,
        suggestion_ids: list[UUID],
        submitted_on: date,
        actor: str,
    ) -> Report:
        self.get(contact_point_id, ContactPoint)
        self.get(draft_id, Draft)
        suggestions = [self.get(i, Suggestion) for i in suggestion_ids]
        for suggestion in suggestions:
            if suggestion.contact_point_id != contact_point_id:
                raise NotFoundError(f"no Suggestion {suggestion.id} at this contact point")
        report = Report.submit(contact_point_id, draft_id, suggestions, submitted_on, actor)
        self.save(report, *suggestions)
        return report

    def record_outcome(
        self,
        suggestion_id: UUID,
        outcome: str,
        actor: str,
        final_article: int | None = None,
        note: str | None = None,
        decided_on: date | None = None,
    ) -> Suggestion:
        return self._change(
            suggestion_id,
            Suggestion,
            lambda s: s.record_outcome(
                outcome, final_article, note, self._today(decided_on), actor
            ),
        )

    def send_feedback(
        self, suggestion_id: UUID, message: str, actor: str, sent_on: date | None = None
    ) -> Suggestion:
        return self._change(
            suggestion_id, Suggestion, lambda s: s.feed_back(message, self._today(sent_on), actor)
        )

    def commenter(self, suggestion: Suggestion) -> dict[str, str | None]:
        """A public commenter's name and phone, or ``None`` each once erased or never given."""
        return {
            "name": self.vault.open(suggestion.id, "name", suggestion.sealed_name),
            "phone": self.vault.open(suggestion.id, "phone", suggestion.sealed_phone),
        }

    def personal_data(self, participant: Participant) -> dict[str, str | None]:
        """The participant's name, neighbourhood and phone, each ``None`` once erased."""
        return {
            field: self.vault.open(participant.id, field, getattr(participant, f"sealed_{field}"))
            for field in ("name", "neighbourhood", "phone")
        }
