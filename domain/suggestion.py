"""An opinion (意见建议) on a draft, from its first words to the congress's decision.

received → accepted | rejected | merged → (accepted) reported →
adopted | partially_adopted | not_adopted → fed_back. The words as first given are kept
for ever; a revision adds wording for the report, it never replaces the original. A merged
opinion's person is told the outcome of the one it joined (``FedBackAsMerged``) and the
opinion stays merged, so the figures of merged and received opinions do not move.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LiaisonAggregate
from domain.errors import InvalidValueError, MismatchError, NotReportedError, WrongStateError
from domain.rules import (
    MAX_CONTENT,
    MAX_REASON,
    checked_article,
    checked_choice,
    checked_text,
    not_before,
    optional_text,
)


class Channel(StrEnum):
    SESSION = "session"
    ONLINE = "online"
    COLLECTOR = "collector"
    LETTER = "letter"
    PHONE = "phone"  # a call to the contact point, taken down by staff (added in 1.2)


class Status(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    MERGED = "merged"
    REPORTED = "reported"
    ADOPTED = "adopted"
    PARTIALLY_ADOPTED = "partially_adopted"
    NOT_ADOPTED = "not_adopted"
    FED_BACK = "fed_back"


class Outcome(StrEnum):
    ADOPTED = "adopted"
    PARTIALLY_ADOPTED = "partially_adopted"
    NOT_ADOPTED = "not_adopted"


class Decision(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


UNREPORTED = (Status.RECEIVED, Status.ACCEPTED)
DECIDED = (Status.ADOPTED, Status.PARTIALLY_ADOPTED, Status.NOT_ADOPTED)


class Suggestion(LiaisonAggregate):
    class Received(LiaisonAggregate.Created):
        date_field = "received_on"
        contact_point_id: UUID
        draft_id: UUID
        draft_version: str
        article: int | None
        content: str
        channel: str
        participant_id: UUID | None
        session_id: UUID | None
        receipt: str
        sealed_name: str | None
        sealed_phone: str | None
        collector_note: str | None = None
        """What a collector noted beside the resident's own words (``content``); absent
        from events recorded before collectors existed."""
        sealed_neighbourhood: str | None = None
        """Where the resident lives, given with their consent, sealed like the name; absent
        from events recorded before it could be given."""

    @event(Received)
    def __init__(
        self,
        contact_point_id: UUID,
        draft_id: UUID,
        draft_version: str,
        article: int | None,
        content: str,
        channel: str,
        participant_id: UUID | None,
        session_id: UUID | None,
        receipt: str,
        sealed_name: str | None,
        sealed_phone: str | None,
        occurred_on: date,
        actor: str,
        collector_note: str | None = None,
        sealed_neighbourhood: str | None = None,
    ) -> None:
        self.contact_point_id = contact_point_id
        self.draft_id = draft_id
        self.draft_version = draft_version
        self.article = article
        self.original_content = content
        self.content = content
        self.channel = Channel(channel)
        self.participant_id = participant_id
        self.session_id = session_id
        self.receipt = receipt
        self.sealed_name = sealed_name
        self.sealed_phone = sealed_phone
        self.collector_note = collector_note
        self.sealed_neighbourhood = sealed_neighbourhood
        self.recorded_by = actor
        self.received_on = occurred_on
        self.accepted_on: date | None = None
        self.reported_on: date | None = None
        self.decided_on: date | None = None
        self.status = Status.RECEIVED
        self.reason: str | None = None
        self.merged_into: UUID | None = None
        self.absorbed: list[UUID] = []
        self.report_id: UUID | None = None
        self.outcome: Outcome | None = None
        self.final_article: int | None = None
        self.note: str | None = None
        self.feedback: str | None = None
        self.fed_back_on: date | None = None
        self.before_merge: Status | None = None

    @classmethod
    def receive(
        cls,
        contact_point_id: UUID,
        draft_id: UUID,
        draft_version: str,
        article: int | None,
        content: str,
        channel: str,
        participant_id: UUID | None,
        session_id: UUID | None,
        receipt: str,
        received_on: date,
        actor: str,
        id: UUID,  # noqa: A002 - chosen first: the receipt and sealed fields are bound to it
        sealed_name: str | None = None,
        sealed_phone: str | None = None,
        collector_note: str | None = None,
        sealed_neighbourhood: str | None = None,
    ) -> Suggestion:
        content, channel = cls.check(content, channel, article)
        collector_note = optional_text("collector_note", collector_note, MAX_CONTENT)
        return cls._create(
            cls.Received,
            id=id,
            contact_point_id=contact_point_id,
            draft_id=draft_id,
            draft_version=draft_version,
            article=article,
            content=content,
            channel=channel,
            participant_id=participant_id,
            session_id=session_id,
            receipt=receipt,
            sealed_name=sealed_name,
            sealed_phone=sealed_phone,
            collector_note=collector_note,
            sealed_neighbourhood=sealed_neighbourhood,
            occurred_on=received_on,
            actor=actor,
        )

    @staticmethod
    def check(content: str, channel: str, article: int | None) -> tuple[str, str]:
        """Validate a new opinion's fields; returns the cleaned content and channel."""
        checked_article("article", article)
        return (
            checked_text("content", content, MAX_CONTENT),
            checked_choice("channel", channel, Channel).value,
        )

    def _require(self, allowed: tuple[Status, ...], doing: str) -> None:
        if self.status not in allowed:
            raise WrongStateError(f"cannot {doing} a suggestion that is {self.status.value}")

    def _not_before_received(self, field: str, on: date) -> None:
        not_before(field, on, "the day the suggestion was received", self.received_on)

    class Revised(LiaisonAggregate.Event):
        content: str

    def revise(self, content: str, on: date, actor: str) -> None:
        self._require(UNREPORTED, "reword")
        self._not_before_received("on", on)
        self._revised(
            content=checked_text("content", content, MAX_CONTENT), occurred_on=on, actor=actor
        )

    @event(Revised)
    def _revised(self, content: str, occurred_on: date, actor: str) -> None:
        self.content = content

    class Accepted(LiaisonAggregate.Event):
        pass

    class Rejected(LiaisonAggregate.Event):
        reason: str

    def screen(self, decision: str, reason: str | None, on: date, actor: str) -> None:
        """Accept for reporting, or reject with a reason; may be changed until reported."""
        self._require((Status.RECEIVED, Status.ACCEPTED, Status.REJECTED), "screen")
        self._not_before_received("on", on)
        if checked_choice("decision", decision, Decision) is Decision.ACCEPT:
            if self.status is not Status.ACCEPTED:
                self._accepted(occurred_on=on, actor=actor)
        else:
            if reason is None or not reason.strip():
                raise InvalidValueError("reason", "a reason is required to reject")
            self._rejected(
                reason=checked_text("reason", reason, MAX_REASON), occurred_on=on, actor=actor
            )

    @event(Accepted)
    def _accepted(self, occurred_on: date, actor: str) -> None:
        self.status = Status.ACCEPTED
        self.accepted_on = occurred_on
        self.reason = None

    @event(Rejected)
    def _rejected(self, reason: str, occurred_on: date, actor: str) -> None:
        self.status = Status.REJECTED
        self.reason = reason

    class Merged(LiaisonAggregate.Event):
        into: UUID

    class Absorbed(LiaisonAggregate.Event):
        suggestion_id: UUID

    def merge_into(self, survivor: Suggestion, on: date, actor: str) -> None:
        """Fold this duplicate into ``survivor``; both aggregates change and are saved together."""
        if survivor.id == self.id:
            raise InvalidValueError("into", "a suggestion cannot be merged into itself")
        if (survivor.draft_id, survivor.contact_point_id) != (self.draft_id, self.contact_point_id):
            raise MismatchError(
                "only suggestions on the same draft and contact point can be merged"
            )
        self._require(UNREPORTED, "merge")
        survivor._require(UNREPORTED, "merge into")
        self._not_before_received("on", on)
        survivor_received = "the day the suggestion merged into was received"
        not_before("on", on, survivor_received, survivor.received_on)
        self._merged(into=survivor.id, occurred_on=on, actor=actor)
        survivor._absorbed(suggestion_id=self.id, occurred_on=on, actor=actor)

    @event(Merged)
    def _merged(self, into: UUID, occurred_on: date, actor: str) -> None:
        self.before_merge = self.status
        self.status = Status.MERGED
        self.merged_into = into

    @event(Absorbed)
    def _absorbed(self, suggestion_id: UUID, occurred_on: date, actor: str) -> None:
        self.absorbed.append(suggestion_id)

    class RejectionWithdrawn(LiaisonAggregate.Event):
        reason: str

    def withdraw_rejection(self, reason: str, on: date, actor: str) -> None:
        """A rejection made by mistake: the suggestion waits to be screened again. The
        rejection stays in the history, with the reason it was withdrawn."""
        self._require((Status.REJECTED,), "withdraw the rejection of")
        self._rejection_withdrawn(reason=_required_reason(reason), occurred_on=on, actor=actor)

    @event(RejectionWithdrawn)
    def _rejection_withdrawn(self, reason: str, occurred_on: date, actor: str) -> None:
        self.status = Status.RECEIVED
        self.reason = None

    class Unmerged(LiaisonAggregate.Event):
        from_id: UUID
        status: str
        reason: str

    class Released(LiaisonAggregate.Event):
        suggestion_id: UUID
        reason: str

    def unmerge_from(self, survivor: Suggestion, reason: str, on: date, actor: str) -> None:
        """Undo a merge made by mistake, before the survivor is reported: this suggestion
        gets back the standing it had before (received or accepted), the survivor lets it
        go; both aggregates change and are saved together."""
        self._require((Status.MERGED,), "unmerge")
        if self.merged_into != survivor.id:
            raise MismatchError("the suggestion was not merged into that one")
        survivor._require(UNREPORTED, "unmerge from")
        reason = _required_reason(reason)
        restored = self.before_merge or Status.RECEIVED
        self._unmerged(
            from_id=survivor.id, status=restored.value, reason=reason, occurred_on=on, actor=actor
        )
        survivor._released(suggestion_id=self.id, reason=reason, occurred_on=on, actor=actor)

    @event(Unmerged)
    def _unmerged(
        self, from_id: UUID, status: str, reason: str, occurred_on: date, actor: str
    ) -> None:
        self.status = Status(status)
        self.merged_into = None

    @event(Released)
    def _released(self, suggestion_id: UUID, reason: str, occurred_on: date, actor: str) -> None:
        self.absorbed = [a for a in self.absorbed if a != suggestion_id]

    class Reported(LiaisonAggregate.Event):
        report_id: UUID
        date_field = "submitted_on"

    def report(self, report_id: UUID, on: date, actor: str) -> None:
        self.require_reportable(on)
        self._reported(report_id=report_id, occurred_on=on, actor=actor)

    def require_reportable(self, on: date) -> None:
        """Accepted, and neither received nor accepted after ``on``, the report's date."""
        if self.status is not Status.ACCEPTED:
            raise WrongStateError(f"suggestion {self.id} is {self.status.value}, not accepted")
        for step, day in (("received", self.received_on), ("accepted", self.accepted_on)):
            if day is not None:
                not_before("submitted_on", on, f"the day suggestion {self.id} was {step}", day)

    @event(Reported)
    def _reported(self, report_id: UUID, occurred_on: date, actor: str) -> None:
        self.status = Status.REPORTED
        self.report_id = report_id
        self.reported_on = occurred_on

    class OutcomeRecorded(LiaisonAggregate.Event):
        outcome: str
        final_article: int | None
        note: str | None
        date_field = "decided_on"

    def record_outcome(
        self, outcome: str, final_article: int | None, note: str | None, on: date, actor: str
    ) -> None:
        """The congress's decision; a later reading may change it until feedback is sent."""
        if self.status is Status.FED_BACK:
            raise WrongStateError(f"feedback on suggestion {self.id} was already sent")
        if self.status not in (Status.REPORTED, *DECIDED):
            raise NotReportedError(f"suggestion {self.id} is {self.status.value}, not reported")
        if self.reported_on is not None:
            not_before("decided_on", on, "the day it was reported", self.reported_on)
        self._outcome_recorded(
            final_article=checked_article("final_article", final_article),
            outcome=checked_choice("outcome", outcome, Outcome).value,
            note=optional_text("note", note, MAX_REASON),
            occurred_on=on,
            actor=actor,
        )

    @event(OutcomeRecorded)
    def _outcome_recorded(
        self,
        outcome: str,
        final_article: int | None,
        note: str | None,
        occurred_on: date,
        actor: str,
    ) -> None:
        self.outcome = Outcome(outcome)
        self.status = Status(outcome)
        self.final_article = final_article
        self.note = note
        self.decided_on = occurred_on

    class FedBack(LiaisonAggregate.Event):
        message: str
        date_field = "sent_on"

    def feed_back(self, message: str, on: date, actor: str) -> None:
        self._require(DECIDED, "send feedback on")
        if self.decided_on is not None:
            not_before("sent_on", on, "the day the outcome was decided", self.decided_on)
        self._fed_back(
            message=checked_text("message", message, MAX_CONTENT), occurred_on=on, actor=actor
        )

    @event(FedBack)
    def _fed_back(self, message: str, occurred_on: date, actor: str) -> None:
        self.status = Status.FED_BACK
        self.feedback = message
        self.fed_back_on = occurred_on

    class FedBackAsMerged(LiaisonAggregate.Event):
        """The person behind a merged opinion told what became of the suggestion it was
        merged into. The opinion stays merged (figures of merged and received do not move);
        the event keeps what the person was told."""

        into: UUID
        outcome: str
        message: str
        date_field = "sent_on"

    def feed_back_as_merged(self, survivor: Suggestion, on: date, actor: str) -> None:
        """Tell this merged opinion's person the survivor's outcome and feedback, once the
        survivor's own person has been told (its outcome can no longer change)."""
        self._require((Status.MERGED,), "send feedback as merged on")
        if self.merged_into != survivor.id:
            raise MismatchError("the suggestion was not merged into that one")
        if self.fed_back_on is not None:
            raise WrongStateError(f"feedback on suggestion {self.id} was already sent")
        if survivor.status is not Status.FED_BACK or survivor.outcome is None:
            raise WrongStateError(f"suggestion {survivor.id} has had no feedback yet")
        assert survivor.feedback is not None and survivor.fed_back_on is not None
        not_before("sent_on", on, "the day the outcome was fed back", survivor.fed_back_on)
        self._fed_back_as_merged(
            into=survivor.id,
            outcome=survivor.outcome.value,
            message=survivor.feedback,
            occurred_on=on,
            actor=actor,
        )

    @event(FedBackAsMerged)
    def _fed_back_as_merged(
        self, into: UUID, outcome: str, message: str, occurred_on: date, actor: str
    ) -> None:
        self.feedback = message
        self.fed_back_on = occurred_on


