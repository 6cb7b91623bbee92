"""The congress's decisions on a report upward, recorded together, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.decisions import Ruling, decide
from domain.draft import Draft
from domain.report import Report
from domain.suggestion import Suggestion
from liaison.commands.base import ServiceBase
from liaison.errors import NotFoundError
from liaison.rights import DECIDERS, Actor, require_role


@dataclass(frozen=True)
class Decided:
    """What a save of decisions did: the suggestions it recorded and those already so."""

    report: Report
    recorded: list[UUID]
    unchanged: list[UUID]


class DecisionCommands(ServiceBase):
    def decide_report(
        self,
        report_id: UUID,
        decisions: Sequence[Ruling],
        actor: Actor,
        decided_on: date | None = None,
    ) -> Decided:
        """Record the decisions on a report's suggestions in one save, or none of them.

        The congress decides; staff of the report's contact point may record a decision they
        were told of offline. Each event's actor says who recorded it."""
        require_role(actor, DECIDERS)
        report = self.fetch(actor, report_id, Report)
        draft = self.get(report.draft_id, Draft)
        in_report = set(report.suggestion_ids)
        named = list(dict.fromkeys(d.suggestion_id for d in decisions))
        carried = {i: self.get(i, Suggestion) for i in named if i in in_report}
        unknown = {i for i in named if i not in in_report and not self._exists(actor, i)}
        changed = decide(
            report,
            carried,
            decisions,
            {a.number for a in draft.current.articles},
            unknown,
            self._today(decided_on),
            actor.username,
        )
        if changed:
            self.save(*changed)
        recorded = [s.id for s in changed]
        done = set(recorded)
        return Decided(report, recorded, [i for i in carried if i not in done])

    def _exists(self, actor: Actor, suggestion_id: UUID) -> bool:
        """Whether the actor may know of this suggestion (another point's is unknown to staff)."""
        try:
            self.fetch(actor, suggestion_id, Suggestion)
        except NotFoundError:
            return False
        return True
