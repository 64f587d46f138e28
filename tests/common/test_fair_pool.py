"""The services' SQLAlchemy pool serves waiting requests first come, first served, on real
PostgreSQL; a request that gives up waiting leaves no place in line behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util.queue import Empty

from common.database import create_engine
from common.fair_pool import FairAsyncQueuePool, HandOffQueue
from common.settings import ServiceSettings
from tests.common.arrival_order import served_order


@pytest.fixture
async def two_connections(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(
        database_url, poolclass=FairAsyncQueuePool, pool_size=2, max_overflow=0, pool_timeout=0.2
    )
    async with engine.connect(), engine.connect():
        pass  # both connections open: none is slow to connect in a test
    yield engine
    await engine.dispose()


def test_the_services_engines_use_the_fair_pool(database_url: str) -> None:
    engine = create_engine(ServiceSettings(database_url=database_url))
    assert isinstance(engine.pool, FairAsyncQueuePool)


async def test_requests_get_connections_in_the_order_they_asked(
    two_connections: AsyncEngine,
) -> None:
    served = await served_order(two_connections.connect, lambda c: c.execute(text("SELECT 1")))

    # SQLAlchemy's own asyncio queue served one of them after 249 later arrivals.
    assert served == list(range(200))


async def test_a_request_that_timed_out_leaves_the_connections_to_the_others(
    two_connections: AsyncEngine,
) -> None:
    async with two_connections.connect(), two_connections.connect():
        with pytest.raises(exc.TimeoutError):
            async with two_connections.connect():
                pass  # both connections are taken: this one waits 0.2 s and gives up
    async with two_connections.connect() as first, two_connections.connect() as second:
        assert await first.scalar(text("SELECT 1")) == await second.scalar(text("SELECT 2")) - 1


async def test_a_connection_put_back_waits_for_no_one_who_gave_up() -> None:
    queue: HandOffQueue[str] = HandOffQueue(maxsize=1)
    with pytest.raises(Empty):
        await greenlet_spawn(queue.get, True, 0.01)

    queue.put_nowait("connection")

    assert queue.qsize() == 1
    assert queue.get_nowait() == "connection"


async def test_a_connection_put_back_goes_to_the_longest_waiter() -> None:
    queue: HandOffQueue[str] = HandOffQueue(maxsize=2)
    first = asyncio.create_task(greenlet_spawn(queue.get, True, 5.0))
    await asyncio.sleep(0.01)
    second = asyncio.create_task(greenlet_spawn(queue.get, True, 5.0))
    await asyncio.sleep(0.01)

    queue.put_nowait("a")
    queue.put_nowait("b")

    assert (await first, await second) == ("a", "b")
    assert queue.empty()
