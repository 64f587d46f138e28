"""Conditional GET through a real app, and the Redis cache on real (and unreachable) Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from fastapi import FastAPI, Request, Response
from pydantic import BaseModel
from redis.asyncio import Redis

from common import caching
from common.app_factory import ServiceDefinition, create_service_app
from common.cache_generation import GenerationStore, Snapshot, Store
from common.caching import (
    CacheDep,
    RedisCache,
    Representation,
    conditional_response,
    etag_matches,
    strong_etag,
)
from common.database import ServiceRouter
from common.manifest import ServiceManifest
from common.settings import ServiceSettings
from tax_exemption.models import platform_tables

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


class Item(BaseModel):
    id: int
    name: str


router = ServiceRouter()


@router.get("/items/{item_id}", response_model=Item)
async def get_item(item_id: int, request: Request) -> Response:
    return conditional_response(request, Item(id=item_id, name=f"item {item_id}"))


@router.get("/private")
async def get_private(request: Request) -> Response:
    return conditional_response(request, b'{"mine":true}', max_age=5, private=True)


@router.get("/represented")
async def get_represented(request: Request) -> Response:
    return conditional_response(request, Representation(b'{"cached":true}'))


@router.get("/hot/{name}")
async def get_hot(name: str, request: Request, cache: CacheDep) -> Response:
    async def compute() -> bytes:
        request.app.state.computations += 1
        return f'{{"name":"{name}"}}'.encode()

    return Response(await cache.get_or_compute(name, 30, compute), media_type="application/json")


def _create_app(settings: ServiceSettings) -> FastAPI:
    definition = ServiceDefinition(
        name="caching_test",
        title="caching test",
        description="a scratch app",
        settings=settings,
        tables=platform_tables,
        routers=[router],
    )
    app = create_service_app(definition)
    app.state.computations = 0
    return app


MANIFEST = ServiceManifest(
    name="caching_test",
    url_prefix="/caching-test",
    settings_class=ServiceSettings,
    create_app=_create_app,
    migrations=Path(),
    tables=platform_tables,
)


@pytest.fixture
async def client(service_client_factory: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client_factory(MANIFEST, public_cache_seconds=120) as client:
        yield client


@pytest.fixture
async def redis(redis_url: str, clean_backends: None) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


class Counter:
    def __init__(self, value: bytes = b"fresh") -> None:
        self.calls = 0
        self.value = value

    async def __call__(self) -> bytes:
        self.calls += 1
        return self.value


async def test_a_read_carries_a_strong_etag_and_cache_control(client: httpx.AsyncClient) -> None:
    first = await client.get("/items/1")
    other = await client.get("/items/2")

    assert first.status_code == 200
    assert first.json() == {"id": 1, "name": "item 1"}
    assert first.headers["etag"].startswith('"') and first.headers["etag"].endswith('"')
    assert first.headers["cache-control"] == "public, max-age=120"  # from settings
    assert other.headers["etag"] != first.headers["etag"]
    private = await client.get("/private")
    assert private.headers["cache-control"] == "private, max-age=5"


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", "W/{etag}", '"other", {etag}', '"a", W/"b",{etag}', "*"],
)
async def test_a_current_copy_gets_304_without_a_body(
    if_none_match: str, client: httpx.AsyncClient
) -> None:
    etag = (await client.get("/items/1")).headers["etag"]
    response = await client.get(
        "/items/1", headers={"If-None-Match": if_none_match.format(etag=etag)}
    )
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == "public, max-age=120"


async def test_a_stale_copy_gets_the_full_response(client: httpx.AsyncClient) -> None:
    stale = (await client.get("/items/2")).headers["etag"]
    response = await client.get("/items/1", headers={"If-None-Match": stale})
    assert response.status_code == 200
    assert response.json()["id"] == 1


def test_etag_comparison_handles_commas_inside_tags_and_garbage() -> None:
    assert etag_matches('"x,y"', '"x,y"')
    assert not etag_matches('"x", "y"', '"x,y"')
    assert not etag_matches("not-an-etag", '"x"')
    assert not etag_matches(None, '"x"')


async def test_a_miss_computes_and_stores_with_the_ttl(redis: Redis) -> None:
    cache = RedisCache(redis, prefix="test:")
    compute = Counter()

    assert await cache.get_or_compute("k", 30, compute) == b"fresh"
    assert await cache.get_or_compute("k", 30, compute) == b"fresh"

    assert compute.calls == 1
    assert await redis.get("test:k") == b"fresh"
    assert 0 < await redis.ttl("test:k") <= 30


async def test_an_entry_stored_from_the_second_ask_is_computed_twice_then_served(
    redis: Redis,
) -> None:
    cache = RedisCache(redis, prefix="test:")
    compute = Counter()

    first = await cache.representation("k", 30, compute, store_first_ask=False)
    await asyncio.sleep(0.05)  # a store would have landed by now
    assert await redis.exists("test:k") == 0  # asked once: not stored
    assert 0 < await redis.ttl("test:k:asked") <= 30  # but remembered for the entry's ttl
    second = await cache.representation("k", 30, compute, store_first_ask=False)
    third = await cache.representation("k", 30, compute, store_first_ask=False)

    assert (first.body, second.body, third.body) == (b"fresh",) * 3
    assert compute.calls == 2
    assert await redis.get("test:k") == b"fresh"
    assert 0 < await redis.ttl("test:k") <= 30


async def test_an_ask_long_forgotten_is_a_first_ask_again(redis: Redis) -> None:
    cache = RedisCache(redis, prefix="test:")
    compute = Counter()
    await cache.representation("k", 1, compute, store_first_ask=False)
    await redis.pexpire("test:k:asked", 1)  # its marker lapses, as after ttl seconds
    await asyncio.sleep(0.01)

    await cache.representation("k", 1, compute, store_first_ask=False)
    await asyncio.sleep(0.05)

    assert compute.calls == 2
    assert await redis.exists("test:k") == 0


async def test_invalidate_forces_a_recompute(redis: Redis) -> None:
    cache = RedisCache(redis, prefix="test:")
    await cache.get_or_compute("k", 30, Counter(b"old"))

    assert await cache.invalidate("k") is True
    assert await redis.exists("test:k") == 0
    assert await cache.get_or_compute("k", 30, Counter(b"new")) == b"new"


async def test_with_redis_unreachable_the_cache_computes_and_warns_once() -> None:
    unreachable = Redis.from_url(UNREACHABLE_REDIS)
    cache = RedisCache(unreachable)
    compute = Counter()
    try:
        with structlog.testing.capture_logs() as logs:
            results = [await cache.get_or_compute("k", 30, compute) for _ in range(3)]
            invalidated = await cache.invalidate("k")
    finally:
        await unreachable.aclose()

    assert results == [b"fresh"] * 3
    assert compute.calls == 3
    assert invalidated is False
    assert [entry["log_level"] for entry in logs] == ["warning"]


async def test_the_app_cache_serves_hits_under_the_service_prefix(
    service_client_factory: Callable[..., Any], redis: Redis
) -> None:
    service_client = service_client_factory(MANIFEST)
    async with service_client as client:
        first = await client.get("/hot/gear")
        second = await client.get("/hot/gear")

    assert first.json() == second.json() == {"name": "gear"}
    assert service_client.app.state.computations == 1
    assert await redis.get("cache:moea:gear") == b'{"name":"gear"}'


async def test_the_app_keeps_answering_when_redis_is_unreachable(
    service_client_factory: Callable[..., Any],
) -> None:
    service_client = service_client_factory(MANIFEST, redis_url=UNREACHABLE_REDIS)
    async with service_client as client:
        responses = [await client.get("/hot/gear") for _ in range(2)]
    assert [response.status_code for response in responses] == [200, 200]
    assert service_client.app.state.computations == 2


async def test_a_hit_is_served_from_memory_with_its_etag(redis: Redis) -> None:
    cache = RedisCache(redis, prefix="test:")
    first = await cache.representation("k", 30, Counter(b"fresh"))
    await redis.set("test:k", b"changed behind the cache's back")

    again = await cache.representation("k", 30, Counter(b"recomputed"))

    assert again is first  # neither the entry nor its hash was fetched again
    assert again.etag == strong_etag(b"fresh")


async def test_an_invalidation_on_one_replica_shows_on_the_others_at_once(redis: Redis) -> None:
    reader, writer = RedisCache(redis, prefix="test:"), RedisCache(redis, prefix="test:")
    assert await reader.get_or_compute("k", 30, Counter(b"valid")) == b"valid"
    assert await writer.get_or_compute("k", 30, Counter(b"valid")) == b"valid"

    assert await writer.invalidate("k") is True

    assert await reader.get_or_compute("k", 30, Counter(b"suspended")) == b"suspended"
    assert await writer.get_or_compute("k", 30, Counter(b"other")) == b"suspended"


async def test_a_computation_overtaken_by_an_invalidation_is_not_kept(redis: Redis) -> None:
    reader, writer = RedisCache(redis, prefix="test:"), RedisCache(redis, prefix="test:")

    async def read_then_change_lands() -> bytes:
        await writer.invalidate("k")  # commits and invalidates while the reader computes
        return b"old"

    assert await reader.get_or_compute("k", 30, read_then_change_lands) == b"old"

    assert await redis.exists("test:k") == 0
    assert await reader.get_or_compute("k", 30, Counter(b"new")) == b"new"


async def test_with_redis_unreachable_a_cached_copy_is_not_served() -> None:
    redis = Redis.from_url(UNREACHABLE_REDIS)
    cache = RedisCache(redis)
    try:
        with structlog.testing.capture_logs():
            first = await cache.get_or_compute("k", 30, Counter(b"one"))
            second = await cache.get_or_compute("k", 30, Counter(b"two"))
    finally:
        await redis.aclose()
    assert (first, second) == (b"one", b"two")


class SilentPeer:
    """A TCP peer that takes connections and bytes and never answers: a Redis that hangs (a
    network partition), which a refused port cannot show. It stores nothing."""

    def __init__(self) -> None:
        self.received = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._swallow, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"redis://127.0.0.1:{port}/0"

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _swallow(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while chunk := await reader.read(4096):
            self.received += len(chunk)
        writer.close()


@pytest.mark.parametrize(("cooldown", "asks_again"), [(60.0, False), (0.0, True)])
async def test_after_redis_failed_reads_skip_it_until_the_cooldown_ends(
    cooldown: float, asks_again: bool
) -> None:
    peer = SilentPeer()
    async with peer as url:
        hanging = Redis.from_url(url, socket_timeout=0.2, socket_connect_timeout=0.2)
        cache = RedisCache(hanging, cooldown=cooldown)
        compute = Counter()
        try:
            with structlog.testing.capture_logs():
                first = await cache.get_or_compute("k", 30, compute)
                asked = peer.received
                second = await cache.get_or_compute("k", 30, compute)
        finally:
            await hanging.aclose()
    assert (first, second) == (b"fresh", b"fresh")
    assert compute.calls == 2
    assert asked > 0  # the first read asked Redis and timed out
    # Within the cool-down the second read computes without a word to Redis (so without
    # waiting for its timeout); once it is over, Redis is asked again.
    assert (peer.received > asked) is asks_again


async def test_a_representation_answers_conditional_requests(
    client: httpx.AsyncClient,
) -> None:
    first = await client.get("/represented")
    again = await client.get("/represented", headers={"If-None-Match": first.headers["etag"]})

    assert first.headers["etag"] == strong_etag(b'{"cached":true}')
    assert first.content == b'{"cached":true}'
    assert (again.status_code, again.content) == (304, b"")


async def test_a_copy_in_memory_lapses_with_its_copy_in_redis(redis: Redis) -> None:
    writer, reader = RedisCache(redis, prefix="test:"), RedisCache(redis, prefix="test:")
    await writer.get_or_compute("k", 30, Counter(b"first"))
    await redis.pexpire("test:k", 150)  # the shared copy has 0.15 s left when the reader reads it

    assert await reader.get_or_compute("k", 30, Counter(b"unused")) == b"first"
    await asyncio.sleep(0.3)
    assert await reader.get_or_compute("k", 30, Counter(b"second")) == b"second"


class CountedReads:
    """Records what each read of the cache generation carried: stored names, read names."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail_stores: int = 0) -> None:
        self.carried: list[tuple[list[str], list[str]]] = []
        self.fail_stores = fail_stores
        original = GenerationStore.read

        async def read(
            store: GenerationStore, stores: Sequence[Store] = (), names: Mapping[str, int] = {}
        ) -> Snapshot:
            self.carried.append(([each.name for each in stores], sorted(names)))
            if stores and self.fail_stores:
                self.fail_stores -= 1
                raise ConnectionError("redis went away")
            return await original(store, stores, names)

        monkeypatch.setattr(GenerationStore, "read", read)


