"""ReadQuery on real PostgreSQL: Core statements compiled once, bound parameters, read-only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.read_query import ReadPool, ReadQuery
from common.settings import ServiceSettings
from tax_exemption.models import platform_tables

OUTBOX = platform_tables.outbox
BY_TOPIC = ReadQuery(
    select(OUTBOX.c.id, OUTBOX.c.topic)
    .where(OUTBOX.c.topic == bindparam("topic"))
    .order_by(OUTBOX.c.id)
)


@pytest.fixture
async def pool(database_url: str, clean_backends: None) -> AsyncIterator[ReadPool]:
    reads = ReadPool(ServiceSettings(database_url=database_url))
    yield reads
    await reads.close()


async def _insert(engine: AsyncEngine, *topics: str) -> None:
    async with engine.begin() as connection:
        for topic in topics:
            await connection.execute(OUTBOX.insert().values(topic=topic, payload={}))


async def test_rows_come_back_for_bound_parameters(pool: ReadPool, db_engine: AsyncEngine) -> None:
    await _insert(db_engine, "case.filed", "case.filed", "case.closed")

    rows = await BY_TOPIC.fetch_all(pool, topic="case.filed")
    one = await BY_TOPIC.fetch_one(pool, topic="case.closed")
    none = await BY_TOPIC.fetch_one(pool, topic="x' OR '1'='1")

    assert [row["topic"] for row in rows] == ["case.filed", "case.filed"]
    assert one is not None and one["topic"] == "case.closed"
    assert none is None  # the value is bound, never spliced into the SQL


async def test_a_missing_parameter_is_refused_before_the_database(pool: ReadPool) -> None:
    with pytest.raises(TypeError, match="topic"):
        await BY_TOPIC.fetch_one(pool)


async def test_the_read_pool_cannot_write(pool: ReadPool, db_engine: AsyncEngine) -> None:
    connections = await pool.get()
    with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
        await connections.execute(
            "INSERT INTO tax_exemption.outbox (topic, payload) VALUES ('x', '{}')"
        )
    async with db_engine.connect() as connection:
        count = await connection.scalar(text("SELECT count(*) FROM tax_exemption.outbox"))
    assert count == 0
