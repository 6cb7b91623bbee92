"""Participants (registered with sealed personal data, erasable) and contact points."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.contact_point import ContactPoint
from domain.errors import (
    DateOrderError,
    FutureDateError,
    InvalidValueError,
    ParticipantErasedError,
)
from domain.participant import Participant, ParticipantKind
from domain.rules import MAX_TITLE

ON = date(2024, 3, 1)
ACTOR = "staff:zhou"


def register(**overrides: object) -> Participant:
    arguments: dict[str, object] = {
        "contact_point_id": uuid4(),
        "kind": "resident",
        "sealed_name": "sealed:name",
        "sealed_neighbourhood": "sealed:neighbourhood",
        "sealed_phone": "sealed:phone",
        "consent_to_contact": True,
        "on": ON,
        "actor": ACTOR,
        "id": uuid4(),
    }
    arguments.update(overrides)
    return Participant.register(**arguments)  # type: ignore[arg-type]


# --- participants ----------------------------------------------------------------------------


def test_registering_keeps_the_chosen_id_and_the_sealed_fields() -> None:
    participant_id, point = uuid4(), uuid4()

    participant = register(
        id=participant_id, contact_point_id=point, kind="deputy", sealed_phone=None
    )

    [event] = participant.collect_events()
    assert isinstance(event, Participant.Registered)
    assert (event.occurred_on, event.actor) == (ON, ACTOR)
    assert participant.id == participant_id
    assert participant.contact_point_id == point
    assert participant.kind is ParticipantKind.DEPUTY
    assert participant.sealed_name == "sealed:name"
    assert participant.sealed_neighbourhood == "sealed:neighbourhood"
    assert participant.sealed_phone is None
    assert (participant.consent_to_contact, participant.registered_on) == (True, ON)
    assert participant.erased is False


@pytest.mark.parametrize("kind", list(ParticipantKind))
def test_registering_accepts_every_kind(kind: ParticipantKind) -> None:
    assert register(kind=kind.value).kind is kind


@pytest.mark.parametrize("kind", ["", "citizen", "Resident"])
def test_registering_refuses_an_unknown_kind(kind: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        register(kind=kind)

    assert refused.value.field == "kind"


@pytest.mark.parametrize(("given", "kept"), [(1, True), (0, False), ("", False)])
def test_consent_is_stored_as_a_boolean(given: object, kept: bool) -> None:
    assert register(consent_to_contact=given).consent_to_contact is kept


def test_a_registered_participant_is_not_erased() -> None:
    register().require_not_erased()


def test_erasing_records_the_erasure() -> None:
    participant = register()
    participant.collect_events()
    erased_on = date(2024, 9, 1)

    participant.erase(erased_on, "staff:admin")

    [event] = participant.collect_events()
    assert isinstance(event, Participant.Erased)
    assert (event.occurred_on, event.actor) == (erased_on, "staff:admin")
    assert participant.erased is True


def test_an_erased_participant_refuses_new_attributions() -> None:
    participant = register()
    participant.erase(ON, ACTOR)

    with pytest.raises(ParticipantErasedError, match=str(participant.id)):
        participant.require_not_erased()


def test_erasing_twice_is_refused_and_records_nothing() -> None:
    participant = register()
    participant.erase(ON, ACTOR)
    participant.collect_events()

    with pytest.raises(ParticipantErasedError):
        participant.erase(ON, ACTOR)

    assert participant.collect_events() == []
    assert participant.erased is True


# --- contact points --------------------------------------------------------------------------


def test_designating_a_contact_point_records_name_district_and_date() -> None:
    point = ContactPoint.designate("  虹桥街道基层立法联系点 ", " 长宁区 ", ON, ACTOR)

    [event] = point.collect_events()
    assert isinstance(event, ContactPoint.Designated)
    assert (event.occurred_on, event.actor) == (ON, ACTOR)
    assert (point.name, point.district) == ("虹桥街道基层立法联系点", "长宁区")
    assert point.designated_on == ON


def test_a_name_of_exactly_the_limit_is_accepted() -> None:
    assert ContactPoint.designate("名" * MAX_TITLE, "长宁区", ON, ACTOR).name == "名" * MAX_TITLE


@pytest.mark.parametrize(
    ("name", "district", "field"),
    [
        ("", "长宁区", "name"),
        ("   ", "长宁区", "name"),
        ("名" * (MAX_TITLE + 1), "长宁区", "name"),
        ("虹桥街道", "", "district"),
        ("虹桥街道", " \t", "district"),
        ("虹桥街道", "区" * (MAX_TITLE + 1), "district"),
    ],
)
def test_designating_refuses_blank_or_over_long_values(
    name: str, district: str, field: str
) -> None:
    with pytest.raises(InvalidValueError) as refused:
        ContactPoint.designate(name, district, ON, ACTOR)

    assert refused.value.field == field


def test_erasing_before_the_day_registered_is_refused() -> None:
    participant = register(on=date(2024, 3, 1))
    participant.collect_events()

    with pytest.raises(DateOrderError) as refused:
        participant.erase(date(2024, 2, 29), ACTOR)

    assert refused.value.field == "on"
    assert not participant.erased and participant.collect_events() == []


def test_a_participant_registered_after_today_is_refused() -> None:
    participant = register(on=date(2024, 3, 2))

    with pytest.raises(FutureDateError):
        participant.require_dated_by(date(2024, 3, 1))
