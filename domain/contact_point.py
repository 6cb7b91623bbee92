"""A contact point (基层立法联系点): a street or town office designated to gather opinions."""

from __future__ import annotations

from datetime import date

from eventsourcing.domain import event

from domain.base import LiaisonAggregate
from domain.rules import MAX_TITLE, checked_text


class ContactPoint(LiaisonAggregate):
    class Designated(LiaisonAggregate.Created):
        name: str
        district: str

    @event(Designated)
    def __init__(self, name: str, district: str, occurred_on: date, actor: str) -> None:
        self.name = name
        self.district = district
        self.designated_on = occurred_on

    @classmethod
    def designate(cls, name: str, district: str, on: date, actor: str) -> ContactPoint:
        return cls(
            name=checked_text("name", name, MAX_TITLE),
            district=checked_text("district", district, MAX_TITLE),
            occurred_on=on,
            actor=actor,
        )
