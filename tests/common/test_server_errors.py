"""An exception no handler takes still leaves through the edge: a 500 problem with the security
headers and request id of any other response, logged once with its traceback, and counted."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.app_factory import ServiceDefinition, create_service_app
from common.database import ServiceRouter, SessionDep
from common.errors import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE
from common.http_edge import API_CSP, SECURITY_HEADERS
from common.settings import ServiceSettings
from tax_exemption.models import platform_tables
from tests.common.edge_app import (
    edge_client,
    record,
    row_counts,
)

SERVICE = "server_errors_test"
SECRET = "dsn=postgresql://admin:hunter2@db"  # what an exception message may carry
BOOM_ROUTE = "/boom/{item}"

router = ServiceRouter()


@router.get(BOOM_ROUTE)
async def boom(item: str) -> None:
    raise RuntimeError(f"cannot reach {SECRET} for {item}")


@router.post("/write-then-boom")
async def write_then_boom(session: SessionDep) -> None:
    await session.execute(insert(record).values(business_id="04595257", name="x", qty=1))
    raise KeyError(SECRET)


@router.get("/bad-query")
async def bad_query(session: SessionDep) -> None:
    await session.execute(text("SELECT secret_column FROM no_such_table"))


def _create_app(overrides: dict[str, Any]) -> FastAPI:
    definition = ServiceDefinition(
        name=SERVICE,
        title="server error test",
        description="a scratch app whose routes raise",
        settings=ServiceSettings(**overrides),
        tables=platform_tables,
        routers=[router],
    )
    return create_service_app(definition)


@pytest.fixture
async def client(
    settings_overrides: dict[str, Any], scratch: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    async with edge_client(settings_overrides, _create_app(settings_overrides)) as client:
        yield client


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, {"service": SERVICE, **labels}) or 0.0


async def test_an_unhandled_exception_is_a_500_problem_through_the_edge(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/boom/7", headers={"X-Request-ID": "req-boom-0001"})

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.headers.get_list("x-request-id") == ["req-boom-0001"]
    for name, value in {**SECURITY_HEADERS, "content-security-policy": API_CSP}.items():
        assert response.headers.get_list(name) == [value]
    assert response.json() == {
        "type": PROBLEM_TYPE_BASE + "internal-error",
        "title": "Internal Server Error",
        "status": 500,
        "instance": "/boom/7",
        "request_id": "req-boom-0001",
    }


async def test_a_500_leaks_neither_the_exception_nor_its_traceback(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/boom/7")
    assert response.status_code == 500
    for leak in ("hunter2", "RuntimeError", "Traceback", "test_server_errors"):
        assert leak not in response.text
    assert response.json()["request_id"] == response.headers["x-request-id"]  # a minted one


async def test_a_500_is_logged_once_with_its_traceback_and_request_id(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    response = await client.get("/boom/7", headers={"X-Request-ID": "req-boom-0002"})
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines() if line.startswith("{")]
    errors = [line for line in lines if line.get("level") == "error"]

    assert response.status_code == 500
    assert len(errors) == 1, errors
    assert errors[0]["request_id"] == "req-boom-0002"
    assert "RuntimeError: cannot reach" in errors[0]["exception"]
    assert "Traceback" in errors[0]["exception"]
    assert "Traceback" not in captured.err  # nothing re-raised for the server to log again


async def test_a_500_is_counted_under_its_route_template(client: httpx.AsyncClient) -> None:
    labels = {"method": "GET", "route": BOOM_ROUTE, "status": "500"}
    before = _sample("moea_http_request_duration_seconds_count", **labels)
    errors_before = _sample("moea_http_server_errors_total", route=BOOM_ROUTE)
    unhandled = {"route": BOOM_ROUTE, "exception": "RuntimeError"}
    unhandled_before = _sample("moea_http_unhandled_exceptions_total", **unhandled)

    for item in ("1", "2"):
        assert (await client.get(f"/boom/{item}")).status_code == 500

    assert _sample("moea_http_request_duration_seconds_count", **labels) == before + 2
    assert _sample("moea_http_server_errors_total", route=BOOM_ROUTE) == errors_before + 2
    assert _sample("moea_http_unhandled_exceptions_total", **unhandled) == unhandled_before + 2


async def test_a_write_that_raises_is_a_500_and_leaves_nothing_behind(
    client: httpx.AsyncClient, scratch: AsyncEngine
) -> None:
    response = await client.post("/write-then-boom")

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert "hunter2" not in response.text
    assert await row_counts(scratch) == (0, 0)


async def test_a_database_error_that_is_a_bug_is_a_500_from_the_boundary(
    client: httpx.AsyncClient,
) -> None:
    """Not a client's bad value (422), not an outage (503): an undefined table is our bug."""
    unhandled = {"route": "/bad-query", "exception": "ProgrammingError"}
    before = _sample("moea_http_unhandled_exceptions_total", **unhandled)

    response = await client.get("/bad-query", headers={"X-Request-ID": "req-boom-0003"})

    assert response.status_code == 500
    assert response.json()["request_id"] == "req-boom-0003"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "no_such_table" not in response.text
    assert _sample("moea_http_unhandled_exceptions_total", **unhandled) == before + 1
