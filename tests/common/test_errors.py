"""Every error leaves as RFC 9457 problem+json, and bad input is a 4xx that changes nothing.

The edge app's routes write real rows; each bad request is checked for its problem response
and for the row counts it must leave unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from common.errors import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPE_BASE,
    BadRequest,
    Conflict,
    FieldProblem,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    ProblemError,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    UnprocessableContent,
    problem_response,
)
from tests.common.edge_app import (
    edge_client,
    row_counts,
)

FIRM = "04595257"
INT64_MAX = 2**63 - 1


@pytest.fixture
async def client(
    settings_overrides: dict[str, Any], scratch: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    async with edge_client(settings_overrides) as client:
        yield client


@pytest.fixture
def firm(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('firm', business_id=FIRM)}"}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith(PROBLEM_TYPE_BASE)
    assert body["title"]
    assert body["instance"] == response.request.url.path
    return body


def assert_field_errors(body: dict[str, Any], loc_prefix: list[str | int]) -> None:
    errors = body["errors"]
    assert errors, body
    for error in errors:
        assert set(error) == {"loc", "msg", "type"}
        assert isinstance(error["msg"], str)
        assert error["msg"]
        assert isinstance(error["type"], str)
    assert any(error["loc"][: len(loc_prefix)] == loc_prefix for error in errors), errors


# --- The error tree renders as problem documents ------------------------------------------


@pytest.mark.parametrize(
    ("error", "status", "slug"),
    [
        (BadRequest(), 400, "bad-request"),
        (Unauthorized(), 401, "unauthorized"),
        (Forbidden(), 403, "forbidden"),
        (NotFound(), 404, "not-found"),
        (Conflict(), 409, "conflict"),
        (PreconditionFailed(), 412, "precondition-failed"),
        (PayloadTooLarge(), 413, "payload-too-large"),
        (UnprocessableContent(), 422, "unprocessable-content"),
        (PreconditionRequired(), 428, "precondition-required"),
        (TooManyRequests(7), 429, "too-many-requests"),
        (ServiceUnavailable(), 503, "service-unavailable"),
    ],
)
def test_each_problem_error_has_its_status_and_type(
    error: ProblemError, status: int, slug: str
) -> None:
    assert error.status == status
    response = problem_response(error.status, detail=error.detail, headers=error.headers)
    assert response.status_code == status
    assert response.media_type == PROBLEM_MEDIA_TYPE
    assert bytes(response.body).startswith(b"{")
    assert f'"type":"{PROBLEM_TYPE_BASE}{slug}"'.encode() in response.body


def test_error_headers() -> None:
    assert Unauthorized().headers == {"WWW-Authenticate": "Bearer"}
    assert TooManyRequests(0).headers == {"Retry-After": "1"}
    assert TooManyRequests(30).headers == {"Retry-After": "30"}


def test_unknown_status_gets_a_generic_type() -> None:
    response = problem_response(418)
    assert b"/problems/http-error" in response.body


def test_field_problems_render_as_errors() -> None:
    problem = FieldProblem(loc=["body", "qty"], msg="too big", type="less_than_equal")
    response = problem_response(422, errors=[problem])
    assert b'"errors":[{"loc":["body","qty"],"msg":"too big","type":"less_than_equal"}]' in (
        response.body
    )


# --- Routing errors ---------------------------------------------------------------------------


async def test_unknown_path_is_a_404_problem(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/no/such/path"), 404)


async def test_wrong_method_is_a_405_problem_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/records/-/tickets")
    assert_problem(response, 405)
    assert "POST" in response.headers["allow"]


# --- Bad input: 4xx problem, nothing written --------------------------------------------------


async def test_a_good_request_writes_one_row(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine
) -> None:
    """The control for the bad-input tests below: the same route does write."""
    response = await client.post("/records", json={"name": "ok", "qty": INT64_MAX}, headers=firm)
    assert response.status_code == 201, response.text
    assert response.json()["qty"] == INT64_MAX
    assert await row_counts(scratch) == (1, 0)


@pytest.mark.parametrize(
    "content",
    [
        b'{"name": "x", "qty": ',
        b"{'name': 'x'}",
        b"\xff\xfe\x00garbage",
        b'{"name": "x", "qty": NaN}',
        b"[" * 10_000 + b"]" * 10_000,
    ],
    ids=["truncated", "single-quotes", "not-utf8", "nan", "deeply-nested"],
)
async def test_invalid_json_is_a_4xx_problem(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine, content: bytes
) -> None:
    headers = {**firm, "Content-Type": "application/json"}
    response = await client.post("/records", content=content, headers=headers)
    assert response.status_code in (400, 422), response.text
    assert_problem(response, response.status_code)
    assert await row_counts(scratch) == (0, 0)


async def test_validation_errors_carry_loc_msg_type(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine
) -> None:
    response = await client.post("/records", json={"name": 5, "qty": "many"}, headers=firm)
    body = assert_problem(response, 422)
    assert_field_errors(body, ["body", "qty"])
    assert_field_errors(body, ["body", "name"])
    assert await row_counts(scratch) == (0, 0)


@pytest.mark.parametrize("name", ["nul\\u0000byte", "\\u0000", "lone \\ud800 surrogate", "\\udfff"])
async def test_unstorable_text_in_a_body_is_a_422_naming_the_field(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine, name: str
) -> None:
    """``name`` is JSON string source: the escapes reach the server as sent."""
    response = await client.post(
        "/records",
        content=f'{{"name": "{name}", "qty": 1}}'.encode(),
        headers={**firm, "Content-Type": "application/json"},
    )
    body = assert_problem(response, 422)
    assert_field_errors(body, ["body", "name"])
    assert await row_counts(scratch) == (0, 0)


@pytest.mark.parametrize("qty", [2**63, -(2**63) - 1, 10**40])
async def test_integer_past_int64_in_a_body_is_a_422_naming_the_field(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine, qty: int
) -> None:
    response = await client.post("/records", json={"name": "x", "qty": qty}, headers=firm)
    body = assert_problem(response, 422)
    assert_field_errors(body, ["body", "qty"])
    assert await row_counts(scratch) == (0, 0)


@pytest.mark.parametrize("path", ["/records/9223372036854775808", "/records/-/by-qty/1e400"])
async def test_integer_past_int64_in_a_path_is_a_422(
    client: httpx.AsyncClient, firm: dict[str, str], path: str
) -> None:
    body = assert_problem(await client.get(path, headers=firm), 422)
    assert_field_errors(body, ["path"])


async def test_int64_bounds_in_a_path_are_accepted(client: httpx.AsyncClient) -> None:
    for qty in (INT64_MAX, -(2**63)):
        response = await client.get(f"/records/-/by-qty/{qty}")
        assert response.status_code == 200, response.text
        assert response.json() == []


@pytest.mark.parametrize("query", ["q=a%00b", "q=%00"])
async def test_nul_in_a_query_string_is_a_422_naming_the_parameter(
    client: httpx.AsyncClient, query: str
) -> None:
    body = assert_problem(await client.get(f"/records/-/search?{query}"), 422)
    assert_field_errors(body, ["query", "q"])


# --- The safety net: what slips past the edge types still never becomes a 5xx ---------------


async def test_nul_reaching_postgresql_in_a_query_is_a_422(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/records/-/loose-search?q=a%00b"), 422)
    assert "errors" not in body  # the database cannot say which field


@pytest.mark.parametrize(
    "payload",
    [
        b'{"name": "nul\\u0000", "qty": 1}',
        b'{"name": "x", "qty": 18446744073709551616}',
        b'{"name": "\\ud800", "qty": 1}',
    ],
    ids=["nul", "int-past-int64", "lone-surrogate"],
)
async def test_data_errors_reaching_postgresql_in_a_write_are_a_422(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine, payload: bytes
) -> None:
    headers = {**firm, "Content-Type": "application/json"}
    response = await client.post("/records/loose", content=payload, headers=headers)
    assert_problem(response, 422)
    assert await row_counts(scratch) == (0, 0)


# --- Backing services down --------------------------------------------------------------------


@pytest.fixture
async def no_postgres_client(
    settings_overrides: dict[str, Any],
) -> AsyncIterator[httpx.AsyncClient]:
    overrides = {**settings_overrides, "database_url": "postgresql+asyncpg://x@127.0.0.1:9/x"}
    async with edge_client(overrides) as client:
        yield client


async def test_postgresql_down_makes_writes_a_503_problem(
    no_postgres_client: httpx.AsyncClient, firm: dict[str, str]
) -> None:
    response = await no_postgres_client.post("/records", json={"name": "x", "qty": 1}, headers=firm)
    assert_problem(response, 503)
    read = await no_postgres_client.get("/records")
    assert_problem(read, 503)


async def test_postgresql_down_fails_readiness(no_postgres_client: httpx.AsyncClient) -> None:
    response = await no_postgres_client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["postgresql"]["status"] == "failing"
    assert body["checks"]["redis"]["status"] == "ok"
    live = await no_postgres_client.get("/livez")
    assert live.status_code == 200


async def test_redis_down_leaves_readiness_degraded_not_failing(
    settings_overrides: dict[str, Any], scratch: AsyncEngine
) -> None:
    overrides = {**settings_overrides, "redis_url": "redis://127.0.0.1:9/0"}
    async with edge_client(overrides) as client:
        response = await client.get("/readyz")
        page = await client.get("/records")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["redis"]["status"] == "failing"
    assert body["checks"]["postgresql"]["status"] == "ok"
    assert page.status_code == 200
