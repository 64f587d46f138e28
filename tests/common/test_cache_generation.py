"""The cache generation: the read barrier's ordering, and the token's transactions on Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from common.cache_generation import GenerationBarrier, GenerationStore


class ScriptedRedis:
    """Stands in for the GET of the token: answers with the token as it was when the read
    *began* (as Redis does), and holds the answer until the test releases it."""

    def __init__(self) -> None:
        self.token = b"t1"
        self.reads = 0
        self.release = asyncio.Event()
        self.fail_with: Exception | None = None

    async def read(self) -> bytes:
        self.reads += 1
        token, error = self.token, self.fail_with
        await self.release.wait()
        if error is not None:
            raise error
        return token


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_read_begun_before_a_caller_arrived_never_answers_it() -> None:
    redis = ScriptedRedis()
    barrier = GenerationBarrier(redis.read)
    early = asyncio.create_task(barrier.current())
    await settle()  # the first read is on its way, and saw t1

    redis.token = b"t2"  # an invalidation completes; then a request arrives
    late = asyncio.create_task(barrier.current())
    await settle()
    redis.release.set()

    assert await early == b"t1"
    assert await late == b"t2"
    assert redis.reads == 2


async def test_callers_arriving_during_a_read_share_the_next_one() -> None:
    redis = ScriptedRedis()
    barrier = GenerationBarrier(redis.read)
    first = asyncio.create_task(barrier.current())
    await settle()
    waiting = [asyncio.create_task(barrier.current()) for _ in range(20)]
    await settle()
    redis.release.set()

    assert await first == b"t1"
    assert await asyncio.gather(*waiting) == [b"t1"] * 20
    assert redis.reads == 2


async def test_callers_arriving_before_the_read_is_sent_share_it() -> None:
    redis = ScriptedRedis()
    redis.release.set()
    barrier = GenerationBarrier(redis.read)

    tokens = await asyncio.gather(*(barrier.current() for _ in range(20)))

    assert tokens == [b"t1"] * 20
    assert redis.reads == 1


async def test_a_failed_read_fails_its_callers_and_the_next_call_reads_again() -> None:
    redis = ScriptedRedis()
    redis.fail_with = ConnectionError("redis down")
    redis.release.set()
    barrier = GenerationBarrier(redis.read)

    with pytest.raises(ConnectionError):
        await barrier.current()
    redis.fail_with = None
    assert await barrier.current() == b"t1"
    assert redis.reads == 2


async def test_a_caller_that_gives_up_does_not_cancel_the_read_of_the_others() -> None:
    redis = ScriptedRedis()
    barrier = GenerationBarrier(redis.read)
    leaving = asyncio.create_task(barrier.current())
    await settle()
    staying = asyncio.create_task(barrier.current())
    await settle()
    leaving.cancel()
    await settle()
    redis.release.set()

    assert await staying == b"t1"
    assert leaving.cancelled()


@pytest.fixture
async def redis(redis_url: str, clean_backends: None) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_replicas_mint_one_token_and_a_lost_token_is_never_reused(redis: Redis) -> None:
    one, other = GenerationStore(redis, "gen:test"), GenerationStore(redis, "gen:test")
    minted = await asyncio.gather(one.read(), other.read())
    assert minted[0] == minted[1]

    await redis.flushdb()  # Redis lost the key: a copy held under the old token must not match
    assert await one.read() not in (minted[0], None)


async def test_an_entry_computed_before_an_invalidation_is_refused(redis: Redis) -> None:
    store = GenerationStore(redis, "gen:test")
    before = await store.read()
    await redis.set("entry", b"old")

    await store.replace(["entry"])

    assert await redis.exists("entry") == 0
    assert await store.read() != before
    assert await store.store_if_current("entry", b"old", 30, before) is False
    assert await redis.exists("entry") == 0
    assert await store.store_if_current("entry", b"new", 30, await store.read()) is True
    assert await redis.get("entry") == b"new"
    assert 0 < await redis.ttl("entry") <= 30


async def test_a_dropped_reader_connection_fails_one_read_and_reconnects(
    redis_url: str, clean_backends: None
) -> None:
    named = Redis.from_url(redis_url, client_name="generation-reader-test")
    try:
        store = GenerationStore(named, "gen:test")
        token = await store.read()
        for client in await named.client_list():
            if client["name"] == "generation-reader-test":
                await named.client_kill_filter(_id=client["id"])

        with pytest.raises((ConnectionError, OSError, RedisError)):
            await store.read()
        assert await store.read() == token
    finally:
        await named.aclose()
