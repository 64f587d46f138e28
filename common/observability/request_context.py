"""Request ids: taken from ``X-Request-ID`` when sane, else minted; bound to every log line."""

from __future__ import annotations

import re
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import bind_contextvars, reset_contextvars

from common.asgi_headers import set_headers

REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID_HEADER = REQUEST_ID_HEADER.encode()
_SANE_ID = re.compile(r"^[A-Za-z0-9._\-]{8,64}$")


def request_id_of(scope: Scope) -> str | None:
    state = scope.get("state") or {}
    value = state.get("request_id")
    return value if isinstance(value, str) else None


class RequestContextMiddleware:
    """Pure ASGI: sets ``scope['state']['request_id']`` and echoes it on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or secrets.token_hex(16)
        scope.setdefault("state", {})["request_id"] = request_id
        echoed = ((_REQUEST_ID_HEADER, request_id.encode("latin-1")),)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                set_headers(message, echoed)
            await send(message)

        # Tokens rather than structlog's bound_contextvars: that one copies and scans the whole
        # context on every request; resetting the token restores the outer value just the same.
        tokens = bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            reset_contextvars(**tokens)


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == _REQUEST_ID_HEADER:
            candidate = value.decode("latin-1")
            return candidate if _SANE_ID.match(candidate) else None
    return None
