"""This process's resident index, read again whenever the register's stamp moves past it.

``current`` answers in microseconds: the index when it is as fresh as the register (the stamp
``Freshness`` keeps, re-read at most every ``data_as_of_cache_seconds``), else None, after
starting a load in the background if none runs. A stale index is dropped at once, so a process
never holds two, and searches go to PostgreSQL until the new one is in. A load after an import
starts after a random delay of up to ``spread_seconds``: one load costs PostgreSQL about 15 s
of CPU at a million marks, and every replica notices the import within a second. A failed load
is tried again after ``RETRY_SECONDS``, not by every search.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections.abc import Awaitable, Callable

import structlog

from common.driver import DriverPool
from ip_search.search.resident.index import ResidentIndex
from ip_search.search.resident.loading import load_index

RETRY_SECONDS = 30.0
logger = structlog.get_logger("moea.ip_search.resident")

StampReader = Callable[[], Awaitable[dt.datetime | None]]


def is_fresh(index: ResidentIndex, stamp: dt.datetime | None) -> bool:
    """The index holds every import up to ``stamp`` (one read just after a newer import, while
    this process still trusts the older stamp, holds more: it is fresher, not stale)."""
    if index.stamp == stamp:
        return True
    return index.stamp is not None and stamp is not None and index.stamp > stamp


class ResidentIndexNotReady(RuntimeError):
    """The index is loading (at start-up, or after an import), or its last load failed."""


class ResidentIndexHolder:
    def __init__(
        self, pool: DriverPool, stamp: StampReader, *, spread_seconds: float = 0.0
    ) -> None:
        self._pool = pool
        self._stamp = stamp
        self._spread_seconds = spread_seconds
        self._index: ResidentIndex | None = None
        self._task: asyncio.Task[None] | None = None
        self._retry_at = 0.0

    async def current(self) -> ResidentIndex | None:
        """The index if it is fresh, else None (and a load is under way)."""
        stamp = await self._stamp()
        index = self._index
        if index is not None and is_fresh(index, stamp):
            return index
        # Every replica sees an import within a second: spread their loads (each costs
        # PostgreSQL seconds of CPU) instead of running them all at once.
        self.reload(delay=self._spread_seconds * random.random())  # noqa: S311 - not secret
        return None

    def reload(self, *, delay: float = 0.0) -> None:
        """Start reading the index again after ``delay`` seconds, unless a load is under way
        or failed a moment ago. The index held until now is dropped at once."""
        if self._task is not None and not self._task.done():
            return
        if time.monotonic() < self._retry_at:
            return
        self._index = None
        self._task = asyncio.create_task(self._load(delay), name="resident-index-load")

    async def ready(self) -> None:
        """Readiness probe: the index is fresh. Reported, not fatal (``/readyz`` says degraded):
        while it loads, searches read PostgreSQL."""
        if await self.current() is None:
            raise ResidentIndexNotReady("the resident index is loading")

    async def loaded(self) -> ResidentIndex | None:
        """The index once the load under way (if any) has finished: for start-up checks."""
        if self._task is not None:
            await asyncio.shield(self._task)
        return self._index

    async def _load(self, delay: float) -> None:
        await asyncio.sleep(delay)
        started = time.perf_counter()
        try:
            async with self._pool.dedicated() as connection:
                index = await load_index(connection)
        except Exception:
            self._retry_at = time.monotonic() + RETRY_SECONDS
            logger.exception("resident index load failed", retry_seconds=RETRY_SECONDS)
            return
        self._index = index
        logger.info(
            "resident index loaded",
            marks=index.size,
            stamp=index.stamp.isoformat() if index.stamp else None,
            seconds=round(time.perf_counter() - started, 2),
            card_bytes=len(index.cards),
        )

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