def _required_reason(reason: str | None) -> str:
    if reason is None or not reason.strip():
        raise InvalidValueError("reason", "a reason is required to undo")
    return checked_text("reason", reason, MAX_REASON)


# The status each event leaves a suggestion in, keyed by the event classes themselves: a
# renamed class keeps its entry, and a new class must be placed here (a test checks that).
STATUS_AFTER: dict[type[LiaisonAggregate.Event], Status | None] = {
    Suggestion.Received: Status.RECEIVED,
    Suggestion.Revised: None,  # new wording, same standing
    Suggestion.Accepted: Status.ACCEPTED,
    Suggestion.Rejected: Status.REJECTED,
    Suggestion.Merged: Status.MERGED,
    Suggestion.Absorbed: None,  # a duplicate folded in: the survivor's standing is unchanged
    Suggestion.RejectionWithdrawn: Status.RECEIVED,
    Suggestion.Released: None,  # a duplicate let go: the survivor's standing is unchanged
    Suggestion.Reported: Status.REPORTED,
    Suggestion.FedBack: Status.FED_BACK,
    Suggestion.FedBackAsMerged: None,  # told, yet still merged: figures of merged stay put
}


def status_after(event: object) -> Status | None:
    """The status a suggestion has after one of its events; None for an event that leaves
    it as it was, or one that is not a suggestion's."""
    if isinstance(event, Suggestion.OutcomeRecorded):
        return Status(event.outcome)
    if isinstance(event, Suggestion.Unmerged):
        return Status(event.status)
    return STATUS_AFTER.get(type(event))  # type: ignore[arg-type]


def step_after(event: object) -> Status | None:
    """The step a person following a receipt sees: the status an event leaves, and for a
    merged opinion the feedback it was given (its status stays merged)."""
    if isinstance(event, Suggestion.FedBackAsMerged):
        return Status.FED_BACK
    return status_after(event)
