"""The batched counter on real Redis: free far below the budget, exact near it, never lost."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from limits import parse
from limits.aio.storage import MemoryStorage
from redis.asyncio import Redis

from common.rate_counter import BatchedCounter, FailoverStorage
from common.ratelimit import redis_storage

PREFIX = "counter-test"


@pytest.fixture
async def redis(redis_url: str, clean_backends: None) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def _counter(redis: Redis, redis_url: str) -> BatchedCounter:
    """A counter whose background flush never fires within a test: flushes are explicit."""
    primary = redis_storage(redis, redis_url, key_prefix=PREFIX)
    return BatchedCounter(FailoverStorage(primary, MemoryStorage()), flush_interval=3600)


async def _shared_count(redis: Redis) -> int:
    keys = await redis.keys(f"{PREFIX}*")
    values = await redis.mget(keys) if keys else []
    return sum(int(value or 0) for value in values)


async def test_hits_far_below_the_budget_are_pushed_later_not_lost(
    redis: Redis, redis_url: str
) -> None:
    counter = _counter(redis, redis_url)
    decisions = [await counter.hit(parse("100/day"), "svc", "ip:a") for _ in range(10)]

    assert all(decision.allowed for decision in decisions)
    assert [d.remaining for d in decisions[:3]] == [99, 98, 97]
    assert await _shared_count(redis) == 0  # nothing sent on the request path
    await counter.aclose()
    assert await _shared_count(redis) == 10  # every hit reaches Redis


async def test_past_half_the_budget_every_hit_is_counted_exactly_in_redis(
    redis: Redis, redis_url: str
) -> None:
    replica_a, replica_b = _counter(redis, redis_url), _counter(redis, redis_url)
    item = parse("10/day")
    for _ in range(5):
        await replica_a.hit(item, "svc", "ip:a")
    # replica_b has never seen this client: its first hit is cheap, pushed at its next flush
    first = await replica_b.hit(item, "svc", "ip:a")
    await replica_b.flush()
    rest = [await replica_a.hit(item, "svc", "ip:a") for _ in range(5)]

    assert first.allowed
    assert [d.allowed for d in rest] == [True, True, True, True, False]
    assert rest[-1].remaining == 0
    await replica_a.aclose()
    await replica_b.aclose()
    assert await _shared_count(redis) == 11


async def test_with_redis_down_the_limit_holds_locally() -> None:
    broken = redis_storage(Redis.from_url("redis://127.0.0.1:1/0"), "redis://127.0.0.1:1/0")
    counter = BatchedCounter(FailoverStorage(broken, MemoryStorage(), cooldown=60))
    decisions = [await counter.hit(parse("4/day"), "svc", "ip:a") for _ in range(5)]

    assert [d.allowed for d in decisions] == [True, True, True, True, False]
    assert counter.storage.using_fallback
    await counter.aclose()
