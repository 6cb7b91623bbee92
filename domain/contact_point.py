"""A contact point (基层立法联系点): a street or town office designated to gather opinions.

Its name may change (a street office renamed, a typo mended); its id, and every record
filed under it, stay."""

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

    class Renamed(LiaisonAggregate.Event):
        name: str

    @event(Renamed)
    def _renamed(self, name: str, occurred_on: date, actor: str) -> None:
        self.name = name

    def rename(self, name: str, on: date, actor: str) -> None:
        """A new name; the same name again changes nothing."""
        checked = checked_text("name", name, MAX_TITLE)
        if checked != self.name:
            self._renamed(name=checked, occurred_on=on, actor=actor)
