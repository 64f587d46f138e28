"""API-key holders are rate-limited by their key's own budget, not by their IP address's.

The anonymous budget here is 3 requests a minute per IP; every client of the test app comes
from the same address, like bulk clients behind one NAT.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from ip_search.app import MANIFEST
from ip_search.models import api_key

CATALOG = "/open-data/datasets"
PROBLEM = "application/problem+json"
IP_BUDGET = 3


@pytest.fixture
async def client(
    service_client_factory: Callable[..., Any], tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    factory = service_client_factory(
        MANIFEST, open_data_dir=tmp_path, rate_limit_anonymous=f"{IP_BUDGET}/minute"
    )
    async with factory as http:
        yield http


@pytest.fixture
def officer(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('officer', agency='TIPO')}"}


async def issue_key(
    client: httpx.AsyncClient, officer: dict[str, str], requests_per_minute: int
) -> dict[str, Any]:
    body = {"label": "mirror", "daily_quota": 100, "requests_per_minute": requests_per_minute}
    response = await client.post("/open-data/api-keys", json=body, headers=officer)
    assert response.status_code == 201, response.text
    assert response.json()["requests_per_minute"] == requests_per_minute
    key: dict[str, Any] = response.json()
    return key


async def statuses(client: httpx.AsyncClient, count: int, **headers: str) -> list[int]:
    return [(await client.get(CATALOG, headers=headers)).status_code for _ in range(count)]


async def test_a_key_holder_is_served_beyond_the_ip_budget_up_to_its_own(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    key = (await issue_key(client, officer, requests_per_minute=5))["key"]
    assert await statuses(client, IP_BUDGET + 1) == [200, 200, 200, 429]  # the IP is spent

    with_key = await statuses(client, 5, **{"X-API-Key": key})
    assert with_key == [200] * 5
    served = await client.get(CATALOG, headers={"X-API-Key": key})
    assert served.status_code == 429
    assert served.headers["content-type"] == PROBLEM
    assert served.json()["status"] == 429
    assert served.headers["ratelimit-limit"] == "5"
    assert int(served.headers["retry-after"]) >= 1


async def test_a_spent_key_does_not_spend_the_ip_or_another_key(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    first = (await issue_key(client, officer, requests_per_minute=2))["key"]
    second = (await issue_key(client, officer, requests_per_minute=2))["key"]
    assert await statuses(client, 3, **{"X-API-Key": first}) == [200, 200, 429]
    assert await statuses(client, 2, **{"X-API-Key": second}) == [200, 200]
    assert await statuses(client, IP_BUDGET) == [200] * IP_BUDGET  # anonymous, same address


async def test_an_unknown_or_revoked_key_is_401_and_not_counted_against_any_key(
    client: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    issued = await issue_key(client, officer, requests_per_minute=2)
    revoked = await issue_key(client, officer, requests_per_minute=2)
    assert (
        await client.delete(f"/open-data/api-keys/{revoked['id']}", headers=officer)
    ).status_code == 204

    unknown = await client.get(CATALOG, headers={"X-API-Key": issued["key"] + "x"})
    assert unknown.status_code == 401
    assert unknown.headers["content-type"] == PROBLEM
    assert unknown.json()["detail"] == "unknown or revoked API key"
    assert (await client.get(CATALOG, headers={"X-API-Key": revoked["key"]})).status_code == 401
    oversized = await client.get(CATALOG, headers={"X-API-Key": "k" * 300})
    assert oversized.status_code == 401
    # Refusals count against the caller's IP budget (3): the next guess is rate-limited.
    guessed = await client.get(CATALOG, headers={"X-API-Key": "tipo_od_guess"})
    assert guessed.status_code == 429

    assert await statuses(client, 2, **{"X-API-Key": issued["key"]}) == [200, 200]
    async with db_engine.connect() as connection:
        keys = await connection.scalar(select(func.count()).select_from(api_key))
    assert keys == 2


async def test_requests_per_minute_out_of_range_is_422_and_issues_nothing(
    client: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    body = {"label": "mirror", "daily_quota": 10, "requests_per_minute": 0}
    response = await client.post("/open-data/api-keys", json=body, headers=officer)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    async with db_engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(api_key)) == 0
