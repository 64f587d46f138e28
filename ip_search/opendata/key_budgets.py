"""Rate-limit budgets of API-key holders: a request with ``X-API-Key`` counts against its key.

The edge (``common.ratelimit``) asks ``ApiKeyBudgets`` about every request. Without the header
the request keeps the default budget (per user, else per IP address). With a valid key it
counts against the key's own ``requests_per_minute``, so a bulk client behind a NAT neither
starves the others behind that address nor is starved by them. An unknown or revoked key is
refused with a 401 problem, counted against the caller's IP budget (guessing keys is
rate-limited too) and never against the key it names.

Keys are looked up by their keyed hash and remembered for ``CACHE_SECONDS``: a revocation
reaches the edge within that time (downloads re-check the key in the database every time).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from starlette.types import Scope

from common.database import Database
from common.errors import Unauthorized
from common.pii.blind_index import BlindIndex
from common.ratelimit import ClientBudget
from ip_search.opendata import apikeys, repository

CACHE_SECONDS = 30.0
CACHE_ENTRIES = 10_000  # unknown keys are remembered too: a flood of them must not grow memory
MAX_KEY_CHARS = 200
_HEADER = apikeys.HEADER.lower().encode("latin-1")


@dataclass(frozen=True, slots=True)
class KeyHolder:
    key_id: int
    requests_per_minute: int

    @property
    def identity(self) -> str:
        return f"key:{self.key_id}"


class ApiKeyBudgets:
    """The ``BudgetResolver`` of ip_search (see ``common.ratelimit``)."""

    def __init__(self, index: BlindIndex) -> None:
        self.index = index
        self._known: dict[str, tuple[float, KeyHolder | None]] = {}

    async def __call__(self, scope: Scope) -> ClientBudget | None:
        key = api_key_of(scope)
        if key is None:
            return None
        holder = await self.holder(scope["app"].state.database, key)
        return ClientBudget(holder.identity, RateLimitItemPerMinute(holder.requests_per_minute))

    async def holder(self, database: Database, key: str) -> KeyHolder:
        """The active key's holder; 401 for a key that is malformed, unknown or revoked."""
        if len(key) > MAX_KEY_CHARS:
            raise Unauthorized("unknown or revoked API key")
        digest = apikeys.key_hash(self.index, key)
        now = time.monotonic()
        cached = self._known.get(digest)
        if cached is None or cached[0] <= now:
            cached = (now + CACHE_SECONDS, await _lookup(database, digest))
            self._remember(digest, cached)
        if cached[1] is None:
            raise Unauthorized("unknown or revoked API key")
        return cached[1]

    def _remember(self, digest: str, entry: tuple[float, KeyHolder | None]) -> None:
        self._known.pop(digest, None)
        if len(self._known) >= CACHE_ENTRIES:
            self._known.pop(next(iter(self._known)))  # the oldest entry
        self._known[digest] = entry


def api_key_of(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == _HEADER:
            return str(value.decode("latin-1"))
    return None


async def _lookup(database: Database, digest: str) -> KeyHolder | None:
    async with database.session(read_only=True) as session:
        row = await repository.active_api_key(session, digest)
    return None if row is None else KeyHolder(row["id"], row["requests_per_minute"])
