"""The error boundary: an exception no handler took becomes a 500 problem inside the edge.

Starlette renders such an exception in its ``ServerErrorMiddleware``, outside every middleware
an app adds: that 500 would carry neither the request id nor the security headers, and the
exception, re-raised, would be logged a second time by the server. This pure-ASGI middleware
sits inside the request-id, metrics, security-header and CORS middleware (see
``create_service_app``) and around authentication, rate limits and routing. What escapes them
is logged once, with its traceback and the request id, counted by exception class, and answered
with a problem that names the request id and nothing of the exception.

A deliberate error raised outside the routes (a ``ProblemError`` or ``HTTPException``, e.g. a
body past its limit) keeps its own status. If the response had already started (a streamed
body failing midway) nothing more can be sent: the error is logged and counted, and the server
closes the incomplete response.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.errors import (
    ProblemError,
    deliberate_problem,
    internal_error_response,
    log_unhandled,
)
from common.observability.metrics import UNHANDLED_EXCEPTIONS, route_template

__all__ = ["ErrorBoundaryMiddleware"]


class ErrorBoundaryMiddleware:
    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        outer_route = scope.get("route")
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if not started and isinstance(exc, ProblemError | HTTPException):
                await deliberate_problem(exc, scope["path"])(scope, receive, send)
                return
            log_unhandled(scope, exc)
            route = route_template(scope, outer_route)
            UNHANDLED_EXCEPTIONS.labels(self.service, route, type(exc).__name__).inc()
            if not started:
                await internal_error_response(scope)(scope, receive, send)
