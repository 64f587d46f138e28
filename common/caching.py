"""Caching helpers: conditional GET with ETags, and a Redis cache that fails open.

``conditional_response`` gives a public read a strong ETag and ``Cache-Control`` and answers a
matching ``If-None-Match`` with 304 and no body. ``RedisCache`` keeps computed bytes in Redis;
when Redis errors it computes anyway and caches nothing, so a Redis outage costs latency, never
availability.

Invalidation (e.g. a suspended certificate): call ``invalidate`` AFTER the change has committed,
or a concurrent reader may cache the old state again in between; keep TTLs short, because an
invalidation that fails while Redis is unreachable leaves the entry until its TTL expires.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

import structlog
from fastapi import Depends, Request
from pydantic import BaseModel
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.responses import Response

__all__ = [
    "CacheDep",
    "RedisCache",
    "conditional_response",
    "etag_matches",
    "request_cache",
    "strong_etag",
]

_ENTITY_TAG = re.compile(r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"')
_REDIS_ERRORS = (RedisError, OSError, TimeoutError)
WARN_INTERVAL_SECONDS = 60.0

logger = structlog.get_logger("moea.caching")


def strong_etag(body: bytes) -> str:
    """A strong validator: 128 bits of SHA-256 of the exact representation bytes."""
    digest = hashlib.sha256(body).digest()[:16]
    return f'"{base64.urlsafe_b64encode(digest).rstrip(b"=").decode()}"'


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
    payload: bytes | BaseModel,
    *,
    max_age: int | None = None,
    private: bool = False,
    media_type: str = "application/json",
) -> Response:
    """200 with ETag and Cache-Control, or 304 without a body when the client's copy is current.

    ``max_age`` defaults to ``settings.public_cache_seconds``; ``private`` keeps shared caches
    from storing responses that depend on who asks.
    """
    body = (
        payload if isinstance(payload, bytes) else payload.model_dump_json(by_alias=True).encode()
    )
    headers = {
        "ETag": strong_etag(body),
        "Cache-Control": _cache_control(request, max_age, private),
    }
    if request.method in ("GET", "HEAD") and etag_matches(
        request.headers.get("if-none-match"), headers["ETag"]
    ):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _cache_control(request: Request, max_age: int | None, private: bool) -> str:
    if max_age is None:
        max_age = int(request.app.state.settings.public_cache_seconds)
    return f"{'private' if private else 'public'}, max-age={max_age}"


class RedisCache:
    """Bytes in Redis under ``prefix + key``; every Redis failure degrades to "not cached"."""

    def __init__(self, redis: Redis, *, prefix: str = "cache:") -> None:
        self.redis = redis
        self.prefix = prefix
        self._next_warning = 0.0
        self._suppressed = 0

    async def get_or_compute(
        self, key: str, ttl: int, compute: Callable[[], Awaitable[bytes]]
    ) -> bytes:
        """The cached bytes, or ``compute()``'s result stored for ``ttl`` seconds."""
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        name = self.prefix + key
        try:
            cached: bytes | None = await self.redis.get(name)
        except _REDIS_ERRORS as exc:
            self._warn("get", exc)
            return await compute()  # Redis is failing: do not pay a second timeout to set
        if cached is not None:
            return cached
        value = await compute()
        try:
            await self.redis.set(name, value, ex=ttl)
        except _REDIS_ERRORS as exc:
            self._warn("set", exc)
        return value

    async def invalidate(self, *keys: str) -> bool:
        """Delete the keys; False (and a warning) if Redis could not be told."""
        if not keys:
            return True
        try:
            await self.redis.delete(*(self.prefix + key for key in keys))
        except _REDIS_ERRORS as exc:
            self._warn("invalidate", exc)
            return False
        return True

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


async def request_cache(request: Request) -> RedisCache:
    """The app's cache on its Redis client, keys prefixed by the service name.

    Async although it awaits nothing: FastAPI runs a plain `def` dependency in a worker thread.
    """
    state = request.app.state
    cache: RedisCache | None = getattr(state, "cache", None)
    if cache is None or cache.redis is not state.redis:
        cache = RedisCache(state.redis, prefix=f"cache:{state.settings.service_name}:")
        state.cache = cache
    return cache


CacheDep = Annotated[RedisCache, Depends(request_cache)]
