"""Typed dependencies shared by routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection

from liaison.bootstrap import Liaison


async def get_liaison(request: Request) -> Liaison:
    """Async, though it awaits nothing: FastAPI runs a plain function dependency in its
    thread pool, a hop per request for one attribute."""
    return request.app.state.liaison  # type: ignore[no-any-return]


def get_connection(liaison: Annotated[Liaison, Depends(get_liaison)]) -> Iterator[Connection]:
    with liaison.engine.connect() as conn:
        yield conn


LiaisonDep = Annotated[Liaison, Depends(get_liaison)]
ReadDep = Annotated[Connection, Depends(get_connection)]
