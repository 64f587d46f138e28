"""The edge's response headers on a bare ASGI app: who wins, nothing doubled, log binding."""

from __future__ import annotations

import httpx
import structlog
from prometheus_client import REGISTRY
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from common.http_edge import API_CSP, SECURITY_HEADERS, SecurityHeadersMiddleware
from common.observability.metrics import MetricsMiddleware
from common.observability.request_context import RequestContextMiddleware

SERVICE = "edge_headers_test"


async def framed(request: Request) -> Response:
    return Response(b"{}", headers={"X-Frame-Options": "SAMEORIGIN", "X-Request-ID": "inner"})


async def logged_context(request: Request) -> Response:
    return JSONResponse(structlog.contextvars.get_contextvars())


async def broken(request: Request) -> Response:
    return Response(status_code=503)


def bare_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/framed", framed),
            Route("/context", logged_context),
            Route("/items/{item_id}", broken),
        ]
    )


def client(app: ASGIApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_security_header_the_response_sets_itself_wins_and_is_not_doubled() -> None:
    async with client(SecurityHeadersMiddleware(bare_app())) as http:
        response = await http.get("/framed")

    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    for name, value in SECURITY_HEADERS.items():
        if name != "x-frame-options":
            assert response.headers.get_list(name) == [value]
    assert response.headers.get_list("content-security-policy") == [API_CSP]


async def test_the_request_id_replaces_the_apps_own_and_is_bound_only_during_the_request() -> None:
    structlog.contextvars.bind_contextvars(request_id="outer")
    try:
        async with client(RequestContextMiddleware(bare_app())) as http:
            framed_response = await http.get("/framed", headers={"X-Request-ID": "req-12345678"})
            context = await http.get("/context", headers={"X-Request-ID": "req-87654321"})
        after = structlog.contextvars.get_contextvars()
    finally:
        structlog.contextvars.unbind_contextvars("request_id")

    assert framed_response.headers.get_list("x-request-id") == ["req-12345678"]
    assert context.json() == {"request_id": "req-87654321"}
    assert after == {"request_id": "outer"}  # the outer binding is restored


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, {"service": SERVICE, **labels}) or 0.0


async def test_every_request_is_counted_under_its_route_template_and_status() -> None:
    labels = {"method": "GET", "route": "/items/{item_id}", "status": "503"}
    before = _sample("moea_http_request_duration_seconds_count", **labels)
    errors_before = _sample("moea_http_server_errors_total", route="/items/{item_id}")

    async with client(MetricsMiddleware(bare_app(), service=SERVICE)) as http:
        for item in ("1", "2", "3"):
            await http.get(f"/items/{item}")

    assert _sample("moea_http_request_duration_seconds_count", **labels) == before + 3
    assert _sample("moea_http_server_errors_total", route="/items/{item_id}") == errors_before + 3
