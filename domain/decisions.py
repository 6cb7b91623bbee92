"""The congress's decisions on a report (审议结果): every suggestion it names decided at once.

A report's decisions are all or nothing. Every ruling is checked before any suggestion changes:
the suggestion must be one the report carried, named once, with a known outcome, a final
article that exists in the latest text (the law as passed, once enacted) and a note of
reasonable length. Deciding a suggestion again the same way changes nothing; deciding it
otherwise is refused (the per-suggestion outcome command stays for corrections).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.errors import InvalidValueError, WrongStateError
from domain.report import Report
from domain.rules import MAX_REASON, checked_article, checked_choice, optional_text
from domain.suggestion import Outcome, Suggestion


@dataclass(frozen=True)
class Ruling:
    """One decision as asked for: which suggestion, what outcome, where it ended up, why."""

    suggestion_id: UUID
    outcome: str
    final_article: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Problem:
    """What is wrong with the ruling at ``index`` (its position in the request)."""

    index: int
    suggestion_id: UUID
    field: str
    message: str


class DecisionsRefusedError(InvalidValueError):
    """One or more rulings are invalid; nothing was recorded (422, each one named)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        described = "; ".join(
            f"decision {p.index} ({p.suggestion_id}) {p.field}: {p.message}" for p in problems
        )
        super().__init__("decisions", described)


class AlreadyDecidedError(WrongStateError):
    """Suggestions already decided otherwise (or fed back); nothing was recorded (409)."""

    def __init__(self, suggestion_ids: Sequence[UUID]) -> None:
        self.suggestion_ids = list(suggestion_ids)
        named = ", ".join(str(i) for i in suggestion_ids)
        super().__init__(f"already decided otherwise: {named}")


@dataclass(frozen=True)
class _Checked:
    suggestion: Suggestion
    outcome: str
    final_article: int | None
    note: str | None

    @property
    def unchanged(self) -> bool:
        s = self.suggestion
        return s.outcome is not None and (s.outcome.value, s.final_article, s.note) == (
            self.outcome,
            self.final_article,
            self.note,
        )


def decide(
    report: Report,
    carried: Mapping[UUID, Suggestion],
    rulings: Sequence[Ruling],
    articles: Collection[int],
    unknown: Collection[UUID],
    on: date,
    actor: str,
) -> list[Suggestion]:
    """Record every ruling on the report's suggestions, or none; returns those changed.

    ``carried`` holds (at least) the report's suggestions the rulings name; ``articles`` the
    article numbers of the latest text; ``unknown`` the named ids that exist nowhere."""
    problems: list[Problem] = []
    checked: list[_Checked] = []
    in_report = set(report.suggestion_ids)
    seen: set[UUID] = set()
    for index, ruling in enumerate(rulings):
        found = _check(ruling, index, carried, in_report, seen, articles, unknown, problems)
        seen.add(ruling.suggestion_id)
        if found is not None:
            checked.append(found)
    if problems:
        raise DecisionsRefusedError(problems)
    clashes = [c.suggestion.id for c in checked if c.suggestion.outcome and not c.unchanged]
    if clashes:
        raise AlreadyDecidedError(clashes)
    changed = [c for c in checked if not c.unchanged]
    for c in changed:
        c.suggestion.record_outcome(c.outcome, c.final_article, c.note, on, actor)
    return [c.suggestion for c in changed]


def _check(
    ruling: Ruling,
    index: int,
    carried: Mapping[UUID, Suggestion],
    in_report: set[UUID],
    seen: set[UUID],
    articles: Collection[int],
    unknown: Collection[UUID],
    problems: list[Problem],
) -> _Checked | None:
    """The ruling cleaned, or None with what is wrong added to ``problems``."""

    def wrong(field: str, message: str) -> None:
        problems.append(Problem(index, ruling.suggestion_id, field, message))

    before = len(problems)
    if ruling.suggestion_id in unknown:
        wrong("suggestion_id", "no such suggestion")
    elif ruling.suggestion_id not in in_report:
        wrong("suggestion_id", "this report did not carry it")
    elif ruling.suggestion_id in seen:
        wrong("suggestion_id", "decided twice in one request")
    outcome = final_article = note = None
    try:
        outcome = checked_choice("outcome", ruling.outcome, Outcome).value
    except InvalidValueError as error:
        wrong("outcome", error.message)
    try:
        final_article = checked_article("final_article", ruling.final_article)
        if final_article is not None and final_article not in articles:
            wrong("final_article", f"the latest text has no article {final_article}")
    except InvalidValueError as error:
        wrong("final_article", error.message)
    try:
        note = optional_text("note", ruling.note, MAX_REASON)
    except InvalidValueError as error:
        wrong("note", error.message)
    if len(problems) > before or outcome is None:
        return None
    return _Checked(carried[ruling.suggestion_id], outcome, final_article, note)
