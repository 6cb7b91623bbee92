"""The application service: one method per command of the HTTP API.

Each command fetches aggregates, calls one domain command, and saves every changed
aggregate in one transaction. Reads of single aggregates live here too; views across
many aggregates are read models (``projections``).
"""

from __future__ import annotations

from liaison.commands.admission import AdmissionCommands
from liaison.commands.batch import BatchCommands
from liaison.commands.contact_points import ContactPointCommands
from liaison.commands.decisions import DecisionCommands
from liaison.commands.drafts import DraftCommands
from liaison.commands.feedback import FeedbackCommands
from liaison.commands.participants import ParticipantCommands
from liaison.commands.sessions import SessionCommands
from liaison.commands.suggestions import SuggestionCommands

__all__ = ["LiaisonApplication"]


class LiaisonApplication(
    BatchCommands,
    AdmissionCommands,
    ContactPointCommands,
    DecisionCommands,
    DraftCommands,
    FeedbackCommands,
    ParticipantCommands,
    SessionCommands,
    SuggestionCommands,
):
    name = "Liaison"
