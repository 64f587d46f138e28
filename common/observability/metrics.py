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
UNHANDLED_EXCEPTIONS = Counter(
    "moea_http_unhandled_exceptions_total",
    "Requests ended by an exception no handler took (bugs, not outages), by exception class",
    ["service", "route", "exception"],
)
UNMATCHED_ROUTE = "<unmatched>"
# Clients choose the method: any other token would be an unbounded label of their making.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "OTHER"


def route_template(scope: Scope, outer_route: object = None) -> str:
    """The template of the route this app matched; ``outer_route`` is what a parent app had
    matched (its Mount) before this app saw the request, which is not a match of ours."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if route is outer_route or not isinstance(path, str):
        return UNMATCHED_ROUTE
    return path


def method_label(scope: Scope) -> str:
    method = scope["method"]
    return method if method in KNOWN_METHODS else OTHER_METHOD


class MetricsMiddleware:
    """Pure ASGI: times each HTTP request and labels it after routing has matched."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service
        # prometheus_client's labels() validates and locks on every call; the label sets are
        # bounded (route templates, known methods, statuses), so their children are kept here.
        self._durations: dict[tuple[str, str, int], Histogram] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        outer_route = scope.get("route")
        observed = False

        def observe(status: int) -> None:
            nonlocal observed
            if not observed:  # once: an error after the response started is not a 2nd request
                observed = True
                self._observe(scope, outer_route, status, time.perf_counter() - started)

        async def send_and_record(message: Message) -> None:
            if message["type"] == "http.response.start":
                observe(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        except BaseException:
            observe(500)
            raise

    def _observe(self, scope: Scope, outer_route: object, status: int, seconds: float) -> None:
        route = route_template(scope, outer_route)
        self._duration(method_label(scope), route, status).observe(seconds)
        if status >= 500:
            REQUESTS_IN_ERROR.labels(self.service, route).inc()

    def _duration(self, method: str, route: str, status: int) -> Histogram:
        labels = (method, route, status)
        child = self._durations.get(labels)
        if child is None:
            child = REQUEST_DURATION.labels(self.service, method, route, str(status))
            self._durations[labels] = child
        return child


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


async def metrics_endpoint(request: Request) -> Response:
    """The Prometheus exposition of this process (or of all workers, in multiprocess mode)."""
    return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)
