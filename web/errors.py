"""Domain errors become the status codes API.md documents; never a 500 for bad input."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from domain.errors import DomainError, InvalidValueError, MismatchError, UnknownArticleError
from liaison.errors import ConflictError, NotFoundError

STATUS = [
    (NotFoundError, 404),
    (InvalidValueError, 422),
    (UnknownArticleError, 422),
    (MismatchError, 422),
    (ConflictError, 409),
    (DomainError, 409),  # wrong state and the rest of the domain's refusals
]


def status_of(error: DomainError) -> int:
    return next(code for kind, code in STATUS if isinstance(error, kind))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, error: DomainError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=status_of(error))
