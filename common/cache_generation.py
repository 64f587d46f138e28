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
- A computed entry is stored only if the token is still the one read before computing, checked
  and written in one script, so a reader that loaded the old state just before the change
  cannot put it back into Redis after the invalidation deleted it.
- Tokens are random, never counters: if Redis loses the key (restart, eviction, FLUSHDB) a new
  token is minted, and no copy held under an old one can ever match again. (A failover that
  loses acknowledged writes loses invalidations with them, as it would the deletes alone.)

The price is one round trip per *batch* of requests, not per request: ``GenerationBarrier`` keeps
at most one read in flight. A read serves every caller that arrived before it was sent; callers
that arrive later cannot use it (Redis may have answered it before the invalidation they must
see) and share the next read, sent as soon as the current one returns. Under load one round trip
serves everyone who arrived during the last.

A read carries more than the token, so that a miss costs one round trip of its own:

- the entries its callers will need (those not held in memory), read in the same script as the
  token. Atomic with it, they are exactly as new as the token: held under it, they are refused
  as soon as an invalidation moves it, like any other copy.
- the stores queued since the last read, each checked against the token in the same script and
  written before the entries are read. The caller that computed an entry answers without
  waiting for its store: a store only saves later work, and it is checked against the token
  whenever it lands, so landing late can only get it refused, never make it stale. A request
  that arrives after a store was queued shares its read or a later one, so it finds the entry
  if Redis took it.
- for an entry that is absent, if its caller asks, an ask marker: a key of its own, set only if
  missing, so the read tells whether the entry was asked for before within the marker's
  lifetime. A cache that stores only what is asked for twice (``common.caching``) needs no other
  round trip to know.

If the token cannot be read, nothing cached may be trusted: callers compute from the source.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, NamedTuple

from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import NoScriptError

__all__ = [
    "Entry",
    "GenerationBarrier",
    "GenerationStore",
    "GenerationUnavailable",
    "Snapshot",
    "Store",
]

# KEYS: the token, the stored names, then per read its name and its ask marker. ARGV: how many
# stores; per store its bytes, ttl seconds and the token read before computing it; per read the
# seconds its ask marker lives (0: none). Returns the token, a flag per store, and per read its
# GET, its PTTL and whether its marker was there already (an absent entry asked before).
_READ = """
local token = redis.call('GET', KEYS[1])
local stores = tonumber(ARGV[1])
local reply = {token}
for i = 1, stores do
  local stored = 0
  if token and token == ARGV[i * 3 + 1] then
    redis.call('SET', KEYS[1 + i], ARGV[i * 3 - 1], 'EX', ARGV[i * 3])
    stored = 1
  end
  reply[#reply + 1] = stored
end
for j = 1, (#KEYS - 1 - stores) / 2 do
  local name = KEYS[stores + 2 * j]
  local value = redis.call('GET', name)
  local asked = 0
  local lifetime = tonumber(ARGV[1 + stores * 3 + j])
  if not value and lifetime > 0 then
    if not redis.call('SET', KEYS[stores + 2 * j + 1], 1, 'EX', lifetime, 'NX') then
      asked = 1
    end
  end
  reply[#reply + 1] = value
  reply[#reply + 1] = redis.call('PTTL', name)
  reply[#reply + 1] = asked
end
return reply
"""


class GenerationUnavailable(Exception):
    """Redis answered, but holds no token even after minting one (flushed in between)."""


class Entry(NamedTuple):
    """An entry as a read found it: its bytes (None: absent), seconds left (None: no expiry),
    and, when absent and read with an ask marker, whether it was asked for before, within the
    marker's lifetime."""

    value: bytes | None
    lifetime: float | None
    asked_before: bool = False


class Store(NamedTuple):
    """An entry to write for ``ttl`` seconds if the token is still ``token``."""

    name: str
    value: bytes
    ttl: int
    token: bytes


class Snapshot(NamedTuple):
    """What one read found: the token, the entries asked for, whether each store was taken."""

    token: bytes
    entries: Mapping[str, Entry]
    stored: Sequence[bool]


_NOTHING: Mapping[str, Entry] = {}
_NO_NAMES: Mapping[str, int] = {}


def _new_token() -> bytes:
    return secrets.token_hex(16).encode()


