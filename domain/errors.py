"""Named errors raised by domain commands; the web layer maps them to status codes."""

from __future__ import annotations


class DomainError(Exception):
    """A command broke a rule of the domain."""


class InvalidValueError(DomainError, ValueError):
    """A field's value is not acceptable (blank, too long, unknown choice, bad date)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotAskedError(InvalidValueError):
    """Opinions or a session on a draft from a contact point the draft was not sent to."""


class DateOrderError(InvalidValueError):
    """A business date before the start of what the command acts on: business dates run
    forward, so nothing happens to a record before it was received, scheduled or registered."""


class FutureDateError(InvalidValueError):
    """A business date after today in the contact points' time zone."""


class WrongStateError(DomainError):
    """The aggregate is not in a state that allows this command."""


class UnknownArticleError(DomainError):
    """The draft has no article with that number."""


class ConsultationOverError(WrongStateError):
    """A public comment after the end of the draft's deadline day."""


class SessionCancelledError(WrongStateError):
    """Attendance or suggestions for a cancelled session."""


class DraftClosedError(WrongStateError):
    """Opinions taken at a session held after its draft was closed."""


class NotReportedError(WrongStateError):
    """An outcome for a suggestion that was never reported."""


class ParticipantErasedError(WrongStateError):
    """The participant's personal data was erased; nothing new may be attributed to them."""


class MismatchError(DomainError):
    """Things that must belong together do not (another draft, another contact point)."""
