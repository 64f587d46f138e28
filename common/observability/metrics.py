"""Prometheus metrics labelled by route template (never the raw path: unbounded labels).

Multiprocess-safe: when ``PROMETHEUS_MULTIPROC_DIR`` is set (several uvicorn workers, or the
Kubernetes image), ``/metrics`` aggregates every worker's files.
"""

from __future__ import annotations

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_DURATION = Histogram(
    "moea_http_request_duration_seconds",
    "Time from request start to response start, by route template",
    ["service", "method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
REQUESTS_IN_ERROR = Counter(
    "moea_http_server_errors_total",
    "Responses with a 5xx status, by route template",
    ["service", "route"],
)
UNMATCHED_ROUTE = "<unmatched>"


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE


class MetricsMiddleware:
    """Pure ASGI: times each HTTP request and labels it after routing has matched."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                self._observe(scope, status, time.perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        except BaseException:
            self._observe(scope, status, time.perf_counter() - started)
            raise

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = route_template(scope)
        REQUEST_DURATION.labels(self.service, scope["method"], route, str(status)).observe(seconds)
        if status >= 500:
            REQUESTS_IN_ERROR.labels(self.service, route).inc()


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


async def metrics_endpoint(request: Request) -> Response:
    """The Prometheus exposition of this process (or of all workers, in multiprocess mode)."""
    return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)