class GenerationStore:
    """The token of one cache namespace, and the writes that must move in step with it."""

    def __init__(self, redis: Redis, key: str) -> None:
        self.redis = redis
        self.key = key
        self._script = redis.register_script(_READ)
        self._reader: AbstractConnection | None = None
        self._reading = asyncio.Lock()

    async def read(
        self, stores: Sequence[Store] = (), names: Mapping[str, int] = _NO_NAMES
    ) -> Snapshot:
        """Run ``stores``, then read the token (minted on first use) and the entries ``names``.

        ``names`` maps each entry to the seconds its ask marker lives, 0 for none: an absent
        entry read with a marker leaves one (``{name}:asked``), and the next read of it within
        that time finds it (``Entry.asked_before``)."""
        token, entries, stored = await self._snapshot(stores, names)
        if token is None:
            await self._mint()
            # Entries read before the mint may predate an invalidation whose token the mint
            # kept: read them again, after it. The stores were refused (no token) and stay so.
            # Whether each was asked for before, the first read knew: it left the markers.
            first = entries
            token, entries, _ = await self._snapshot((), names)
            entries = {
                name: entry._replace(asked_before=first[name].asked_before)
                for name, entry in entries.items()
            }
        if token is None:
            raise GenerationUnavailable(self.key)
        return Snapshot(token, entries, stored)

    async def _snapshot(
        self, stores: Sequence[Store], names: Mapping[str, int]
    ) -> tuple[bytes | None, Mapping[str, Entry], Sequence[bool]]:
        """A bare token is one GET; anything more is one script call, atomic with the token."""
        if not stores and not names:
            return await self._command("GET", self.key), _NOTHING, ()
        reply = await self._run(stores, names)
        entries: dict[str, Entry] = {}
        at = 1 + len(stores)
        for name in names:
            value, milliseconds, asked = reply[at : at + 3]
            lifetime = milliseconds / 1000 if milliseconds > 0 else None
            entries[name] = Entry(value, lifetime, asked == 1)
            at += 3
        return reply[0], entries, [flag == 1 for flag in reply[1 : 1 + len(stores)]]

    async def _mint(self) -> None:
        """Write a token unless one exists (a racing replica's or writer's token wins)."""
        await self.redis.set(self.key, _new_token(), nx=True)

    async def _run(self, stores: Sequence[Store], names: Mapping[str, int]) -> Any:
        keys = [self.key, *(store.name for store in stores)]
        args: list[bytes | int] = [len(stores)]
        for store in stores:
            args += (store.value, store.ttl, store.token)
        for name, marker_seconds in names.items():
            keys += (name, f"{name}:asked")
            args.append(marker_seconds)
        try:
            return await self._command("EVALSHA", self._script.sha, len(keys), *keys, *args)
        except NoScriptError:  # Redis restarted or its scripts were flushed: EVAL loads it
            return await self._command("EVAL", _READ, len(keys), *keys, *args)

    async def _command(self, *args: Any) -> Any:
        """Send on a connection kept for reads (checked out once; the pool still closes it).

        Reads come one at a time (the barrier sees to that, the lock makes sure), and skipping
        the pool's checkout, liveness probe and release halves the client's cost of a read.
        """
        async with self._reading:
            if self._reader is None:
                self._reader = await self.redis.connection_pool.get_connection()
            try:
                await self._reader.send_command(*args)
                return await self._reader.read_response()
            except NoScriptError:
                raise  # a whole error reply: the connection is in step
            except BaseException:
                await self._reader.disconnect()  # a reply left half-read would answer the next
                raise

    async def replace(self, deleted: Sequence[str]) -> None:
        """Delete ``deleted`` and move to a new token, atomically."""
        async with self.redis.pipeline(transaction=True) as pipe:
            if deleted:
                pipe.delete(*deleted)
            pipe.set(self.key, _new_token())
            await pipe.execute()


class GenerationBarrier:
    """Each caller gets a read sent after it called; callers share reads, and queue stores.

    A read takes its callers, the names they asked for and the queued stores just before it is
    sent: everyone who called by then is served by it, everyone later by the next one. Every
    caller waits on a future of its own, so one that gives up (its client gone) cancels only
    that future, never the shared read.
    """

    def __init__(
        self, read: Callable[[Sequence[Store], Mapping[str, int]], Awaitable[Snapshot]]
    ) -> None:
        self._read = read
        self._reading = False
        self._waiting: list[asyncio.Future[Snapshot]] = []
        self._names: dict[str, int] = {}
        self._stores: list[tuple[Store, asyncio.Future[bool]]] = []

    async def current(self) -> bytes:
        """The token, read after this call."""
        return (await self._wait()).token

    async def current_with(self, name: str, marker_seconds: int = 0) -> tuple[bytes, Entry]:
        """The token and the entry ``name``, read together after this call; if absent, with
        an ask marker that lives ``marker_seconds`` (``GenerationStore.read``)."""
        self._names[name] = max(marker_seconds, self._names.get(name, 0))
        snapshot = await self._wait()
        return snapshot.token, snapshot.entries[name]

    def store(self, store: Store) -> asyncio.Future[bool]:
        """Queue ``store`` for the next read; the future tells whether Redis took it."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._stores.append((store, done))
        if not self._reading:
            self._start()
        return done

    def _wait(self) -> asyncio.Future[Snapshot]:
        waiter: asyncio.Future[Snapshot] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        if not self._reading:
            self._start()
        return waiter

    def _start(self) -> None:
        self._reading = True
        asyncio.ensure_future(self._serve_waiting()).add_done_callback(self._finished)

    async def _serve_waiting(self) -> None:
        # Take everything that came before the read is sent.
        waiters, self._waiting = self._waiting, []
        names, self._names = self._names, {}
        queued, self._stores = self._stores, []
        futures: list[asyncio.Future[Any]] = [*waiters, *(done for _, done in queued)]
        try:
            snapshot = await self._read([store for store, _ in queued], names)
        except asyncio.CancelledError:
            for future in futures:
                future.cancel()
            raise
        except Exception as error:
            for future in futures:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, done), stored in zip(queued, snapshot.stored, strict=True):
            if not done.done():
                done.set_result(stored)
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(snapshot)

    def _finished(self, read: asyncio.Future[None]) -> None:
        self._reading = False
        if self._waiting or self._stores:  # callers and stores that came after the last read
            self._start()
