"""The application service: one method per command of the HTTP API.

Each command fetches aggregates, calls one domain command, and saves every changed
aggregate in one transaction. Reads of single aggregates live here too; views across
many aggregates are read models (``projections``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, RecordConflictError
from eventsourcing.utils import EnvType

from domain.contact_point import ContactPoint
from domain.draft import Draft, DraftStatus
from domain.errors import MismatchError, WrongStateError
from domain.participant import Participant
from domain.report import Report
from domain.session import ConsultationSession
from domain.suggestion import Channel, Suggestion
from liaison.clock import Clock
from liaison.errors import ConflictError, NotFoundError
from liaison.personal_data import (
    PersonalDataVault,
    checked_name,
    checked_neighbourhood,
    checked_phone,
)
from liaison.receipts import ReceiptBook
from liaison.transcodings import DateAsISO

A = TypeVar("A", bound=Aggregate)
PUBLIC = "public"


class LiaisonApplication(Application[UUID]):
    name = "Liaison"

    def __init__(
        self,
        env: EnvType,
        vault: PersonalDataVault,
        receipts: ReceiptBook,
        clock: Clock,
    ) -> None:
        self.vault = vault
        self.receipts = receipts
        self.clock = clock
        self.on_saved: Callable[[], None] | None = None
        super().__init__(env)

    def construct_env(self, name: str, env: EnvType | None = None) -> Any:
        """Configure from the settings only: the library must not read ``os.environ``."""
        from eventsourcing.utils import Environment

        return Environment(name, dict(env or {}))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def save(self, *aggregates: Any, **kwargs: Any) -> Any:
        """Save atomically; a concurrent change to the same aggregate is a ConflictError."""
        try:
            recordings = super().save(*aggregates, **kwargs)
        except RecordConflictError as error:
            raise ConflictError("changed by someone else at the same time; try again") from error
        if self.on_saved is not None:
            self.on_saved()
        return recordings

    def get(self, aggregate_id: UUID, kind: type[A]) -> A:
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFoundError(f"no {kind.__name__} {aggregate_id}") from None
        if not isinstance(aggregate, kind):
            raise NotFoundError(f"no {kind.__name__} {aggregate_id}")
        return aggregate

    def _today(self, on: date | None) -> date:
        return on or self.clock.today()

    # Contact points

    def designate_contact_point(
        self, name: str, district: str, actor: str, on: date | None = None
    ) -> ContactPoint:
        contact_point = ContactPoint.designate(name, district, self._today(on), actor)
        self.save(contact_point)
        return contact_point

    # Drafts

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

    # Participants

    def register_participant(
        self,
        contact_point_id: UUID,
        name: str,
        kind: str,
        actor: str,
        neighbourhood: str | None = None,
        phone: str | None = None,
        consent_to_contact: bool = False,
        on: date | None = None,
    ) -> Participant:
        self.get(contact_point_id, ContactPoint)
        plain = {
            "name": checked_name(name),
            "neighbourhood": checked_neighbourhood(neighbourhood),
            "phone": checked_phone(phone),
        }
        participant_id = uuid4()
        key = self.vault.new_subject(participant_id)
        sealed = {f: self.vault.seal(key, participant_id, f, v) for f, v in plain.items()}
        participant = Participant.register(
            contact_point_id,
            kind,
            sealed_name=sealed["name"] or "",
            sealed_neighbourhood=sealed["neighbourhood"],
            sealed_phone=sealed["phone"],
            consent_to_contact=consent_to_contact,
            on=self._today(on),
            actor=actor,
            id=participant_id,
        )
        self.save(participant)
        return participant

    def erase_participant(self, participant_id: UUID, actor: str) -> None:
        """Forget the person: the erasure is an event, the key's deletion makes it so."""
        participant = self.get(participant_id, Participant)
        participant.erase(self.clock.today(), actor)
        self.save(participant)
        self.vault.erase(participant_id)

    # Sessions

    def schedule_session(
        self,
        contact_point_id: UUID,
        draft_ids: list[UUID],
        kind: str,
        title: str,
        starts_at: datetime,
        actor: str,
        venue: str | None = None,
    ) -> ConsultationSession:
        self.get(contact_point_id, ContactPoint)
        for draft_id in draft_ids:
            self.get(draft_id, Draft)
        session = ConsultationSession.schedule(
            contact_point_id, draft_ids, kind, title, starts_at, venue, starts_at.date(), actor
        )
        self.save(session)
        return session

    def record_attendance(
        self, session_id: UUID, participant_ids: list[UUID], actor: str
    ) -> ConsultationSession:
        session = self.get(session_id, ConsultationSession)
        for participant_id in dict.fromkeys(participant_ids):
            participant = self.get(participant_id, Participant)
            participant.require_not_erased()
            if participant.contact_point_id != session.contact_point_id:
                raise MismatchError(
                    f"participant {participant_id} belongs to another contact point"
                )
        on = session.held_on or session.starts_at.date()
        session.record_attendance(participant_ids, on, actor)
        self.save(session)
        return session

    def complete_session(
        self, session_id: UUID, actor: str, minutes: str | None = None, held_on: date | None = None
    ) -> ConsultationSession:
        """Held on ``held_on``, by default the day it was scheduled to start."""
        return self._change(
            session_id,
            ConsultationSession,
            lambda s: s.complete(minutes, held_on or s.starts_at.date(), actor),
        )

    def cancel_session(
        self, session_id: UUID, actor: str, reason: str | None = None, on: date | None = None
    ) -> ConsultationSession:
        return self._change(
            session_id,
            ConsultationSession,
            lambda s: s.cancel(reason, self._today(on), actor),
        )

    # Suggestions

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
        draft = self.get(draft_id, Draft)
        self.get(contact_point_id, ContactPoint)
        if draft.status is DraftStatus.ENACTED:
            raise WrongStateError("the draft is already enacted")
        if participant_id is not None:
            participant = self.get(participant_id, Participant)
            participant.require_not_erased()
            if participant.contact_point_id != contact_point_id:
                raise MismatchError("the participant belongs to another contact point")
        if session_id is not None:
            session = self.get(session_id, ConsultationSession)
            session.require_not_cancelled()
            if session.contact_point_id != contact_point_id:
                raise MismatchError("the session belongs to another contact point")
            if draft_id not in session.draft_ids:
                raise MismatchError("the session did not consult this draft")
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

    def comment_publicly(
        self,
        draft_id: UUID,
        contact_point_id: UUID,
        content: str,
        article: int | None = None,
        name: str | None = None,
        phone: str | None = None,
    ) -> Suggestion:
        """A resident's comment online, while the draft is open; name and phone optional."""
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
    ) -> Suggestion:
        draft.require_article(article)
        Suggestion.check(content, channel, article)  # before anything is written
        suggestion_id = uuid4()
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

    # helpers

    def _change(self, aggregate_id: UUID, kind: type[A], command: Callable[[A], None]) -> A:
        aggregate = self.get(aggregate_id, kind)
        command(aggregate)
        self.save(aggregate)
        return aggregate
