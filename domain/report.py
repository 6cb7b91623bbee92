"""A report upward (报送): accepted suggestions on one draft sent to the congress."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.base import LiaisonAggregate
from domain.errors import InvalidValueError, MismatchError
from domain.suggestion import Suggestion


class Report(LiaisonAggregate):
    class Submitted(LiaisonAggregate.Created):
        contact_point_id: UUID
        draft_id: UUID
        suggestion_ids: list[UUID]
        date_field = "submitted_on"

    @event(Submitted)
    def __init__(
        self,
        contact_point_id: UUID,
        draft_id: UUID,
        suggestion_ids: list[UUID],
        occurred_on: date,
        actor: str,
    ) -> None:
        self.contact_point_id = contact_point_id
        self.draft_id = draft_id
        self.suggestion_ids = list(suggestion_ids)
        self.submitted_on = occurred_on

    @classmethod
    def submit(
        cls,
        contact_point_id: UUID,
        draft_id: UUID,
        suggestions: list[Suggestion],
        on: date,
        actor: str,
    ) -> Report:
        """Send accepted suggestions of one draft and contact point upward, together."""
        ids = [s.id for s in suggestions]
        if not ids:
            raise InvalidValueError("suggestion_ids", "a report carries at least one suggestion")
        if len(set(ids)) != len(ids):
            raise InvalidValueError("suggestion_ids", "a suggestion is named twice")
        for suggestion in suggestions:  # check them all before changing any
            if (suggestion.draft_id, suggestion.contact_point_id) != (draft_id, contact_point_id):
                raise MismatchError(
                    f"suggestion {suggestion.id} is not on this draft and contact point"
                )
            suggestion.require_reportable(on)
        report = cls(
            contact_point_id=contact_point_id,
            draft_id=draft_id,
            suggestion_ids=ids,
            occurred_on=on,
            actor=actor,
        )
        for suggestion in suggestions:
            suggestion.report(report.id, on, actor)
        return report
