"""The base every Liaison aggregate shares: events carry a business date and an actor.

``occurred_on`` is the day the fact happened in the world (a session held, a comment
received); the library's ``timestamp`` is when it was recorded. Statistics use the former.
Business dates run forward: no event of a record is dated before the record's own start
(each aggregate's commands check that) nor after today (``require_dated_by``, which the
application calls with its clock's today before every save).
"""

from __future__ import annotations

from datetime import date

from eventsourcing.domain import Aggregate

from domain.errors import FutureDateError


class LiaisonAggregate(Aggregate):
    class Event(Aggregate.Event):
        occurred_on: date
        actor: str

        # Not stored: class attributes, not fields. The command's field that dates the
        # event, named in a refusal; and whether the date is a plan (a session's start),
        # which may lie ahead.
        date_field = "on"
        planned = False

    class Created(Event, Aggregate.Created):
        pass

    def require_dated_by(self, today: date) -> None:
        """Refuse the unsaved events when one is dated after ``today`` (a plan excepted)."""
        for pending in self.pending_events:
            if not isinstance(pending, LiaisonAggregate.Event) or pending.planned:
                continue
            if pending.occurred_on > today:
                raise FutureDateError(
                    pending.date_field,
                    f"must not be after today ({today}), got {pending.occurred_on}",
                )
