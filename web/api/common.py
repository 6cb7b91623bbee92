"""What every API router shares: the documented error answers and small helpers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict


class FromRecord(BaseModel):
    """An answer read off a record's attributes of the same names (an aggregate, a row)."""

    model_config = ConfigDict(from_attributes=True)


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


MAX_POSITION = 2**63 - 1
"""Ids and positions are 64-bit in every database: a larger number is refused, not a 500."""


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})")


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD``, as documented: pydantic alone also takes ``0`` (a Unix time)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        return value
    raise ValueError("must be a date as YYYY-MM-DD")


def _iso_datetime(value: Any) -> Any:
    """Only ISO 8601 with an offset, as documented (not a number, not a local time)."""
    if isinstance(value, datetime) or (isinstance(value, str) and _DATETIME.fullmatch(value)):
        return value
    raise ValueError("must be a time in ISO 8601 with an offset, e.g. 2021-03-05T14:00:00+08:00")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_datetime)]


def aware(moment: datetime, zone: tzinfo = UTC) -> datetime:
    """A time with its offset; one stored without (SQLite, older events) is in ``zone``."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
