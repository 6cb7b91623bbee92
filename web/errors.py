"""Domain errors become the status codes API.md documents; never a 500 for bad input."""

from __future__ import annotations

from urllib.parse import quote

from eventsourcing.persistence import InterfaceError, OperationalError, PersistenceError
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import OperationalError as SQLAlchemyOperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from domain.errors import DomainError, InvalidValueError, MismatchError, UnknownArticleError
from liaison.errors import ConflictError, NotFoundError
from liaison.idempotency import StillRunningError
from liaison.rate_limits import RateLimitedError
from liaison.rights import ForbiddenError, HiddenError
from web.i18n import N_, language, translator
from web.pages.rendering import SignInRequired, page_session, render

STATUS = [
    (ForbiddenError, 403),
    (NotFoundError, 404),
    (InvalidValueError, 422),
    (UnknownArticleError, 422),
    (MismatchError, 422),
    (ConflictError, 409),
    (StillRunningError, 409),
    (RateLimitedError, 429),
    (DomainError, 409),  # wrong state and the rest of the domain's refusals
]


BUSY = (OperationalError, InterfaceError)  # lock timeouts, pool exhaustion, lost connections


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


def is_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


PAGE_TITLES = {
    400: N_("The request could not be understood"),
    403: N_("You may not open this page"),
    404: N_("Page not found"),
    405: N_("Page not found"),
    409: N_("This cannot be done now"),
    413: N_("What you sent is too large"),
    422: N_("Please check what you entered"),
    429: N_("Too many requests"),
    503: N_("The service is busy"),
}
PAGE_MESSAGES = {
    403: N_("Sign in with an account that may see it, or go back."),
    404: N_("The page or record you asked for does not exist."),
    429: N_("Please wait a minute and try again."),
    503: N_("Please try again in a moment. Nothing you sent was lost or recorded twice."),
}


async def page_error(
    request: Request, status_code: int, headers: dict[str, str] | None = None
) -> Response:
    """An error as a page in the reader's language, for people rather than programs."""
    session = await run_in_threadpool(page_session, request)
    _ = translator(language(request))
    title = PAGE_TITLES.get(status_code, N_("Something went wrong"))
    message = PAGE_MESSAGES.get(status_code, N_("Please go back and try again."))
    answer = render(
        request, "error.html", {"title": _(title), "message": _(message)}, status_code, session
    )
    if headers:
        answer.headers.update(headers)
    return answer


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def _sign_in(_request: Request, error: SignInRequired) -> Response:
        return RedirectResponse(f"{error.page}?next={quote(error.next_path)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = getattr(error, "headers", None)
        if error.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request)}
        if is_page(request):
            return await page_error(request, error.status_code, headers)
        return JSONResponse(
            {"detail": error.detail}, status_code=error.status_code, headers=headers
        )

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, error: DomainError) -> Response:
        if isinstance(error, ForbiddenError):
            await run_in_threadpool(audit_denial, request, str(error))
        if isinstance(error, HiddenError):
            await run_in_threadpool(audit_denial, request, "another contact point's record")
        if is_page(request):
            return await page_error(request, status_of(error))
        headers = {"Retry-After": "1"} if isinstance(error, StillRunningError) else None
        if isinstance(error, RateLimitedError):
            headers = {"Retry-After": str(error.retry_after)}
        return JSONResponse({"detail": str(error)}, status_code=status_of(error), headers=headers)

    @app.exception_handler(PersistenceError)
    @app.exception_handler(SQLAlchemyOperationalError)
    @app.exception_handler(PoolTimeoutError)
    async def _busy(request: Request, error: Exception) -> Response:
        """The store is locked by another writer past the lock timeout, unreachable, or every
        pooled connection is in use: say so and when to retry; nothing was acknowledged, so
        nothing is lost."""
        if isinstance(error, PersistenceError) and not isinstance(error, BUSY):
            raise error
        if is_page(request):
            return await page_error(request, 503, {"Retry-After": "2"})
        return JSONResponse(
            {"detail": "the database is busy; please retry"},
            status_code=503,
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        """Malformed JSON is a bad request (400); a well-formed body with a bad field is 422."""
        if is_page(request):
            return await page_error(request, 404 if _in_path(error) else 400)
        errors = error.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse({"detail": "malformed JSON body"}, status_code=400)
        if _in_path(error) and (fixed := _fixed_address_methods(request)):
            # GET /drafts/preview: a fixed address of another method, not a malformed id
            return JSONResponse(
                {"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": fixed}
            )
        return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


def allowed_methods(request: Request) -> str:
    """Every method the address answers to. Starlette's own 405 names only the methods of the
    first route with that path, though GET and POST of one address are separate routes."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if route.matches(request.scope)[0] is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def _fixed_address_methods(request: Request) -> str:
    """The methods of a route whose address has no parameters and is exactly this one, when
    the request's method is not among them (a parameterised route took the address instead)."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):  # included routers flattened
        path = getattr(route, "path", "")
        if "{" not in path and route.matches(request.scope)[0] is Match.PARTIAL:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def _in_path(error: RequestValidationError) -> bool:
    """A malformed id in a page's address is a page that does not exist."""
    return any(e.get("loc", ("",))[0] == "path" for e in error.errors())
