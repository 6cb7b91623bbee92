"""Domain errors become the status codes API.md documents; never a 500 for bad input."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from domain.errors import DomainError, InvalidValueError, MismatchError, UnknownArticleError
from liaison.errors import ConflictError, NotFoundError
from liaison.idempotency import StillRunningError
from web.auth import Denied, HiddenError

STATUS = [
    (NotFoundError, 404),
    (InvalidValueError, 422),
    (UnknownArticleError, 422),
    (MismatchError, 422),
    (ConflictError, 409),
    (StillRunningError, 409),
    (DomainError, 409),  # wrong state and the rest of the domain's refusals
]


def status_of(error: DomainError) -> int:
    return next(code for kind, code in STATUS if isinstance(error, kind))


def audit_denial(request: Request, detail: str) -> None:
    user = getattr(request.state, "user", None)
    request.app.state.liaison.audit.record(
        user.username if user else "anonymous",
        "denied",
        f"{request.method} {request.url.path}: {detail}",
        outcome="refused",
        address=client_address(request),
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Denied)
    async def _denied(request: Request, error: Denied) -> JSONResponse:
        await run_in_threadpool(audit_denial, request, str(error.detail))
        return JSONResponse({"detail": error.detail}, status_code=403)

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, error: DomainError) -> JSONResponse:
        if isinstance(error, HiddenError):
            await run_in_threadpool(audit_denial, request, "another contact point's record")
        headers = {"Retry-After": "1"} if isinstance(error, StillRunningError) else None
        return JSONResponse({"detail": str(error)}, status_code=status_of(error), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        """Malformed JSON is a bad request (400); a well-formed body with a bad field is 422."""
        errors = error.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse({"detail": "malformed JSON body"}, status_code=400)
        return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)
