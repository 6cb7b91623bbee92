"""Opinions from first words to the decision, and reports upward (feedback: feedback.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.contact_point import ContactPoint
from domain.draft import Draft
from domain.errors import InvalidValueError, WrongStateError
from domain.report import Report
from domain.suggestion import Suggestion
from liaison.commands.base import ServiceBase
from liaison.errors import NotFoundError
from liaison.rights import (
    DECIDERS,
    KEEPERS,
    OPINION_READERS,
    READERS,
    Actor,
    require_point,
    require_role,
)


class SuggestionCommands(ServiceBase):
    def suggestion(self, actor: Actor, suggestion_id: UUID) -> Suggestion:
        """A suggestion the actor may read: staff only their own contact point's, a
        collector only one they recorded."""
        require_role(actor, OPINION_READERS)
        return self.fetch(actor, suggestion_id, Suggestion)

    def _organise(
        self, actor: Actor, suggestion_id: UUID, command: Callable[[Suggestion], None]
    ) -> Suggestion:
        """Desk work on one suggestion of the actor's own contact point."""
        require_role(actor, KEEPERS)
        return self._change(actor, suggestion_id, Suggestion, command)

    def merge_suggestion(
        self, suggestion_id: UUID, into: UUID, actor: Actor, on: date | None = None
    ) -> Suggestion:
        require_role(actor, KEEPERS)
        duplicate = self.fetch(actor, suggestion_id, Suggestion)
        survivor = self.fetch(actor, into, Suggestion)
        duplicate.merge_into(survivor, self._today(on), actor.username)
        self.save(duplicate, survivor)
        return duplicate

    def merge_suggestions(
        self, suggestion_ids: list[UUID], into: UUID, actor: Actor, on: date | None = None
    ) -> Suggestion:
        """Merge a whole group into one suggestion in one save: all of it, or nothing (the
        first refusal is raised and nothing is saved). ``into`` among the ids is skipped."""
        require_role(actor, KEEPERS)
        survivor = self.fetch(actor, into, Suggestion)
        duplicates = [
            self.fetch(actor, i, Suggestion) for i in dict.fromkeys(suggestion_ids) if i != into
        ]
        if not duplicates:
            raise InvalidValueError("suggestion_ids", "name at least one suggestion to merge")
        day = self._today(on)
        for duplicate in duplicates:
            duplicate.merge_into(survivor, day, actor.username)
        self.save(survivor, *duplicates)
        return survivor

    def unmerge_suggestion(
        self, suggestion_id: UUID, reason: str, actor: Actor, on: date | None = None
    ) -> Suggestion:
        """Undo a merge made by mistake (before the survivor is reported); both change."""
        require_role(actor, KEEPERS)
        duplicate = self.fetch(actor, suggestion_id, Suggestion)
        if duplicate.merged_into is None:
            raise WrongStateError(f"suggestion {suggestion_id} is {duplicate.status.value}")
        survivor = self.fetch(actor, duplicate.merged_into, Suggestion)
        duplicate.unmerge_from(survivor, reason, self._today(on), actor.username)
        self.save(duplicate, survivor)
        return duplicate

    def withdraw_rejection(
        self, suggestion_id: UUID, reason: str, actor: Actor, on: date | None = None
    ) -> Suggestion:
        """Undo a rejection made by mistake: the suggestion waits to be screened again."""
        return self._organise(
            actor,
            suggestion_id,
            lambda s: s.withdraw_rejection(reason, self._today(on), actor.username),
        )

    def revise_suggestion(
        self, suggestion_id: UUID, content: str, actor: Actor, on: date | None = None
    ) -> Suggestion:
        return self._organise(
            actor, suggestion_id, lambda s: s.revise(content, self._today(on), actor.username)
        )

    def screen_suggestion(
        self,
        suggestion_id: UUID,
        decision: str,
        actor: Actor,
        reason: str | None = None,
        on: date | None = None,
    ) -> Suggestion:
        return self._organise(
            actor,
            suggestion_id,
            lambda s: s.screen(decision, reason, self._today(on), actor.username),
        )

    def submit_report(
        self,
        contact_point_id: UUID,
        draft_id: UUID,
        suggestion_ids: list[UUID],
        submitted_on: date,
        actor: Actor,
    ) -> Report:
        require_role(actor, KEEPERS)
        require_point(actor, contact_point_id)
        self.get(contact_point_id, ContactPoint)
        self.get(draft_id, Draft)
        suggestions = [self.get(i, Suggestion) for i in suggestion_ids]
        for suggestion in suggestions:
            if suggestion.contact_point_id != contact_point_id:
                raise NotFoundError(f"no Suggestion {suggestion.id} at this contact point")
        report = Report.submit(
            contact_point_id, draft_id, suggestions, submitted_on, actor.username
        )
        self.save(report, *suggestions)
        return report

    def report(self, actor: Actor, report_id: UUID) -> Report:
        """A report the actor may read: staff only their own contact point's."""
        require_role(actor, READERS)
        return self.fetch(actor, report_id, Report)

    def record_outcome(
        self,
        suggestion_id: UUID,
        outcome: str,
        actor: Actor,
        final_article: int | None = None,
        note: str | None = None,
        decided_on: date | None = None,
    ) -> Suggestion:
        """The congress's decision; a final article named must exist in the latest reading or
        the law as passed (``UnknownArticleError``, checked after the suggestion's own rules;
        nothing is saved when it fails)."""
        require_role(actor, DECIDERS)

        def decide(suggestion: Suggestion) -> None:
            suggestion.record_outcome(
                outcome, final_article, note, self._today(decided_on), actor.username
            )
            if final_article is not None:
                self.get(suggestion.draft_id, Draft).current.article(final_article)

        return self._change(actor, suggestion_id, Suggestion, decide)

    def commenter(self, suggestion: Suggestion) -> dict[str, str | None]:
        """A commenter's name and phone, or ``None`` each once erased or never given; and
        their neighbourhood when a collector noted one."""
        found = {
            "name": self.vault.open(suggestion.id, "name", suggestion.sealed_name),
            "phone": self.vault.open(suggestion.id, "phone", suggestion.sealed_phone),
        }
        if suggestion.sealed_neighbourhood is not None:
            found["neighbourhood"] = self.vault.open(
                suggestion.id, "neighbourhood", suggestion.sealed_neighbourhood
            )
        return found
