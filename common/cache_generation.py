"""The cache generation: a token in Redis that every invalidation replaces, read through a barrier.

Each replica keeps recent cache entries in its own memory (``common.local_cache``), so a hit
costs no round trip for the entry itself. A change (a suspended certificate) must still show on
every replica as soon as the writer has its response. Pub/sub cannot promise that: a message is
delivered asynchronously, and a replica that has not yet handled it, or whose subscription is
reconnecting, would serve the old status after the officer saw success. A token can:

- ``replace`` deletes the changed entries and writes a new random token in one MULTI/EXEC. The
  writer calls it after its change committed and before its response leaves
  (``RedisCache.invalidate`` from a ``common.database.after_commit`` callback).
- A local copy is held under the token that was read before its bytes were fetched, and served
  only if a read of the token that *began after the request arrived* returns the same token.
  An invalidation that finished before the request arrived is therefore seen: the copy is
  refused, and the request falls through to Redis, whose entry left in the same transaction.
- ``store_if_current`` writes a computed entry only if the token is still the one read before
  computing, so a reader that loaded the old state just before the change cannot put it back
  into Redis after the invalidation deleted it.
- Tokens are random, never counters: if Redis loses the key (restart, eviction, FLUSHDB) a new
  token is minted, and no copy held under an old one can ever match again. (A failover that
  loses acknowledged writes loses invalidations with them, as it would the deletes alone.)

The price is one GET per *batch* of requests, not per request: ``GenerationBarrier`` keeps at
most one read in flight. A read serves every caller that arrived before its GET was sent;
callers that arrive later cannot use it (Redis may have answered it before the invalidation
they must see) and share the next read, sent as soon as the current one returns. Under load one
round trip serves everyone who arrived during the last.

If the token cannot be read, nothing cached may be trusted: callers compute from the source.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Sequence

from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection

__all__ = ["GenerationBarrier", "GenerationStore", "GenerationUnavailable"]

# KEYS: entry, token; ARGV: bytes, ttl seconds, the token read before computing.
_STORE_IF_CURRENT = """
if redis.call('GET', KEYS[2]) == ARGV[3] then
  return redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
return false
"""


class GenerationUnavailable(Exception):
    """Redis answered, but holds no token even after minting one (flushed in between)."""


def _new_token() -> bytes:
    return secrets.token_hex(16).encode()


class GenerationStore:
    """The token of one cache namespace, and the writes that must move in step with it."""

    def __init__(self, redis: Redis, key: str) -> None:
        self.redis = redis
        self.key = key
        self._store_if_current = redis.register_script(_STORE_IF_CURRENT)
        self._reader: AbstractConnection | None = None
        self._reading = asyncio.Lock()

    async def read(self) -> bytes:
        """The current token, minting one on first use (a racing replica's mint wins)."""
        token = await self._get()
        if token is None:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.set(self.key, _new_token(), nx=True)
                pipe.get(self.key)
                _, token = await pipe.execute()
        if token is None:
            raise GenerationUnavailable(self.key)
        return token

    async def _get(self) -> bytes | None:
        """GET the token on a connection kept for it (checked out once; the pool still closes it).

        Reads come one at a time (the barrier sees to that, the lock makes sure), and skipping
        the pool's checkout, liveness probe and release halves the client's cost of a read.
        """
        async with self._reading:
            if self._reader is None:
                self._reader = await self.redis.connection_pool.get_connection()
            try:
                await self._reader.send_command("GET", self.key)
                token: bytes | None = await self._reader.read_response()
            except BaseException:
                await self._reader.disconnect()  # a reply left half-read would answer the next GET
                raise
            return token

    async def replace(self, deleted: Sequence[str]) -> None:
        """Delete ``deleted`` and move to a new token, atomically."""
        async with self.redis.pipeline(transaction=True) as pipe:
            if deleted:
                pipe.delete(*deleted)
            pipe.set(self.key, _new_token())
            await pipe.execute()

    async def store_if_current(self, name: str, value: bytes, ttl: int, token: bytes) -> bool:
        """SET ``name`` for ``ttl`` seconds unless the token moved on since ``token`` was read."""
        stored = await self._store_if_current(keys=[name, self.key], args=[value, ttl, token])
        return stored is not None


class GenerationBarrier:
    """Each caller gets a read of the token sent after it called; callers share reads.

    A read takes its callers just before it sends its GET: everyone who called by then is
    served by it, everyone later by the next one. Every caller waits on a future of its own, so
    one that gives up (its client gone) cancels only that future, never the shared read.
    """

    def __init__(self, read: Callable[[], Awaitable[bytes]]) -> None:
        self._read = read
        self._reading = False
        self._waiting: list[asyncio.Future[bytes]] = []

    async def current(self) -> bytes:
        waiter: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        if not self._reading:
            self._start()
        return await waiter

    def _start(self) -> None:
        self._reading = True
        asyncio.ensure_future(self._serve_waiting()).add_done_callback(self._finished)

    async def _serve_waiting(self) -> None:
        waiters, self._waiting = self._waiting, []  # all called before the GET is sent
        try:
            token = await self._read()
        except asyncio.CancelledError:
            for waiter in waiters:
                waiter.cancel()
            raise
        except Exception as error:
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(error)
            return
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(token)

    def _finished(self, read: asyncio.Future[None]) -> None:
        self._reading = False
        if self._waiting:  # callers that came after the last read was sent
            self._start()
