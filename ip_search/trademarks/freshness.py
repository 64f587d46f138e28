"""The register's data-freshness stamp, remembered briefly per process.

Every search response carries ``data_as_of`` and every cached result is keyed by it, so reading
it must cost less than the search: one indexed ``max()`` on the read pool (a search opens no
session) at most every ``ttl`` seconds. A new import shows after at most ``ttl`` seconds on
every replica.
"""

from __future__ import annotations

import datetime as dt
import time

from common.read_query import ReadPool
from ip_search.trademarks.repository import read_data_as_of


class Freshness:
    def __init__(self, ttl_seconds: float) -> None:
        self.ttl_seconds = ttl_seconds
        self._value: dt.datetime | None = None
        self._expires = 0.0

    async def get(self, pool: ReadPool) -> dt.datetime | None:
        now = time.monotonic()
        if now >= self._expires:
            self._value = await read_data_as_of(pool)
            self._expires = now + self.ttl_seconds
        return self._value
