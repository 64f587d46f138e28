"""Request counters for rate limits: shared in Redis, cheap on the request path.

A request far below its budget is counted locally and the increments are pushed to Redis in the
background every ``FLUSH_INTERVAL_SECONDS`` (one ``limits`` INCR per active key), so the common
case costs no round trip. Once a client's estimated count passes half its budget, every request
is counted synchronously in Redis (pending local increments included) and the decision is
exact. Over-admission is bounded: each replica may admit at most half a budget it has not yet
reported, and only for one flush interval's worth of requests.

Windows are fixed and aligned to the clock, so one INCR both decides and yields the remaining
count and the reset time (a sliding-window counter needs two round trips); the price is the
fixed window's known edge, up to twice the limit across a window boundary.

If Redis errors or times out, counting falls back to an in-process ``limits`` storage (logged
once) and Redis is retried after a cool-down: public endpoints keep answering.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from typing import NamedTuple

import structlog
from limits import RateLimitItem
from limits.aio.storage import Storage
from limits.errors import StorageError
from redis.exceptions import RedisError

REDIS_TIMEOUT_SECONDS = 0.5
REDIS_COOLDOWN_SECONDS = 30.0
FLUSH_INTERVAL_SECONDS = 0.1
_BACKEND_ERRORS = (RedisError, OSError, TimeoutError, StorageError)

logger = structlog.get_logger("moea.ratelimit")


class Decision(NamedTuple):  # a tuple: made on every request, and cheaper than a dataclass
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }

    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """``headers()`` as an ASGI response carries them (no per-request encoding pass)."""
        return (
            (b"ratelimit-limit", b"%d" % self.limit),
            (b"ratelimit-remaining", b"%d" % self.remaining),
            (b"ratelimit-reset", b"%d" % self.reset_seconds),
        )


class FailoverStorage:
    """Redis first; on an error or timeout the in-process storage, until the cool-down ends."""

    def __init__(
        self,
        primary: Storage | None,
        fallback: Storage,
        *,
        timeout: float = REDIS_TIMEOUT_SECONDS,
        cooldown: float = REDIS_COOLDOWN_SECONDS,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.timeout = timeout
        self.cooldown = cooldown
        self._primary_down_until: float | None = None

    async def incr(self, key: str, expiry: int, amount: int) -> int:
        if self.primary is not None and self._primary_due():
            try:
                async with asyncio.timeout(self.timeout):
                    count = await self.primary.incr(key, expiry, amount=amount)
            except _BACKEND_ERRORS as exc:
                self._trip(exc)
            else:
                self._recover()
                return count
        return await self.fallback.incr(key, expiry, amount=amount)

    @property
    def using_fallback(self) -> bool:
        return self.primary is None or self._primary_down_until is not None

    def _primary_due(self) -> bool:
        return self._primary_down_until is None or time.monotonic() >= self._primary_down_until

    def _trip(self, exc: BaseException) -> None:
        if self._primary_down_until is None:  # log the outage once, not on every retry
            logger.warning("rate limiter falls back to in-process limits", error=repr(exc))
        self._primary_down_until = time.monotonic() + self.cooldown

    def _recover(self) -> None:
        if self._primary_down_until is not None:
            logger.info("rate limiter back on redis")
            self._primary_down_until = None


@dataclass(slots=True)
class _Window:
    expiry: int
    ends_at: float
    seen: int = 0  # the shared count when we last talked to the storage
    pending: int = 0  # counted here, not yet pushed


class BatchedCounter:
    def __init__(
        self, storage: FailoverStorage, *, flush_interval: float = FLUSH_INTERVAL_SECONDS
    ) -> None:
        self.storage = storage
        self.flush_interval = flush_interval
        self._windows: dict[str, _Window] = {}
        self._flusher: asyncio.Task[None] | None = None

    async def hit(self, item: RateLimitItem, *identifiers: str) -> Decision:
        now = time.time()
        expiry = item.get_expiry()
        key = _window_key(item, identifiers, int(now // expiry))
        window = self._windows.get(key) or self._open(key, expiry, now)
        reset = math.ceil(window.ends_at - now)
        estimate = window.seen + window.pending + 1
        if estimate * 2 <= item.amount:
            window.pending += 1
            self._schedule_flush()
            return Decision(True, item.amount, item.amount - estimate, reset)
        count = await self._push(key, window, extra=1)
        return Decision(count <= item.amount, item.amount, max(item.amount - count, 0), reset)

    async def flush(self) -> None:
        """Push every pending increment and forget windows that have ended."""
        now = time.time()
        for key, window in list(self._windows.items()):
            if window.pending:
                await self._push(key, window, extra=0)
            if window.ends_at <= now:
                del self._windows[key]

    async def aclose(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None
        await self.flush()

    def _open(self, key: str, expiry: int, now: float) -> _Window:
        window = _Window(expiry=expiry, ends_at=(now // expiry + 1) * expiry)
        self._windows[key] = window
        return window

    async def _push(self, key: str, window: _Window, *, extra: int) -> int:
        """Add the pending increments (and ``extra`` for this request) to the shared count.

        Pending is taken before the await: hits arriving meanwhile stay pending for next time.
        """
        amount, window.pending = window.pending + extra, 0
        window.seen = await self.storage.incr(key, window.expiry, amount)
        return window.seen

    def _schedule_flush(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(self.flush_interval)
        try:
            await self.flush()
        except Exception as exc:  # a background push must never kill the process
            logger.warning("rate counter flush failed", error=repr(exc))


def _window_key(item: RateLimitItem, identifiers: tuple[str, ...], window: int) -> str:
    """``item.key_for(*identifiers, window)``, without its per-part type coercions."""
    parts = "/".join(identifiers)
    return (
        f"{item.namespace}/{parts}/{window}/{item.amount}/{item.multiples}/{item.GRANULARITY.name}"
    )
