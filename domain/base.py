"""The base every Liaison aggregate shares: events carry a business date and an actor.

``occurred_on`` is the day the fact happened in the world (a session held, a comment
received); the library's ``timestamp`` is when it was recorded. Statistics use the former.
"""

from __future__ import annotations

from datetime import date

from eventsourcing.domain import Aggregate


class LiaisonAggregate(Aggregate):
    class Event(Aggregate.Event):
        occurred_on: date
        actor: str

    class Created(Event, Aggregate.Created):
        pass