async def test_a_miss_reads_its_entry_with_the_token_and_stores_with_the_next_read(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = CountedReads(monkeypatch)
    cache = RedisCache(redis, prefix="test:")
    compute = Counter(b"v")

    first = await cache.representation("k", 30, compute)  # answered before its store is sent
    second = await cache.representation("k", 30, compute)
    third = await cache.representation("k", 30, compute)

    assert (first.body, second.body, third.body) == (b"v", b"v", b"v")
    assert compute.calls == 1
    assert reads.carried == [
        ([], ["test:k"]),  # the miss: token and entry in one round trip
        (["test:k"], ["test:k"]),  # its store, run before the next caller's read
        ([], []),  # held in memory now: the token alone
    ]
    assert await redis.get("test:k") == b"v"


async def test_a_store_that_fails_is_neither_held_nor_kept_and_warns(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    CountedReads(monkeypatch, fail_stores=1)
    cache = RedisCache(redis, prefix="test:")
    compute = Counter(b"v")

    with structlog.testing.capture_logs() as logs:
        # A logger bound now: an earlier test may have cached the module's with other processors.
        monkeypatch.setattr(caching, "logger", structlog.get_logger("moea.caching"))
        assert await cache.get_or_compute("k", 30, compute) == b"v"
        for _ in range(5):
            await asyncio.sleep(0)  # the store's read runs alone, and fails
        assert await cache.get_or_compute("k", 30, compute) == b"v"

    assert compute.calls == 2
    assert [(entry["log_level"], entry["operation"]) for entry in logs] == [("warning", "set")]
