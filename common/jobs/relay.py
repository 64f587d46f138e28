"""The relay: committed, due outbox messages become arq jobs, each exactly once.

Rows are claimed with ``FOR UPDATE SKIP LOCKED``, so any number of relays (one per worker
replica) share the work without sending a message twice. Each job gets a deterministic id; if a
relay dies after enqueueing but before committing ``relayed_at``, the next relay's enqueue finds
the job already there and adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from common.jobs.queue import DELIVER_FUNCTION, JobQueue, outbox_job_id
from common.platform_tables import PlatformTables

DEFAULT_BATCH = 100
STALE_AFTER = timedelta(minutes=15)


async def relay_pending(
    engine: AsyncEngine, tables: PlatformTables, queue: JobQueue, *, batch: int = DEFAULT_BATCH
) -> list[int]:
    """Relay up to ``batch`` due messages in one transaction; return their ids."""
    outbox = tables.outbox
    schema = _schema(outbox)
    async with engine.begin() as connection:
        ids = await _claim(connection, outbox, batch)
        for message_id in ids:
            await queue.redis.enqueue_job(
                DELIVER_FUNCTION,
                schema,
                message_id,
                _job_id=outbox_job_id(schema, message_id),
                _queue_name=queue.name,
            )
        if ids:
            await connection.execute(
                update(outbox).where(outbox.c.id.in_(ids)).values(relayed_at=func.now())
            )
    return ids


async def relay_all(
    engine: AsyncEngine, tables: PlatformTables, queue: JobQueue, *, batch: int = DEFAULT_BATCH
) -> int:
    """Relay batches until the due backlog is empty (bounded, so one run cannot hog a worker)."""
    total = 0
    for _ in range(50):
        relayed = len(await relay_pending(engine, tables, queue, batch=batch))
        total += relayed
        if relayed < batch:
            break
    return total


async def reclaim_stale(
    engine: AsyncEngine, tables: PlatformTables, *, older_than: timedelta = STALE_AFTER
) -> int:
    """Make long-unfinished relayed messages relayable again.

    Covers a job lost on the Redis side (flushed, expired, failed outside our code). A job that
    still exists is not duplicated: the relay's enqueue with the same job id adds nothing.
    """
    outbox = tables.outbox
    async with engine.begin() as connection:
        result = await connection.execute(
            update(outbox)
            .where(
                outbox.c.relayed_at < func.now() - older_than,
                outbox.c.completed_at.is_(None),
                outbox.c.failed_at.is_(None),
            )
            .values(relayed_at=None)
            .returning(outbox.c.id)
        )
        return len(result.all())


async def _claim(connection: AsyncConnection, outbox: Table, batch: int) -> list[int]:
    result = await connection.execute(
        select(outbox.c.id)
        .where(
            outbox.c.relayed_at.is_(None),
            outbox.c.completed_at.is_(None),
            outbox.c.failed_at.is_(None),
            outbox.c.available_at <= func.now(),
        )
        .order_by(outbox.c.available_at, outbox.c.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    return list(result.scalars())


def _schema(outbox: Table) -> str:
    if outbox.schema is None:
        raise ValueError("the outbox table must belong to a service schema")
    return outbox.schema
