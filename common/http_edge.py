"""The HTTP edge every service shares: security headers and request body limits (pure ASGI)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.asgi_headers import add_missing_headers, encode_headers
from common.errors import problem_response

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "strict-transport-security": "max-age=63072000; includeSubDomains",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
# APIs answer JSON only; the docs page is the one HTML page and needs its own script and styles.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'"
)


_API_HEADERS = encode_headers({**SECURITY_HEADERS, "content-security-policy": API_CSP})
_DOCS_HEADERS = encode_headers({**SECURITY_HEADERS, "content-security-policy": DOCS_CSP})


class SecurityHeadersMiddleware:
    """Adds the security headers a response does not set itself (encoded once, not per request)."""

    def __init__(self, app: ASGIApp, *, docs_path: str = "/docs") -> None:
        self.app = app
        self.docs_path = docs_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Exactly this app's docs page (root_path is the mount prefix in the all-in-one app):
        # any other path ending in /docs is an API path and keeps the strict policy.
        is_docs = scope["path"] == scope.get("root_path", "") + self.docs_path
        headers = _DOCS_HEADERS if is_docs else _API_HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_missing_headers(message, headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised inside receive() when a streamed body passes the limit.

    An HTTPException on purpose: FastAPI turns any other error raised while it reads the body
    into a 400, while an HTTPException reaches the problem handlers as the 413 it is.
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, detail=f"request body is larger than {max_bytes} bytes")


class BodySizeLimitMiddleware:
    """413 before reading a declared oversize body; stops a streamed one at the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._reject(scope, receive, send)
            return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not response_started:
                await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"request body is larger than {self.max_bytes} bytes"
        response = problem_response(413, detail=detail, instance=scope["path"])
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
