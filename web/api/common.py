"""What every API router shares: the documented error answers and small helpers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel


class ErrorOut(BaseModel):
    detail: Any


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("Bad request (malformed JSON)"),
    401: _error("Not signed in"),
    403: _error("Signed in but not allowed"),
    404: _error("Unknown id"),
    409: _error("Wrong state, or a concurrent change"),
    413: _error("Body too large"),
    422: _error("Invalid field"),
    429: _error("Too many requests"),
    503: _error("The database is busy; retry after Retry-After seconds"),
}


def uuid_or_none(value: str | None) -> UUID | None:
    return UUID(value) if value else None
