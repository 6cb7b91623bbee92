"""Errors raised by the application service (the domain's own are in ``domain.errors``)."""

from __future__ import annotations

from domain.errors import DomainError


class NotFoundError(DomainError, LookupError):
    """No aggregate of the expected kind has that id."""


class ConflictError(DomainError):
    """Someone else changed the same aggregate at the same time; fetch again and retry."""
