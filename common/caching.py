"""Caching helpers: conditional GET with ETags, and a two-level cache that fails open.

``conditional_response`` gives a public read a strong ETag and ``Cache-Control`` and answers a
matching ``If-None-Match`` with 304 and no body. ``RedisCache`` keeps computed bytes in Redis,
shared by all replicas, and the recently used ones in each replica's memory with their ETag
already computed, so a hot read costs neither a round trip for its entry nor a hash.

Freshness: a change must be invalidated with ``invalidate`` AFTER it has committed (deleted
earlier, a concurrent reader could cache the old state again). ``invalidate`` deletes the entries
and moves the cache generation in one transaction, and no replica serves a copy from memory
without a generation read that began after its request arrived (``common.cache_generation``
explains why this makes a change visible everywhere as soon as the writer has its response).
A miss costs one round trip of its own: the entry is read with the generation, and a computed
entry is stored with a later read while its response leaves. A copy in memory lives as long as
its copy in Redis; delete entries only through ``invalidate``: a key deleted behind the cache's
back is still served from memory until its TTL runs out.

Redis errors degrade to "not cached": the value is computed and neither level is used, so a
Redis outage costs latency, never availability, and never serves what could not be checked.
After a failure, reads skip Redis for ``COOLDOWN_SECONDS`` before asking it again: a Redis that
hangs (a partition, not a refused port) then costs one read per replica and cool-down its
timeout, not every read. An invalidation is always attempted; one that fails while Redis is
unreachable leaves the entry until its TTL expires: keep TTLs short.
"""

from __future__ import annotations

import asyncio
import base64
import re
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Final

import structlog
import xxhash
from fastapi import Depends, Request
from pydantic import BaseModel
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.responses import Response

from common.cache_generation import (
    GenerationBarrier,
    GenerationStore,
    GenerationUnavailable,
    Store,
)
from common.local_cache import LocalCache

__all__ = [
    "CacheDep",
    "RedisCache",
    "Representation",
    "app_cache",
    "conditional_response",
    "etag_matches",
    "request_cache",
    "strong_etag",
]

