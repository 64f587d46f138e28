"""Rate limits on a real app and real Redis: headers, 429, budgets, proxies, Redis outage."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from limits.aio.storage import MemoryStorage, RedisStorage
from redis.asyncio import Redis

from common.app_factory import ServiceDefinition, create_service_app
from common.database import ServiceRouter
from common.manifest import ServiceManifest
from common.ratelimit import FailoverStorage, TrustedProxies, client_ip, redis_storage
from common.settings import ServiceSettings
from tax_exemption.models import platform_tables

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
PEER = "198.51.100.7"  # the test client's address (see the plugin's ServiceClient)
# Day-long windows: a test never straddles a window boundary that would refill the budget.
LIMITS = {"rate_limit_anonymous": "3/day", "rate_limit_authenticated": "5/day"}

router = ServiceRouter()


@router.get("/ping")
async def ping() -> dict[str, str]:
    return {"pong": "ok"}


def _create_app(settings: ServiceSettings) -> FastAPI:
    definition = ServiceDefinition(
        name="ratelimit_test",
        title="rate limit test",
        description="a scratch app",
        settings=settings,
        tables=platform_tables,
        routers=[router],
    )
    return create_service_app(definition)


MANIFEST = ServiceManifest(
    name="ratelimit_test",
    url_prefix="/ratelimit-test",
    settings_class=ServiceSettings,
    create_app=_create_app,
    migrations=Path(),
    tables=platform_tables,
)

ClientFactory = Callable[..., Any]


async def test_responses_carry_ratelimit_headers(service_client_factory: ClientFactory) -> None:
    async with service_client_factory(MANIFEST, **LIMITS) as client:
        response = await client.get("/ping")
    assert response.status_code == 200
    assert response.headers["ratelimit-limit"] == "3"
    assert response.headers["ratelimit-remaining"] == "2"
    assert int(response.headers["ratelimit-reset"]) >= 0


async def test_the_request_past_the_budget_gets_a_429_problem(
    service_client_factory: ClientFactory, redis_url: str
) -> None:
    async with service_client_factory(MANIFEST, **LIMITS) as client:
        allowed = [await client.get("/ping") for _ in range(3)]
        refused = await client.get("/ping")
    assert [response.status_code for response in allowed] == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit-remaining"] == "0"
    redis = Redis.from_url(redis_url)
    try:
        assert await redis.keys("moea:ratelimit*")  # the counters live in Redis
    finally:
        await redis.aclose()


async def test_replicas_share_one_budget_through_redis(
    service_client_factory: ClientFactory,
) -> None:
    async with (
        service_client_factory(MANIFEST, **LIMITS) as replica_a,
        service_client_factory(MANIFEST, **LIMITS) as replica_b,
    ):
        statuses = [
            (await replica.get("/ping")).status_code
            for replica in (replica_a, replica_b, replica_a, replica_b)
        ]
    assert statuses == [200, 200, 200, 429]


async def test_an_authenticated_subject_has_its_own_budget(
    service_client_factory: ClientFactory, token: Callable[..., str]
) -> None:
    as_a = {"Authorization": f"Bearer {token('firm', business_id='04595257')}"}
    as_b = {"Authorization": f"Bearer {token('firm', business_id='12345675')}"}
    async with service_client_factory(MANIFEST, **LIMITS) as client:
        for _ in range(3):
            await client.get("/ping")
        anonymous = await client.get("/ping")
        subject_a = [await client.get("/ping", headers=as_a) for _ in range(6)]
        subject_b = await client.get("/ping", headers=as_b)

    assert anonymous.status_code == 429  # the IP's budget is spent ...
    assert [r.status_code for r in subject_a] == [200] * 5 + [429]  # ... not the subject's
    assert subject_a[0].headers["ratelimit-limit"] == "5"
    assert subject_b.status_code == 200


async def test_health_metrics_and_docs_are_not_limited(
    service_client_factory: ClientFactory,
) -> None:
    async with service_client_factory(MANIFEST, **LIMITS) as client:
        for _ in range(3):
            await client.get("/ping")
        responses = [await client.get(path) for path in ("/livez", "/metrics", "/openapi.json")]
        assert (await client.get("/ping")).status_code == 429
    assert [response.status_code for response in responses] == [200, 200, 200]
    assert all("ratelimit-limit" not in response.headers for response in responses)


async def test_x_forwarded_for_counts_only_from_a_trusted_peer(
    service_client_factory: ClientFactory,
) -> None:
    first = {"X-Forwarded-For": "203.0.113.1"}
    second = {"X-Forwarded-For": "203.0.113.2"}
    async with service_client_factory(MANIFEST, **LIMITS, trusted_proxies=[PEER]) as client:
        trusted = [(await client.get("/ping", headers=first)).status_code for _ in range(4)]
        trusted.append((await client.get("/ping", headers=second)).status_code)
    async with service_client_factory(MANIFEST, **LIMITS) as client:
        untrusted = [(await client.get("/ping", headers=first)).status_code for _ in range(3)]
        untrusted.append((await client.get("/ping", headers=second)).status_code)

    assert trusted == [200, 200, 200, 429, 200]  # one budget per forwarded client
    assert untrusted == [200, 200, 200, 429]  # the header is ignored: one budget for the peer


async def test_with_redis_unreachable_public_endpoints_answer_and_limits_hold_locally(
    service_client_factory: ClientFactory,
) -> None:
    async with service_client_factory(MANIFEST, **LIMITS, redis_url=UNREACHABLE_REDIS) as client:
        allowed = [await client.get("/ping") for _ in range(3)]
        refused = await client.get("/ping")
    assert [response.status_code for response in allowed] == [200, 200, 200]
    assert [response.headers["ratelimit-remaining"] for response in allowed] == ["2", "1", "0"]
    assert refused.status_code == 429


async def test_the_failover_limiter_returns_to_redis_after_the_cool_down(
    redis_url: str, clean_backends: None
) -> None:
    broken = RedisStorage(f"async+{UNREACHABLE_REDIS}", implementation="redispy")
    storage = FailoverStorage(broken, MemoryStorage(), cooldown=0.0)
    local = await storage.incr("test/ip:203.0.113.1", 86400, 1)
    assert (local, storage.using_fallback) == (1, True)

    redis = Redis.from_url(redis_url)
    try:
        storage.primary = redis_storage(redis, redis_url, key_prefix="retry-test")
        shared = await storage.incr("test/ip:203.0.113.1", 86400, 1)
        assert (shared, storage.using_fallback) == (1, False)
        assert await redis.keys("retry-test*")
    finally:
        await redis.aclose()


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),  # untrusted peer: header ignored
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # left part is client-written
        ("10.0.0.2", "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # skip trusted hops
        ("10.0.0.2", "10.0.0.8, 10.0.0.9", "10.0.0.8"),  # all trusted: the left-most
        ("10.0.0.2", "garbage, 10.0.0.9", "10.0.0.9"),  # malformed: last trusted address
        ("10.0.0.2", None, "10.0.0.2"),
    ],
)
def test_client_ip_is_the_right_most_untrusted_address(
    peer: str, forwarded: str | None, expected: str
) -> None:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    scope = {"type": "http", "client": (peer, 1234), "headers": headers}
    assert client_ip(scope, TrustedProxies(["10.0.0.0/8"])) == expected
