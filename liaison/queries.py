"""Reads across many records, for an actor: the rights of ``liaison.rights``, then the read
models of ``projections``. The API, the pages and the CLI ask here, never the tables."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine

from domain.draft import Draft, DraftStatus, DraftVersion
from domain.errors import WrongStateError
from domain.lineage import Lineage, lineage
from domain.suggestion import Outcome
from liaison.errors import NotFoundError
from liaison.rights import (
    BOUND,
    GATHERERS,
    KEEPERS,
    READERS,
    Actor,
    Role,
    require_point,
    require_role,
    require_visible,
    scope,
)
from projections.campaigns import draft_groups, members
from projections.collected import by_channel, by_collector, list_collected
from projections.dashboard import ReportFeedback, report_feedback
from projections.drafts import list_drafts
from projections.inbox import ReportStatus, list_reports, report_suggestions
from projections.listings import (
    list_contact_points,
    list_participants,
    list_sessions,
    list_suggestions,
)
from projections.statistics import Figures, Period, figures, ranking
from projections.traceability import Article, decided, trace

EVER = Period()


class Queries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def contact_points(self) -> list[dict[str, Any]]:
        """Every contact point, by name (anyone: the public form offers them)."""
        with self.engine.connect() as conn:
            return list_contact_points(conn)

    def contact_point_name(self, contact_point_id: UUID) -> str | None:
        return next(
            (cp["name"] for cp in self.contact_points() if cp["id"] == contact_point_id.hex),
            None,
        )

    def participant_ids(self, actor: Actor, contact_point_id: UUID) -> list[UUID]:
        """Ids of the contact point's participants, erased ones left out (staff, admin)."""
        require_role(actor, KEEPERS)
        require_point(actor, contact_point_id)
        with self.engine.connect() as conn:
            rows = list_participants(conn, contact_point_id)
        return [UUID(r["id"]) for r in rows if not r["erased"]]

    def drafts(self, actor: Actor, status: str | None = None) -> list[dict[str, Any]]:
        """Drafts, newest first: staff those that asked their contact point for opinions;
        everyone else every draft (the public reads the open ones)."""
        if actor.role in BOUND and actor.contact_point_id is None:
            return []
        point = actor.contact_point_id if actor.role in BOUND else None
        if actor.role is Role.COLLECTOR and status != DraftStatus.OPEN.value:
            return []  # collectors gather opinions on open drafts; nothing else is theirs
        with self.engine.connect() as conn:
            return list_drafts(conn, status, point)

    def asked_contact_points(self, draft: Draft) -> list[dict[str, Any]]:
        """The contact points a draft asked for opinions, by name (anyone: the public form
        offers them)."""
        return [cp for cp in self.contact_points() if draft.asks(UUID(cp["id"]))]

    def suggestions(
        self,
        actor: Actor,
        contact_point_id: UUID | None = None,
        draft_id: UUID | None = None,
        status: str | None = None,
        limit: int = 500,
        after: str | None = None,
    ) -> list[dict[str, Any]]:
        require_role(actor, READERS)
        with self.engine.connect() as conn:
            return list_suggestions(
                conn, scope(actor, contact_point_id), draft_id, status, limit, after
            )

    def collected(self, actor: Actor, limit: int = 200) -> list[dict[str, Any]]:
        """The opinions the actor recorded at their contact point, newest first: a
        collector's own records, never another's."""
        require_role(actor, GATHERERS)
        if actor.contact_point_id is None:
            return []
        with self.engine.connect() as conn:
            return list_collected(conn, actor.username, actor.contact_point_id, limit)

    def channels(
        self, actor: Actor, contact_point_id: UUID | None = None, period: Period = EVER
    ) -> dict[str, Any]:
        """Opinions by channel, and by collector (how many each brought, first and last
        day): staff their own contact point's, others any."""
        require_role(actor, READERS)
        point = scope(actor, contact_point_id)
        with self.engine.connect() as conn:
            return {
                "channels": by_channel(conn, point, period),
                "collectors": by_collector(conn, point, period),
            }

    def groups(
        self,
        actor: Actor,
        draft_id: UUID,
        contact_point_id: UUID | None = None,
        min_size: int = 2,
    ) -> list[dict[str, Any]]:
        """Campaigns among a draft's open opinions, largest first (staff: their own point's)."""
        require_role(actor, READERS)
        point = scope(actor, contact_point_id)
        with self.engine.connect() as conn:
            found = draft_groups(conn, draft_id, None if point is None else [point], min_size)
        if found is None:
            raise NotFoundError(f"no Draft {draft_id}")
        return found

    def campaigns(
        self,
        actor: Actor,
        draft_id: UUID,
        contact_point_id: UUID | None = None,
        groups: int = 50,
        shown: int = 500,
    ) -> list[dict[str, Any]]:
        """The largest ``groups`` of ``groups()``, each with its first ``shown`` members as the
        screening page lists them (receipt, day, channel, proposer's kind), in the order they
        came: by day, then as they were entered; the sample is the earliest one's words."""
        found = self.groups(actor, draft_id, contact_point_id)[:groups]
        with self.engine.connect() as conn:
            rows = members(conn, [i for g in found for i in g["suggestion_ids"][:shown]])
        for g in found:
            listed = [rows[i] for i in g["suggestion_ids"][:shown] if i in rows]
            g["members"] = sorted(listed, key=lambda m: (m["received_on"], m["entered"] or 0))
            g["sample"] = g["members"][0]["content"] if g["members"] else g["sample"]
        return found

    def sessions(
        self, actor: Actor, contact_point_id: UUID | None = None, draft_id: UUID | None = None
    ) -> list[dict[str, Any]]:
        require_role(actor, READERS)
        with self.engine.connect() as conn:
            return list_sessions(conn, scope(actor, contact_point_id), draft_id)

    def reports(
        self,
        actor: Actor,
        contact_point_id: UUID | None = None,
        status: ReportStatus | None = None,
    ) -> list[dict[str, Any]]:
        """Reports upward, newest first, with their counts: the congress's inbox (staff: their
        own contact point's)."""
        require_role(actor, READERS)
        with self.engine.connect() as conn:
            return list_reports(conn, scope(actor, contact_point_id), status)

    def report_summary(self, actor: Actor, report_id: UUID) -> dict[str, Any]:
        """One report as the inbox lists it."""
        require_role(actor, READERS)
        with self.engine.connect() as conn:
            return _visible_report(conn, actor, report_id)

    def report_suggestions(self, actor: Actor, report_id: UUID) -> list[dict[str, Any]]:
        """The suggestions one report carried, with their decisions so far."""
        require_role(actor, READERS)
        with self.engine.connect() as conn:
            _visible_report(conn, actor, report_id)
            return report_suggestions(conn, report_id)

    def report_feedback(self, actor: Actor, report_id: UUID) -> ReportFeedback:
        """Who behind one report's suggestions was told what became of their words, who is
        owed it (by outcome) and who still waits for the congress (staff of the point)."""
        require_role(actor, KEEPERS)
        with self.engine.connect() as conn:
            _visible_report(conn, actor, report_id)
            return report_feedback(conn, report_id)

    def figures(
        self, actor: Actor, contact_point_id: UUID | None = None, period: Period = EVER
    ) -> Figures:
        """The figures reported upward: staff their own contact point's, others any."""
        require_role(actor, READERS)
        with self.engine.connect() as conn:
            return figures(conn, scope(actor, contact_point_id), period)

    def ranking(self, actor: Actor, period: Period = EVER) -> list[dict[str, Any]]:
        """Contact points by reported, then adopted: every signed-in role compares."""
        require_role(actor, READERS)
        with self.engine.connect() as conn:
            return ranking(conn, period)

    def trace(
        self,
        actor: Actor,
        draft: Draft,
        contact_point_id: UUID | None = None,
        limit: int | None = None,
        article: Article | None = None,
        offset: int = 0,
    ) -> dict[str, Any]:
        """The draft's trace, its suggestions filed by lineage under the articles of the
        version consulted (projections/traceability.py)."""
        require_role(actor, READERS)
        point, lines = scope(actor, contact_point_id), _lineage(tuple(draft.versions))
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # no BEGIN and ROLLBACK round trips: at READ COMMITTED each statement has
                # its own snapshot inside a transaction too (SQLite's keeps one for all)
                conn.execution_options(isolation_level="AUTOCOMMIT")
            return trace(conn, draft, point, limit, article, offset, lines=lines)

    def summary(
        self, actor: Actor, draft: Draft, contact_point_id: UUID | None = None
    ) -> dict[str, Any]:
        """An enacted draft's trace of its decided suggestions, every article with its count:
        what the published summary is made of (staff: their own contact point's)."""
        require_role(actor, READERS)
        if draft.status is not DraftStatus.ENACTED:
            raise WrongStateError(f"draft {draft.id} is {draft.status.value}, not enacted")
        point, lines = scope(actor, contact_point_id), _lineage(tuple(draft.versions))
        decisions = tuple(o.value for o in Outcome)
        with self.engine.connect() as conn:
            return trace(conn, draft, point, outcomes=decisions, lines=lines)

    def lineage(self, actor: Actor, draft: Draft) -> Lineage:
        """Each article of the draft through its readings: any signed-in reader; anyone once
        the draft is law (the public wall shows each article's journey)."""
        if draft.status is not DraftStatus.ENACTED:
            require_role(actor, READERS)
        return _lineage(tuple(draft.versions))

    def decided(
        self, actor: Actor, draft: Draft, outcomes: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        """The draft's suggestions decided with one of ``outcomes``, each with the reading
        and article it was given on: signed-in readers; anyone once the draft is law (the
        wall shows the words as reported, never who said them)."""
        if draft.status is not DraftStatus.ENACTED:
            require_role(actor, READERS)
        with self.engine.connect() as conn:
            return decided(conn, draft, outcomes)


@lru_cache(maxsize=64)
def _lineage(versions: tuple[DraftVersion, ...]) -> Lineage:
    """Versions never change once recorded: a draft's lineage is worked out once per reading
    added, not on every page (a whole rewrite of a long law takes a second)."""
    return lineage(versions)


def _visible_report(conn: Connection, actor: Actor, report_id: UUID) -> dict[str, Any]:
    found = list_reports(conn, report_id=report_id)
    if not found:
        raise NotFoundError(f"no Report {report_id}")
    require_visible(actor, UUID(found[0]["contact_point_id"]), f"Report {report_id}")
    return found[0]
