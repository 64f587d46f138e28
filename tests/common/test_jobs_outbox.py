"""Outbox and relay on real PostgreSQL and Redis: a message leaves only with its commit, once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.jobs import (
    InvalidOutboxMessage,
    JobQueue,
    enqueue,
    outbox_job_id,
    queue_name,
    reclaim_stale,
    relay_pending,
)
from common.jobs.queue import DELIVER_FUNCTION
from tax_exemption.models import platform_tables as tables

SCHEMA = "tax_exemption"
QUEUE = queue_name(SCHEMA)


@pytest.fixture
async def queue(redis_url: str, clean_backends: None) -> AsyncIterator[JobQueue]:
    redis = await create_pool(RedisSettings.from_dsn(redis_url), default_queue_name=QUEUE)
    yield JobQueue(redis, QUEUE)
    await redis.aclose()


async def _commit_messages(engine: AsyncEngine, count: int, **options: Any) -> list[int]:
    async with AsyncSession(engine) as session, session.begin():
        return [
            await enqueue(session, tables, "filing.approved", {"filing_id": n}, **options)
            for n in range(count)
        ]


async def _queued(redis: ArqRedis) -> list[str]:
    return sorted(job_id.decode() for job_id in await redis.zrange(QUEUE, 0, -1))


async def _outbox_rows(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(tables.outbox)) or 0)


async def test_rolled_back_message_is_never_relayed(
    db_engine: AsyncEngine, queue: JobQueue
) -> None:
    async with AsyncSession(db_engine) as session:
        await enqueue(session, tables, "filing.approved", {"filing_id": 1})
        await session.rollback()

    assert await relay_pending(db_engine, tables, queue) == []
    assert await _outbox_rows(db_engine) == 0
    assert await _queued(queue.redis) == []


async def test_committed_message_is_relayed_exactly_once(
    db_engine: AsyncEngine, queue: JobQueue
) -> None:
    [message_id] = await _commit_messages(db_engine, 1)

    assert await relay_pending(db_engine, tables, queue) == [message_id]
    assert await relay_pending(db_engine, tables, queue) == []
    assert await _queued(queue.redis) == [outbox_job_id(SCHEMA, message_id)]
    job = await queue.redis.get(f"arq:job:{outbox_job_id(SCHEMA, message_id)}")
    assert job is not None and DELIVER_FUNCTION.encode() in job
    async with db_engine.connect() as connection:
        relayed_at = await connection.scalar(select(tables.outbox.c.relayed_at))
    assert relayed_at is not None


async def test_two_concurrent_relays_split_the_messages(
    db_engine: AsyncEngine, queue: JobQueue
) -> None:
    ids = await _commit_messages(db_engine, 300)

    async def relay_until_empty() -> list[int]:
        claimed: list[int] = []
        while batch := await relay_pending(db_engine, tables, queue, batch=7):
            claimed += batch
        return claimed

    first, second = await asyncio.gather(relay_until_empty(), relay_until_empty())

    assert not set(first) & set(second)
    assert sorted(first + second) == ids
    assert await _queued(queue.redis) == sorted(outbox_job_id(SCHEMA, i) for i in ids)


async def test_relay_skips_rows_another_relay_holds(
    db_engine: AsyncEngine, queue: JobQueue
) -> None:
    held, free = await _commit_messages(db_engine, 2)
    async with db_engine.connect() as other_relay, other_relay.begin():
        await other_relay.execute(
            select(tables.outbox.c.id).where(tables.outbox.c.id == held).with_for_update()
        )
        assert await relay_pending(db_engine, tables, queue) == [free]

    assert await relay_pending(db_engine, tables, queue) == [held]


async def test_relay_after_a_crash_adds_no_second_job(
    db_engine: AsyncEngine, queue: JobQueue
) -> None:
    [message_id] = await _commit_messages(db_engine, 1)
    # A relay that enqueued the job and then died before committing relayed_at:
    await queue.redis.enqueue_job(
        DELIVER_FUNCTION,
        SCHEMA,
        message_id,
        _job_id=outbox_job_id(SCHEMA, message_id),
        _queue_name=QUEUE,
    )

    assert await relay_pending(db_engine, tables, queue) == [message_id]
    assert await _queued(queue.redis) == [outbox_job_id(SCHEMA, message_id)]


async def test_stale_relayed_message_is_relayed_again_without_a_second_job(
    db_engine: AsyncEngine, queue: JobQueue
) -> None:
    fresh, stale = await _commit_messages(db_engine, 2)
    await relay_pending(db_engine, tables, queue)
    async with db_engine.begin() as connection:
        hour_ago = func.now() - timedelta(hours=1)
        await connection.execute(
            update(tables.outbox).where(tables.outbox.c.id == stale).values(relayed_at=hour_ago)
        )

    assert await reclaim_stale(db_engine, tables) == 1
    assert await relay_pending(db_engine, tables, queue) == [stale]
    assert await _queued(queue.redis) == sorted(outbox_job_id(SCHEMA, i) for i in (fresh, stale))


async def test_message_waits_until_it_is_due(db_engine: AsyncEngine, queue: JobQueue) -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    await _commit_messages(db_engine, 1, available_at=later)

    assert await relay_pending(db_engine, tables, queue) == []
    assert await _queued(queue.redis) == []


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("Filing Approved", {"filing_id": 1}),
        ("filing..approved", {"filing_id": 1}),
        ("x" * 101, {"filing_id": 1}),
        ("filing.approved", {"at": datetime.now(UTC)}),
        ("filing.approved", {"ratio": float("nan")}),
        ("filing.approved", {"name": "nul\x00byte"}),
        ("filing.approved", {"blob": "x" * 70_000}),
        ("filing.approved", ["not", "an", "object"]),
    ],
)
async def test_invalid_messages_are_refused_and_nothing_is_written(
    db_engine: AsyncEngine, clean_backends: None, topic: str, payload: Any
) -> None:
    async with AsyncSession(db_engine) as session, session.begin():
        with pytest.raises(InvalidOutboxMessage):
            await enqueue(session, tables, topic, payload)

    assert await _outbox_rows(db_engine) == 0


async def test_naive_available_at_is_refused(db_engine: AsyncEngine, clean_backends: None) -> None:
    async with AsyncSession(db_engine) as session, session.begin():
        with pytest.raises(InvalidOutboxMessage):
            await enqueue(session, tables, "filing.approved", {}, available_at=datetime.now())

    assert await _outbox_rows(db_engine) == 0
