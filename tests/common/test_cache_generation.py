"""The cache generation: the read barrier's ordering, and the token's transactions on Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from common.cache_generation import (
    Entry,
    GenerationBarrier,
    GenerationStore,
    Snapshot,
    Store,
)


class ScriptedRedis:
    """Stands in for the read: answers with the token and entries as they were when the read
    *began* (as Redis does), records what each read carried, and holds the answer until the
    test releases it. A store is taken if its token is the current one."""

    def __init__(self) -> None:
        self.token = b"t1"
        self.reads = 0
        self.carried: list[tuple[list[str], list[str]]] = []  # stored names, read names
        self.names: list[dict[str, int]] = []  # read names and their ask markers' lifetimes
        self.release = asyncio.Event()
        self.fail_with: Exception | None = None

    async def read(self, stores: Sequence[Store], names: Mapping[str, int]) -> Snapshot:
        self.reads += 1
        self.carried.append(([store.name for store in stores], sorted(names)))
        self.names.append(dict(names))
        token, error = self.token, self.fail_with
        entries = {name: Entry(f"{name}@{token.decode()}".encode(), 9.5) for name in names}
        await self.release.wait()
        if error is not None:
            raise error
        return Snapshot(token, entries, [store.token == token for store in stores])


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
    minted = [snapshot.token for snapshot in await asyncio.gather(one.read(), other.read())]
    assert minted[0] == minted[1]

    await redis.flushdb()  # Redis lost the key: a copy held under the old token must not match
    assert (await one.read()).token not in (minted[0], None)


async def test_an_entry_computed_before_an_invalidation_is_refused(redis: Redis) -> None:
    store = GenerationStore(redis, "gen:test")
    before = (await store.read()).token
    await redis.set("entry", b"old")

    await store.replace(["entry"])

    assert await redis.exists("entry") == 0
    after = await store.read()
    assert after.token != before
    refused = await store.read([Store("entry", b"old", 30, before)])
    assert refused.stored == [False]
    assert await redis.exists("entry") == 0  # the store that lost the race wrote nothing
    taken = await store.read([Store("entry", b"new", 30, after.token)], {"entry": 0})
    assert taken.stored == [True]
    assert taken.entries["entry"].value == b"new"  # stores run before the reads they travel with
    assert await redis.get("entry") == b"new"
    assert 0 < await redis.ttl("entry") <= 30


async def test_entries_are_read_with_the_token_and_their_time_left(redis: Redis) -> None:
    store = GenerationStore(redis, "gen:test")
    token = (await store.read()).token
    await redis.set("lasting", b"a", px=20_000)
    await redis.set("endless", b"b")

    snapshot = await store.read((), dict.fromkeys(["lasting", "endless", "absent"], 0))

    assert snapshot.token == token
    lasting = snapshot.entries["lasting"]
    assert lasting.value == b"a" and lasting.lifetime is not None and 0 < lasting.lifetime <= 20
    assert snapshot.entries["endless"] == Entry(b"b", None)
    assert snapshot.entries["absent"] == Entry(None, None)


async def test_an_absent_entry_read_with_a_marker_tells_whether_it_was_asked_before(
    redis: Redis,
) -> None:
    store = GenerationStore(redis, "gen:test")
    await redis.set("present", b"p")

    first = await store.read((), {"absent": 60, "present": 60, "unmarked": 0})
    second = await store.read((), {"absent": 60, "present": 60, "unmarked": 0})

    assert first.entries["absent"] == Entry(None, None, asked_before=False)
    assert second.entries["absent"] == Entry(None, None, asked_before=True)
    assert 0 < await redis.ttl("absent:asked") <= 60
    assert second.entries["present"] == Entry(b"p", None, asked_before=False)
    assert second.entries["unmarked"] == Entry(None, None, asked_before=False)
    assert await redis.exists("present:asked", "unmarked:asked") == 0


async def test_stores_and_entries_are_checked_against_a_token_minted_after_a_loss(
    redis: Redis,
) -> None:
    store = GenerationStore(redis, "gen:test")
    lost = (await store.read()).token
    await redis.flushdb()
    await redis.set("entry", b"kept")

    snapshot = await store.read([Store("other", b"old", 30, lost)], {"entry": 0})

    assert snapshot.token not in (lost, b"")
    assert await redis.get("gen:test") == snapshot.token
    assert snapshot.stored == [False]
    assert await redis.exists("other") == 0
    assert snapshot.entries["entry"].value == b"kept"


async def test_a_read_survives_the_loss_of_its_script(redis: Redis) -> None:
    store = GenerationStore(redis, "gen:test")
    token = (await store.read((), {"entry": 0})).token
    await redis.script_flush()

    snapshot = await store.read([Store("entry", b"v", 30, token)], {"entry": 0})

    assert snapshot.stored == [True]
    assert snapshot.entries["entry"].value == b"v"


async def test_callers_asking_for_one_entry_share_its_longest_marker() -> None:
    redis = ScriptedRedis()
    redis.release.set()
    barrier = GenerationBarrier(redis.read)

    await asyncio.gather(barrier.current_with("a", 30), barrier.current_with("a", 300))

    assert redis.names == [{"a": 300}]


async def test_a_callers_entry_comes_with_its_token_in_one_read() -> None:
    redis = ScriptedRedis()
    redis.release.set()
    barrier = GenerationBarrier(redis.read)

    token, a, b = await asyncio.gather(
        barrier.current(), barrier.current_with("a"), barrier.current_with("b")
    )

    assert (token, a, b) == (b"t1", (b"t1", Entry(b"a@t1", 9.5)), (b"t1", Entry(b"b@t1", 9.5)))
    assert redis.carried == [([], ["a", "b"])]


async def test_an_entry_read_begun_before_a_caller_arrived_never_answers_it() -> None:
    redis = ScriptedRedis()
    barrier = GenerationBarrier(redis.read)
    early = asyncio.create_task(barrier.current_with("a"))
    await settle()

    redis.token = b"t2"
    late = asyncio.create_task(barrier.current_with("a"))
    await settle()
    redis.release.set()

    assert await early == (b"t1", Entry(b"a@t1", 9.5))
    assert await late == (b"t2", Entry(b"a@t2", 9.5))
    assert redis.carried == [([], ["a"]), ([], ["a"])]


async def test_a_store_does_not_wait_and_travels_before_the_next_callers_read() -> None:
    redis = ScriptedRedis()
    barrier = GenerationBarrier(redis.read)
    reading = asyncio.create_task(barrier.current())
    await settle()  # a read is on its way: the store waits for the next one

    taken = barrier.store(Store("a", b"v", 30, b"t1"))
    later = asyncio.create_task(barrier.current_with("a"))
    await settle()
    assert not taken.done()
    redis.release.set()

    assert await reading == b"t1"
    assert await taken is True
    assert (await later)[0] == b"t1"
    assert redis.carried == [([], []), (["a"], ["a"])]


async def test_a_store_that_lost_the_token_race_is_reported_refused() -> None:
    redis = ScriptedRedis()
    redis.release.set()
    barrier = GenerationBarrier(redis.read)
    token = await barrier.current()
    redis.token = b"t2"  # an invalidation lands while the entry is computed

    assert await barrier.store(Store("a", b"old", 30, token)) is False
    assert redis.carried[-1] == (["a"], [])


async def test_a_failed_read_fails_its_stores() -> None:
    redis = ScriptedRedis()
    redis.fail_with = ConnectionError("redis down")
    redis.release.set()
    barrier = GenerationBarrier(redis.read)

    with pytest.raises(ConnectionError):
        await barrier.store(Store("a", b"v", 30, b"t1"))


async def test_a_dropped_reader_connection_fails_one_read_and_reconnects(
    redis_url: str, clean_backends: None
) -> None:
    named = Redis.from_url(redis_url, client_name="generation-reader-test")
    try:
        store = GenerationStore(named, "gen:test")
        token = (await store.read()).token
        for client in await named.client_list():
            if client["name"] == "generation-reader-test":
                await named.client_kill_filter(_id=client["id"])

        with pytest.raises((ConnectionError, OSError, RedisError)):
            await store.read()
        assert (await store.read()).token == token
    finally:
        await named.aclose()
