"""SQLAlchemy's asyncio connection pool, made fair: waiting requests get connections in order.

``AsyncAdaptedQueuePool`` keeps idle connections in an ``asyncio.Queue``, and both take the
first idle connection there is: a request arriving between a release and the wake-up of the
request waiting for it takes the connection, and the waiter queues again at the back. At
saturation a request was overtaken by 249 later ones (the same flaw as asyncpg's pool,
``common.driver``), so a few requests waited many times longer than the rest.

``HandOffQueue`` gives a returned connection straight to the longest waiter: a connection is
idle in the queue only while nobody waits, so no later request can take it first.
``FairAsyncQueuePool`` is the asyncio pool with that queue; ``common.database`` uses it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TypeVar

from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util import await_
from sqlalchemy.util.queue import Empty, Full, QueueCommon

__all__ = ["FairAsyncQueuePool", "HandOffQueue"]

T = TypeVar("T")


class HandOffQueue(QueueCommon[T]):
    """The queue of a pool's idle connections, served first come, first served.

    ``get`` is called in the greenlet SQLAlchemy runs sync pool code in, so it waits through
    ``await_`` on the running loop.
    """

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        self.maxsize = maxsize
        self.use_lifo = use_lifo
        self._idle: deque[T] = deque()
        self._waiters: deque[asyncio.Future[T]] = deque()

    def empty(self) -> bool:
        return not self._idle

    def full(self) -> bool:
        return 0 < self.maxsize <= len(self._idle)

    def qsize(self) -> int:
        return len(self._idle)

    def put_nowait(self, item: T) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():  # skip those that gave up (timed out, cancelled)
                waiter.set_result(item)
                return
        if self.full():
            raise Full()
        self._idle.append(item)

    def put(self, item: T, block: bool = True, timeout: float | None = None) -> None:
        # A pool puts back only what it took, so the queue is never full for a put that may
        # block: there is nothing to wait for.
        self.put_nowait(item)

    def get_nowait(self) -> T:
        if not self._idle:
            raise Empty()
        return self._idle.pop() if self.use_lifo else self._idle.popleft()

    def get(self, block: bool = True, timeout: float | None = None) -> T:
        if not block or self._idle:
            return self.get_nowait()
        try:
            return await_(asyncio.wait_for(self._handed(), timeout))
        except TimeoutError as exc:
            raise Empty() from exc

    async def _handed(self) -> T:
        waiter: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.cancelled():
                self._waiters.remove(waiter)
            else:  # handed a connection in the same turn it gave up: pass it on
                self.put_nowait(waiter.result())
            raise


class FairAsyncQueuePool(AsyncAdaptedQueuePool):
    """``AsyncAdaptedQueuePool`` with a ``HandOffQueue`` for its idle connections."""

    _queue_class = HandOffQueue[ConnectionPoolEntry]
