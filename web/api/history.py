"""A suggestion's history as the API answers it (``GET /suggestions/{id}/history``).

Each event class is listed with the name the API gives it and the fields it shows, so a
renamed class, or a field added to an event (a sealed name, say), cannot change the answer
unnoticed: the name is written here, not read from the class, and only listed fields show.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

from domain.base import LiaisonAggregate
from domain.suggestion import Suggestion

EventType = Literal[
    "Suggestion.Received",
    "Suggestion.Revised",
    "Suggestion.Accepted",
    "Suggestion.Rejected",
    "Suggestion.Merged",
    "Suggestion.Absorbed",
    "Suggestion.RejectionWithdrawn",
    "Suggestion.Unmerged",
    "Suggestion.Released",
    "Suggestion.Reported",
    "Suggestion.OutcomeRecorded",
    "Suggestion.FedBack",
    "Suggestion.FedBackAsMerged",
]

# event class → (its name in the API, the fields shown as ``data``); never sealed_name/phone
SHOWN: dict[type[LiaisonAggregate.Event], tuple[EventType, tuple[str, ...]]] = {
    Suggestion.Received: (
        "Suggestion.Received",
        (
            "contact_point_id",
            "draft_id",
            "draft_version",
            "article",
            "content",
            "channel",
            "participant_id",
            "session_id",
            "receipt",
        ),
    ),
    Suggestion.Revised: ("Suggestion.Revised", ("content",)),
    Suggestion.Accepted: ("Suggestion.Accepted", ()),
    Suggestion.Rejected: ("Suggestion.Rejected", ("reason",)),
    Suggestion.Merged: ("Suggestion.Merged", ("into",)),
    Suggestion.Absorbed: ("Suggestion.Absorbed", ("suggestion_id",)),
    Suggestion.RejectionWithdrawn: ("Suggestion.RejectionWithdrawn", ("reason",)),
    Suggestion.Unmerged: ("Suggestion.Unmerged", ("from_id", "status", "reason")),
    Suggestion.Released: ("Suggestion.Released", ("suggestion_id", "reason")),
    Suggestion.Reported: ("Suggestion.Reported", ("report_id",)),
    Suggestion.OutcomeRecorded: (
        "Suggestion.OutcomeRecorded",
        ("outcome", "final_article", "note"),
    ),
    Suggestion.FedBack: ("Suggestion.FedBack", ("message",)),
    Suggestion.FedBackAsMerged: ("Suggestion.FedBackAsMerged", ("into", "outcome", "message")),
}


class HistoryItem(BaseModel):
    position: int | None
    type: EventType
    at: datetime
    occurred_on: date
    actor: str
    data: dict[str, Any]


def history_item(event: Any, position: int | None) -> HistoryItem:
    """One event of a suggestion's history, at its position in the log (None if not yet
    chained)."""
    name, fields = SHOWN[type(event)]
    return HistoryItem(
        position=position,
        type=name,
        at=event.timestamp,
        occurred_on=event.occurred_on,
        actor=event.actor,
        data={field: getattr(event, field) for field in fields},
    )
