"""The shape every middleware of the site shares: pure ASGI, HTTP only."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class HttpMiddleware:
    """Pure ASGI middleware (no ``BaseHTTPMiddleware``: nothing is buffered or re-threaded).
    Anything but an HTTP request (lifespan, websockets) passes through untouched;
    subclasses say what they do to a request in ``handle``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError
