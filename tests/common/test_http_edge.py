"""The shared HTTP edge: body limits (declared and streamed), content types, security headers,
request ids, and the offline docs page."""

from __future__ import annotations

import re
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from common.docs import DOCS_ASSETS_PATH
from common.errors import PROBLEM_MEDIA_TYPE
from common.http_edge import API_CSP, SECURITY_HEADERS
from tests.common.edge_app import (
    create_edge_app,
    edge_client,
    row_counts,
)

MAX_BODY = 4096
FIRM = "04595257"


@pytest.fixture
async def client(
    settings_overrides: dict[str, Any], scratch: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    async with edge_client({**settings_overrides, "max_body_bytes": MAX_BODY}) as client:
        yield client


@pytest.fixture
def firm(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('firm', business_id=FIRM)}"}


def _oversize_json() -> bytes:
    return b'{"name": "' + b"x" * (MAX_BODY * 2) + b'", "qty": 1}'


async def _chunks(body: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _assert_413(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body = response.json()
    assert body["status"] == 413
    assert body["type"].endswith("/payload-too-large")
    assert str(MAX_BODY) in body["detail"]


# --- Body limits -------------------------------------------------------------------------------


async def test_a_body_at_the_limit_is_accepted(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine
) -> None:
    prefix, suffix = b'{"name": "', b'", "qty": 1}'
    body = prefix + b"x" * (MAX_BODY - len(prefix) - len(suffix)) + suffix
    assert len(body) == MAX_BODY
    headers = {**firm, "Content-Type": "application/json"}
    response = await client.post("/records", content=body, headers=headers)
    assert response.status_code == 201, response.text
    assert await row_counts(scratch) == (1, 0)


async def test_a_declared_oversize_body_is_a_413_problem(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine
) -> None:
    headers = {**firm, "Content-Type": "application/json"}
    response = await client.post("/records", content=_oversize_json(), headers=headers)
    assert "content-length" in response.request.headers
    _assert_413(response)
    assert await row_counts(scratch) == (0, 0)


async def test_a_streamed_oversize_body_is_a_413_problem(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine
) -> None:
    headers = {**firm, "Content-Type": "application/json"}
    response = await client.post("/records", content=_chunks(_oversize_json()), headers=headers)
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    _assert_413(response)
    assert await row_counts(scratch) == (0, 0)


async def test_a_body_lying_about_its_length_is_still_cut(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine
) -> None:
    """A small declared length does not buy an unlimited stream."""
    headers = {**firm, "Content-Type": "application/json", "Content-Length": "10"}
    response = await client.post("/records", content=_chunks(_oversize_json()), headers=headers)
    _assert_413(response)
    assert await row_counts(scratch) == (0, 0)


async def test_a_declared_oversize_body_is_refused_before_routing(
    client: httpx.AsyncClient,
) -> None:
    """Even a route that ignores its body: the declared size alone is refused. (A streamed body
    such a route never reads costs the service nothing, so that one is not cut.)"""
    response = await client.post("/records/-/transactions", content=_oversize_json())
    _assert_413(response)


# --- Content types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data"],
)
async def test_a_json_body_with_the_wrong_content_type_is_a_4xx_problem(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine, content_type: str
) -> None:
    response = await client.post(
        "/records",
        content=b'{"name": "x", "qty": 1}',
        headers={**firm, "Content-Type": content_type},
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert await row_counts(scratch) == (0, 0)


async def test_an_empty_body_is_a_422_problem(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine
) -> None:
    headers = {**firm, "Content-Type": "application/json"}
    response = await client.post("/records", content=b"", headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert await row_counts(scratch) == (0, 0)


# --- Security headers and request ids --------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/records"),
        ("GET", "/livez"),
        ("GET", "/no/such/path"),
        ("GET", "/records/docs"),  # ends like the docs page, is not the docs page
        ("DELETE", "/livez"),
    ],
)
async def test_api_responses_carry_the_security_headers(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["content-security-policy"] == API_CSP


async def test_a_401_from_the_auth_middleware_carries_the_security_headers(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/records/1", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == API_CSP


async def test_a_sane_request_id_is_echoed_and_an_insane_one_replaced(
    client: httpx.AsyncClient,
) -> None:
    sane = await client.get("/livez", headers={"X-Request-ID": "abc-123_DEF.456"})
    assert sane.headers["x-request-id"] == "abc-123_DEF.456"
    insane = await client.get("/livez", headers={"X-Request-ID": "x\tinjected\x7f" * 10})
    assert re.fullmatch(r"[0-9a-f]{32}", insane.headers["x-request-id"])


# --- Offline docs --------------------------------------------------------------------------


async def test_docs_page_loads_only_local_assets(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    html = response.text
    assert "http://" not in html
    assert "https://" not in html
    assert "//cdn" not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith(DOCS_ASSETS_PATH + "/") for source in sources), sources
    assert "default-src 'self'" in response.headers["content-security-policy"]
    for source in sources:
        asset = await client.get(source)
        assert asset.status_code == 200, source
        assert asset.content


async def test_docs_page_points_at_this_apps_openapi_document(client: httpx.AsyncClient) -> None:
    html = (await client.get("/docs")).text
    assert "'/openapi.json'" in html
    document = (await client.get("/openapi.json")).json()
    assert document["info"]["title"] == "Edge contract test service"


async def test_the_openapi_document_is_built_off_the_event_loop_once(
    settings_overrides: dict[str, Any], scratch: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_edge_app({**settings_overrides, "max_body_bytes": MAX_BODY})
    build = app.openapi
    builders: list[threading.Thread] = []

    def recorded_build() -> dict[str, Any]:
        if app.openapi_schema is None:  # FastAPI's endpoint calls it again for the cached one
            builders.append(threading.current_thread())
        return build()

    monkeypatch.setattr(app, "openapi", recorded_build)
    async with edge_client({}, app) as client:
        first = await client.get("/openapi.json")
        second = await client.get("/openapi.json")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() == app.openapi_schema
    assert first.json()["info"]["title"] == "Edge contract test service"
    # Built once, and not by the thread running the event loop.
    assert len(builders) == 1
    assert builders[0] is not threading.current_thread()


async def test_openapi_documents_the_problem_responses(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    responses = document["paths"]["/records"]["post"]["responses"]
    for status in ("401", "403", "413", "422", "503"):
        assert PROBLEM_MEDIA_TYPE in responses[status]["content"], status
    security = document["components"]["securitySchemes"]
    assert any(scheme.get("scheme") == "bearer" for scheme in security.values())
