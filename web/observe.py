"""Each request gets an id (``X-Request-Id``), a log line and its place in the metrics.

Metrics use prometheus-client. Requests, their latency and comments accepted are counted in
the process that served them; under ``liaison serve --workers N`` the library's
multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, set by ``serve``) sums them over the
workers, whichever worker is scraped. The log's size, the read models' position and lag are
not counted at all: they are read from the database at scrape time (``web.ops``), so every
worker reports the same.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from prometheus_client import Counter, Histogram, values
from starlette.types import Message, Receive, Scope, Send

from liaison.logs import request_id
from web.middleware import HttpMiddleware

log = logging.getLogger("liaison.requests")

REQUESTS = Counter(
    "liaison_http_requests",
    "HTTP requests answered, by method, route template and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "liaison_http_request_duration_seconds",
    "Seconds from a request's arrival to the end of its answer, by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
COMMENTS = Counter(
    "liaison_comments_accepted", "Public comments accepted (answered with a receipt)"
)
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")


def multiprocess() -> bool:
    """Whether the library counts in files shared by the workers (it decides at import)."""
    return values.ValueClass is not values.MutexValue


class Observe(HttpMiddleware):
    """Outermost: the id is set before anything logs, and the time and status are those
    the client sees."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _GIVEN_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", rid.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _template(scope)
            method = scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            log.info(
                "%s %s %d %.1f ms",
                method,
                route,
                status,
                elapsed * 1000,
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            request_id.reset(token)


def _template(scope: Scope) -> str:
    """The matched route's path template (``/api/v1/drafts/{draft_id}``), never the path
    itself: ids in paths would make a series per record."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    if scope.get("path", "").startswith("/static/"):
        return "/static"
    return "unmatched"
