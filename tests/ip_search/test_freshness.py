"""The data-freshness stamp: read from PostgreSQL at most once per TTL, however many searches
ask for it at once, and never remembered from a read that failed."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest

from common.read_query import ReadPool
from common.settings import ServiceSettings
from ip_search.trademarks import freshness as freshness_module
from ip_search.trademarks.freshness import Freshness
from ip_search.trademarks.repository import read_data_as_of


@pytest.fixture
async def read_pool(database_url: str) -> AsyncIterator[ReadPool]:
    pool = ReadPool(ServiceSettings(database_url=database_url))
    yield pool
    await pool.close()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How often the stamp was read from PostgreSQL (each read is real)."""
    count = [0]

    async def counted(pool: ReadPool) -> dt.datetime | None:
        count[0] += 1
        return await read_data_as_of(pool)

    monkeypatch.setattr(freshness_module, "read_data_as_of", counted)
    return count


async def test_searches_arriving_together_share_one_read(
    read_pool: ReadPool, reads: list[int]
) -> None:
    freshness = Freshness(ttl_seconds=60)
    stamps = await asyncio.gather(*(freshness.get(read_pool) for _ in range(32)))
    assert reads == [1]
    assert len(set(stamps)) == 1
    assert stamps[0] == await read_data_as_of(read_pool)


async def test_the_stamp_is_read_again_once_its_ttl_has_passed(
    read_pool: ReadPool, reads: list[int]
) -> None:
    freshness = Freshness(ttl_seconds=0.05)
    await freshness.get(read_pool)
    await freshness.get(read_pool)
    assert reads == [1]
    await asyncio.sleep(0.06)
    await freshness.get(read_pool)
    assert reads == [2]


async def test_a_cancelled_search_does_not_cancel_the_read_others_wait_for(
    read_pool: ReadPool, reads: list[int]
) -> None:
    freshness = Freshness(ttl_seconds=60)
    first = asyncio.create_task(freshness.get(read_pool))
    second = asyncio.create_task(freshness.get(read_pool))
    await asyncio.sleep(0)
    first.cancel()
    assert await second == await read_data_as_of(read_pool)
    assert first.cancelled()
    assert reads == [1]


async def test_a_failed_read_is_not_remembered(
    read_pool: ReadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreachable(pool: ReadPool) -> dt.datetime | None:
        raise ConnectionError("PostgreSQL is unreachable")

    freshness = Freshness(ttl_seconds=60)
    monkeypatch.setattr(freshness_module, "read_data_as_of", unreachable)
    results = await asyncio.gather(
        freshness.get(read_pool), freshness.get(read_pool), return_exceptions=True
    )
    assert all(isinstance(r, ConnectionError) for r in results)
    monkeypatch.setattr(freshness_module, "read_data_as_of", read_data_as_of)
    assert await freshness.get(read_pool) == await read_data_as_of(read_pool)
