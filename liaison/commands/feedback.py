"""Feedback (反馈): telling every person behind a decided suggestion what became of it, the
ones merged into it included; and the letters that carry it to those who agreed to be told."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from uuid import UUID

from domain.contact_point import ContactPoint
from domain.participant import Participant
from domain.report import Report
from domain.rules import MAX_CONTENT, checked_choice, checked_text
from domain.suggestion import DECIDED, Outcome, Status, Suggestion
from liaison.commands.base import ServiceBase
from liaison.letters import Letter
from liaison.rights import KEEPERS, Actor, require_role

DEFAULT_MESSAGES: dict[str, str] = {
    Outcome.ADOPTED.value: "您的意见已被采纳，感谢您对立法工作的支持。",
    Outcome.PARTIALLY_ADOPTED.value: "您的意见已被部分采纳，体现在最终文本中。",
    Outcome.NOT_ADOPTED.value: "您的意见经研究未予采纳，感谢您的参与。",
}
"""The message each person is sent by default, by the congress's decision: the one source
(the demo's residents receive these too)."""


class FeedbackCommands(ServiceBase):
    def send_feedback(
        self, suggestion_id: UUID, message: str, actor: Actor, sent_on: date | None = None
    ) -> Suggestion:
        """Tell the person behind one decided suggestion, and everyone merged into it."""
        require_role(actor, KEEPERS)
        suggestion = self.fetch(actor, suggestion_id, Suggestion)
        day = self._today(sent_on)
        suggestion.feed_back(message, day, actor.username)
        self.save(suggestion, *self._tell_merged(suggestion, day, actor))
        return suggestion

    def feed_back_report(
        self,
        actor: Actor,
        report_id: UUID,
        messages: Mapping[str, str] | None = None,
        sent_on: date | None = None,
    ) -> int:
        """Tell every person behind every decided suggestion of the report who has not been
        told yet, merged ones included, in one save; returns how many were told (a second
        call tells nobody twice). ``messages`` replaces the default message of an outcome."""
        require_role(actor, KEEPERS)
        report = self.fetch(actor, report_id, Report)
        chosen = {**DEFAULT_MESSAGES, **_checked_messages(messages or {})}
        day = self._today(sent_on)
        told: list[Suggestion] = []
        for suggestion_id in report.suggestion_ids:
            suggestion = self.get(suggestion_id, Suggestion)
            if suggestion.status in DECIDED:
                assert suggestion.outcome is not None
                suggestion.feed_back(chosen[suggestion.outcome.value], day, actor.username)
                told.append(suggestion)
            told.extend(self._tell_merged(suggestion, day, actor))
        if told:
            self.save(*told)
        return len(told)

    def _tell_merged(self, survivor: Suggestion, on: date, actor: Actor) -> list[Suggestion]:
        """The opinions merged into ``survivor`` told its outcome and feedback, each once."""
        if survivor.status is not Status.FED_BACK:
            return []
        told = []
        for merged_id in survivor.absorbed:
            merged = self.get(merged_id, Suggestion)
            if merged.fed_back_on is None:
                merged.feed_back_as_merged(survivor, on, actor.username)
                told.append(merged)
        return told

    def letters(self, actor: Actor, report_id: UUID) -> list[Letter]:
        """One letter per person told the outcome of the report's suggestions who agreed to
        be contacted (a registered participant's consent; a commenter's own name or phone),
        in the report's order, merged opinions after the one they were merged into. Staff
        of the report's contact point and admin: letters carry names and phones."""
        require_role(actor, KEEPERS)
        report = self.fetch(actor, report_id, Report)
        point = self.get(report.contact_point_id, ContactPoint).name
        found = []
        for suggestion_id in report.suggestion_ids:
            survivor = self.get(suggestion_id, Suggestion)
            if survivor.outcome is None:
                continue
            for person in [survivor, *(self.get(i, Suggestion) for i in survivor.absorbed)]:
                letter = self._letter(person, survivor.outcome, point)
                if letter is not None:
                    found.append(letter)
        return found

    def _letter(self, person: Suggestion, outcome: Outcome, point: str) -> Letter | None:
        if person.feedback is None:
            return None
        if person.participant_id is not None:
            participant = self.get(person.participant_id, Participant)
            if participant.erased or not participant.consent_to_contact:
                return None
            name = self.vault.open(participant.id, "name", participant.sealed_name)
            phone = self.vault.open(participant.id, "phone", participant.sealed_phone)
        else:
            name = self.vault.open(person.id, "name", person.sealed_name)
            phone = self.vault.open(person.id, "phone", person.sealed_phone)
        if name is None and phone is None:
            return None  # never given, or erased
        return Letter(
            name=name,
            phone=phone,
            words=person.original_content,
            outcome=outcome.value,
            message=person.feedback,
            contact_point=point,
        )


def _checked_messages(messages: Mapping[str, str]) -> dict[str, str]:
    """The staff's own messages, by outcome, each checked as any text is."""
    checked = {}
    for outcome, message in messages.items():
        key = checked_choice("messages", outcome, Outcome).value
        checked[key] = checked_text("message", message, MAX_CONTENT)
    return checked
