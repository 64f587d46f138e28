"""The register's data-freshness stamp, remembered briefly per process.

Every search response carries ``data_as_of`` and every cached result is keyed by it, so reading
it must cost less than the search: one indexed ``max()`` on the read pool (a search opens no
session) at most every ``ttl`` seconds. A new import shows after at most ``ttl`` seconds on
every replica. The searches that find the stamp expired together share one read: each asks
twice (for its cache key and for the resident index), and at a few hundred searches a second
every expiry used to send a dozen identical queries.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time

from common.read_query import ReadPool
from ip_search.trademarks.repository import read_data_as_of

Stamp = dt.datetime | None


class Freshness:
    def __init__(self, ttl_seconds: float) -> None:
        self.ttl_seconds = ttl_seconds
        self._value: Stamp = None
        self._expires = 0.0
        self._reading: asyncio.Task[Stamp] | None = None

    async def get(self, pool: ReadPool) -> Stamp:
        if time.monotonic() < self._expires:
            return self._value
        if self._reading is None:
            self._reading = asyncio.create_task(self._read(pool), name="data-as-of-read")
        # Shielded: a caller that is cancelled (its client left) leaves the read to the others.
        return await asyncio.shield(self._reading)

    async def _read(self, pool: ReadPool) -> Stamp:
        started = time.monotonic()
        try:
            value = await read_data_as_of(pool)
        finally:
            self._reading = None  # a failed read is not remembered: the next caller reads again
        self._value = value
        self._expires = started + self.ttl_seconds
        return value
