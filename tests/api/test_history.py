"""A suggestion's history and its receipt's steps: named and shaped as API.md says, with no
sealed personal data, whatever the event classes are called."""

from __future__ import annotations

from datetime import date
from typing import Any, get_args
from uuid import UUID

from domain.suggestion import STATUS_AFTER, Suggestion
from liaison.rights import operator
from tests.api.conftest import World
from web.api.history import SHOWN, EventType

NAME, PHONE = "李建国", "13812345678"


def _lifecycle(w: World) -> tuple[str, str]:
    """A public comment with a name and a phone, taken through every step to feedback, and a
    duplicate folded into it: (its id, its receipt)."""
    draft = w.new_draft()
    answer = w.comment(draft["id"], article=2, content="建议写明保存期限", name=NAME, phone=PHONE)
    app = w.liaison.app
    said = app.receipts.find(answer["receipt"])
    assert said is not None
    duplicate = app.record_suggestion(
        UUID(w.cp_a), UUID(draft["id"]), "同上", "letter", operator("s")
    )
    app.merge_suggestion(duplicate.id, said, operator("s"))
    app.revise_suggestion(said, "建议第二条写明保存期限", operator("s"))
    app.screen_suggestion(said, "reject", operator("s"), reason="待核实")
    app.screen_suggestion(said, "accept", operator("s"))
    app.submit_report(UUID(w.cp_a), UUID(draft["id"]), [said], date(2021, 3, 15), operator("s"))
    app.record_outcome(
        said, "partially_adopted", operator("congress"), final_article=2, note="部分采纳"
    )
    app.send_feedback(said, "您的建议已部分采纳。", operator("s"))
    return str(said), answer["receipt"]


def test_the_history_names_each_event_and_shows_only_its_documented_fields(world: World) -> None:
    said, _receipt = _lifecycle(world)

    history = world.ok(world.get("staff_a", f"/api/v1/suggestions/{said}/history"))

    assert all(
        set(item) == {"position", "type", "at", "occurred_on", "actor", "data"} for item in history
    )
    assert [(item["type"], sorted(item["data"])) for item in history] == [
        (
            "Suggestion.Received",
            sorted(
                [
                    "contact_point_id",
                    "draft_id",
                    "draft_version",
                    "article",
                    "content",
                    "channel",
                    "participant_id",
                    "session_id",
                    "receipt",
                ]
            ),
        ),
        ("Suggestion.Absorbed", ["suggestion_id"]),
        ("Suggestion.Revised", ["content"]),
        ("Suggestion.Rejected", ["reason"]),
        ("Suggestion.Accepted", []),
        ("Suggestion.Reported", ["report_id"]),
        ("Suggestion.OutcomeRecorded", ["final_article", "note", "outcome"]),
        ("Suggestion.FedBack", ["message"]),
    ]
    received, outcome = history[0]["data"], history[-2]["data"]
    assert (received["content"], received["article"], received["channel"]) == (
        "建议写明保存期限",
        2,
        "online",
    )
    assert outcome == {"outcome": "partially_adopted", "final_article": 2, "note": "部分采纳"}
    assert [item["actor"] for item in history[-2:]] == ["congress", "s"]
    positions = [item["position"] for item in history]
    assert None not in positions and positions == sorted(positions)


def test_the_history_holds_no_sealed_or_plain_personal_data(world: World) -> None:
    said, _receipt = _lifecycle(world)

    text = str(world.ok(world.get("congress", f"/api/v1/suggestions/{said}/history")))

    assert "sealed" not in text
    assert NAME not in text and PHONE not in text and "5678" not in text


def test_the_receipt_lists_each_status_the_suggestion_passed_through(world: World) -> None:
    _said, receipt = _lifecycle(world)

    followed = world.ok(world.client.get(f"/api/v1/public/receipts/{receipt}"))

    assert [step["status"] for step in followed["history"]] == [
        "received",
        "rejected",
        "accepted",
        "reported",
        "partially_adopted",
        "fed_back",
    ]
    assert followed["status"] == "fed_back"


def _event_classes() -> set[type[Any]]:
    nested = {
        c
        for c in vars(Suggestion).values()
        if isinstance(c, type) and issubclass(c, Suggestion.Event)
    }
    return nested - {Suggestion.Event, Suggestion.Created}  # the library's bases


def test_every_event_of_a_suggestion_has_a_history_entry_naming_its_stored_class() -> None:
    # a renamed class fails here: its stored topic changes, which needs a registered topic
    assert set(SHOWN) == _event_classes()
    assert {cls: name for cls, (name, _fields) in SHOWN.items()} == {
        cls: cls.__qualname__ for cls in SHOWN
    }
    assert sorted(name for name, _fields in SHOWN.values()) == sorted(get_args(EventType))


def test_the_history_shows_only_fields_the_events_have_and_never_sealed_ones() -> None:
    for cls, (_name, fields) in SHOWN.items():
        own = set(cls.__dataclass_fields__)
        assert set(fields) <= own, cls
        assert not any(field.startswith("sealed") for field in fields), cls
    assert {"sealed_name", "sealed_phone"} <= set(Suggestion.Received.__dataclass_fields__)
    assert set(STATUS_AFTER) <= set(SHOWN)