_ENTITY_TAG = re.compile(r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"')
_REDIS_ERRORS = (RedisError, OSError, TimeoutError, GenerationUnavailable)
WARN_INTERVAL_SECONDS = 60.0
COOLDOWN_SECONDS = 5.0
LOCAL_ENTRIES: Final = 10_000
LOCAL_BYTES: Final = 16 * 1024 * 1024

logger = structlog.get_logger("moea.caching")


def strong_etag(body: bytes) -> str:
    """A strong validator: the 128-bit XXH3 hash of the exact representation bytes.

    A validator only has to change when the bytes do, and the representations are ours, not a
    client's: a collision-resistant hash buys nothing here. SHA-256 cost 11 µs for a 20 KB
    search page (a fortieth of a cold search's CPU); XXH3 costs 0.3 µs.
    """
    digest = xxhash.xxh3_128_digest(body)
    return f'"{base64.urlsafe_b64encode(digest).rstrip(b"=").decode()}"'


class Representation:
    """Response bytes and their strong ETag, hashed once however often they are served."""

    __slots__ = ("_etag", "body")

    def __init__(self, body: bytes) -> None:
        self.body = body
        self._etag: str | None = None

    @property
    def etag(self) -> str:
        if self._etag is None:
            self._etag = strong_etag(self.body)
        return self._etag


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` (``*`` or a list) against ``etag``."""
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == opaque for tag in _ENTITY_TAG.findall(if_none_match))


def conditional_response(
    request: Request,
    payload: bytes | BaseModel | Representation,
    *,
    max_age: int | None = None,
    private: bool = False,
    media_type: str = "application/json",
) -> Response:
    """200 with ETag and Cache-Control, or 304 without a body when the client's copy is current.

    ``max_age`` defaults to ``settings.public_cache_seconds``; ``private`` keeps shared caches
    from storing responses that depend on who asks.
    """
    representation = payload if isinstance(payload, Representation) else _represent(payload)
    validators = (
        (b"etag", representation.etag.encode("latin-1")),
        (b"cache-control", _cache_control(request, max_age, private).encode("latin-1")),
    )
    if request.method in ("GET", "HEAD") and etag_matches(
        request.headers.get("if-none-match"), representation.etag
    ):
        response = Response(status_code=304)
    else:
        response = Response(representation.body, media_type=media_type)
    # Raw ASGI headers: a headers dict would be encoded and scanned again on every response.
    response.raw_headers.extend(validators)
    return response


def _represent(payload: bytes | BaseModel) -> Representation:
    if isinstance(payload, bytes):
        return Representation(payload)
    return Representation(payload.model_dump_json(by_alias=True).encode())


def _cache_control(request: Request, max_age: int | None, private: bool) -> str:
    if max_age is None:
        max_age = int(request.app.state.settings.public_cache_seconds)
    return f"{'private' if private else 'public'}, max-age={max_age}"


class RedisCache:
    """Bytes in Redis under ``prefix + key``, the recent ones also in this replica's memory.

    Every Redis failure degrades to "not cached".
    """

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "cache:",
        local_entries: int = LOCAL_ENTRIES,
        local_bytes: int = LOCAL_BYTES,
        cooldown: float = COOLDOWN_SECONDS,
    ) -> None:
        self.redis = redis
        self.cooldown = cooldown
        self.prefix = prefix
        self.generation = GenerationStore(redis, f"cache-generation:{prefix}")
        self._barrier = GenerationBarrier(self.generation.read)
        self._local: LocalCache[Representation] = LocalCache(
            max_entries=local_entries, max_bytes=local_bytes
        )
        self._next_warning = 0.0
        self._suppressed = 0
        self._skip_until = 0.0  # monotonic time until which reads do not ask Redis

    async def get_or_compute(
        self, key: str, ttl: int, compute: Callable[[], Awaitable[bytes]]
    ) -> bytes:
        """The cached bytes, or ``compute()``'s result stored for ``ttl`` seconds."""
        return (await self.representation(key, ttl, compute)).body

    async def representation(
        self,
        key: str,
        ttl: int,
        compute: Callable[[], Awaitable[bytes]],
        *,
        store_first_ask: bool = True,
    ) -> Representation:
        """Like ``get_or_compute``, with the ETag: hashed once per replica and entry.

        A copy held in memory needs only the token; otherwise the entry in Redis is read with
        the token, in one round trip. A computed entry is returned at once and stored with the
        next read (``common.cache_generation``), and held in memory only if Redis took it.

        ``store_first_ask=False`` stores an entry only when its key is asked for again within
        ``ttl`` seconds of an ask that computed it (the read tells, by an ask marker): for keys
        most of which are asked for once, such as free-text searches, whose one-off entries
        would cost each of them a store and Redis the memory, and serve no one.
        """
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        if time.monotonic() < self._skip_until:
            return Representation(await compute())  # Redis failed just now: not asked again
        name = self.prefix + key
        try:
            if self._local.holds(key):
                held = self._local.get(key, await self._barrier.current())
                if held is not None:
                    return held
            marker_seconds = 0 if store_first_ask else ttl
            generation, entry = await self._barrier.current_with(name, marker_seconds)
        except _REDIS_ERRORS as exc:
            self._failed("generation", exc)
            return Representation(await compute())  # Redis is failing: skip both levels
        held = self._local.get(key, generation)
        if held is not None:
            return held
        if entry.value is not None:  # at least as new as the token, read with it
            representation = Representation(entry.value)
            lifetime = ttl if entry.lifetime is None else entry.lifetime
            self._hold(key, representation, generation, lifetime)
            return representation
        representation = Representation(await compute())
        # Unless stored on its first ask, a key asked for once is not: its marker remembers it.
        if store_first_ask or entry.asked_before:
            self._store(key, name, representation, generation, ttl)
        return representation

    def _store(
        self, key: str, name: str, representation: Representation, generation: bytes, ttl: int
    ) -> None:
        """Queue a computed entry for the next read; held in memory once Redis took it."""
        stored = self._barrier.store(Store(name, representation.body, ttl, generation))
        stored.add_done_callback(partial(self._stored, key, representation, generation, ttl))

    def _stored(
        self,
        key: str,
        representation: Representation,
        generation: bytes,
        ttl: int,
        stored: asyncio.Future[bool],
    ) -> None:
        """Hold a computed entry once Redis took it; Redis refuses it if the token moved on."""
        if stored.cancelled():
            return
        error = stored.exception()
        if error is not None:
            self._failed("set", error)
        elif stored.result():
            self._hold(key, representation, generation, ttl)

    def _hold(
        self, key: str, representation: Representation, generation: bytes, lifetime: float
    ) -> None:
        size = len(representation.body)
        self._local.put(key, representation, generation, ttl=lifetime, size=size)

    async def invalidate(self, *keys: str) -> bool:
        """Delete the keys and move the generation; False (and a warning) if Redis failed."""
        if not keys:
            return True
        try:
            await self.generation.replace([self.prefix + key for key in keys])
        except _REDIS_ERRORS as exc:
            self._failed("invalidate", exc)
            return False
        return True

    def _failed(self, operation: str, exc: BaseException) -> None:
        self._skip_until = time.monotonic() + self.cooldown
        self._warn(operation, exc)

    def _warn(self, operation: str, exc: BaseException) -> None:
        """At most one warning per interval: an outage must not flood the log stream."""
        now = time.monotonic()
        if now < self._next_warning:
            self._suppressed += 1
            return
        logger.warning(
            "redis cache unavailable; serving uncached",
            operation=operation,
            error=repr(exc),
            suppressed=self._suppressed,
        )
        self._next_warning = now + WARN_INTERVAL_SECONDS
        self._suppressed = 0


def app_cache(request: Request) -> RedisCache:
    """The app's cache on its Redis client, keys prefixed by the service name.

    One per app, so its in-memory level lives as long as the app. A plain call for the hottest
    routes, where FastAPI's dependency solving would cost more than the cache hit itself.
    """
    state = request.app.state
    cache: RedisCache | None = getattr(state, "cache", None)
    if cache is None or cache.redis is not state.redis:
        cache = RedisCache(state.redis, prefix=f"cache:{state.settings.service_name}:")
        state.cache = cache
    return cache


async def request_cache(request: Request) -> RedisCache:
    """``app_cache`` as a dependency: async although it awaits nothing, because FastAPI runs a
    plain ``def`` dependency in a worker thread."""
    return app_cache(request)


CacheDep = Annotated[RedisCache, Depends(request_cache)]
