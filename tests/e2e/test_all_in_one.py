"""The all-in-one app: the four services mounted at their ingress prefixes, each ready on real
backends, metrics labelled by route template, and problem documents even outside every prefix."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from common.errors import PROBLEM_MEDIA_TYPE
from services.allinone import create_all_in_one_app
from services.registry import SERVICES

PREFIXES = [manifest.url_prefix for manifest in SERVICES.values()]
RAW_ID = "987654321"


@pytest.fixture
async def app(settings_overrides: dict[str, Any], clean_backends: None) -> AsyncIterator[Starlette]:
    app = create_all_in_one_app(list(SERVICES.values()), settings_overrides)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_the_index_lists_every_service(client: httpx.AsyncClient) -> None:
    body = (await client.get("/")).json()
    assert [service["prefix"] for service in body["services"]] == PREFIXES


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_each_prefix_is_ready(client: httpx.AsyncClient, prefix: str) -> None:
    response = await client.get(f"{prefix}/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["postgresql"]["status"] == "ok"


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_each_prefix_serves_its_docs_and_openapi(
    client: httpx.AsyncClient, prefix: str
) -> None:
    docs = await client.get(f"{prefix}/docs")
    assert docs.status_code == 200
    assert "script-src 'self'" in docs.headers["content-security-policy"]
    assert f"'{prefix}/openapi.json'" in docs.text
    assert f'src="{prefix}/docs-assets/swagger-ui-bundle.js"' in docs.text
    assert "https://" not in docs.text
    assert (await client.get(f"{prefix}/docs-assets/swagger-ui-bundle.js")).status_code == 200
    document = (await client.get(f"{prefix}/openapi.json")).json()
    assert "/readyz" in document["paths"]


async def test_a_path_outside_every_prefix_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/no-such-service/records/1")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_metrics_are_labelled_by_route_template_never_by_raw_path(
    client: httpx.AsyncClient,
) -> None:
    prefix = PREFIXES[0]
    requests = [
        f"{prefix}/readyz",
        f"{prefix}/records/{RAW_ID}",  # unmatched inside the service
        f"{prefix}/docs-assets/favicon-{RAW_ID}.png",  # inside a mount
        f"/elsewhere/{RAW_ID}",  # unmatched by the parent
    ]
    for path in requests:
        await client.get(path)
    await client.request("FROBNICATE", f"{prefix}/readyz")
    text = (await client.get(f"{prefix}/metrics")).text
    samples = [line for line in text.splitlines() if line.startswith("moea_http_request")]
    routes = set(re.findall(r'route="([^"]*)"', "\n".join(samples)))
    methods = set(re.findall(r'method="([^"]*)"', "\n".join(samples)))
    assert "/readyz" in routes
    assert "<unmatched>" in routes  # FastAPI names no template for mounts: bounded anyway
    assert not any(RAW_ID in route for route in routes), routes
    assert not any(route.startswith(tuple(PREFIXES)) for route in routes), routes
    assert "FROBNICATE" not in methods
    assert "OTHER" in methods
