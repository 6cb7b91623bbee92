"""Security headers on every answer: a strict Content-Security-Policy (no inline scripts or
styles anywhere), no MIME sniffing, no framing, no referrer leaks, HSTS over HTTPS; and
``Cache-Control: no-store`` on whatever a signed-in user was shown, so that Back after signing
out (or the next person at a shared computer) finds nothing private in the browser's cache."""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from web.middleware import HttpMiddleware

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        https = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                extra = [h for h in HEADERS if h[0] not in present]
                if https:
                    extra.append(HSTS)
                headers = list(message.get("headers", []))
                if signed_in(scope):
                    headers = [h for h in headers if h[0] != b"cache-control"] + [NO_STORE]
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, with_headers)


def signed_in(scope: Scope) -> bool:
    """Whether the handler found a signed-in user: ``request.state.user``, set by the pages'
    session (``web.pages.rendering.page_session``) and by the API's token check."""
    state = scope.get("state") or {}
    return state.get("user") is not None
