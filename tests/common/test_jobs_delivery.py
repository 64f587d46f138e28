"""Delivery by a real arq worker (in-process, burst mode) on real PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.applications import Starlette

from common.jobs import (
    Delivery,
    JobQueue,
    RetryPolicy,
    ServiceRuntime,
    deliver_outbox_message,
    enqueue,
    list_dead_letters,
    queue_name,
    relay_pending,
    requeue_dead_letters,
)
from common.jobs.housekeeping import HOUSEKEEPING
from common.jobs.runtime import RUNTIMES_KEY
from common.jobs.schedule import ScheduledJob
from common.jobs.worker import build_worker, with_workers
from services.registry import SERVICES
from tax_exemption.models import platform_tables as tables

SCHEMA = "tax_exemption"
QUEUE = queue_name(SCHEMA)
outbox = tables.outbox


@dataclass
class Recorder:
    """A handler that records each delivery and fails while ``failures`` is positive."""

    failures: int = 0
    seen: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)

    async def __call__(self, delivery: Delivery) -> None:
        message = delivery.message
        self.seen.append((message.id, message.attempt, message.payload))
        # A database write in the delivery's transaction: it must land only if we succeed.
        await enqueue(delivery.session, tables, "notice.sent", {"for": message.id})
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("smtp down")


@pytest.fixture
async def redis(redis_url: str, clean_backends: None) -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(redis_url), default_queue_name=QUEUE)
    yield pool
    await pool.aclose()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def runtime(
    db_engine: AsyncEngine, settings_overrides: dict[str, Any], recorder: Recorder
) -> AsyncIterator[ServiceRuntime]:
    runtime = ServiceRuntime(
        schema=SCHEMA,
        settings=SERVICES[SCHEMA].settings(**settings_overrides),
        engine=db_engine,
        tables=tables,
        handlers={"filing.approved": recorder},
        policy=RetryPolicy(max_attempts=3, base_delay_s=0),  # retry at once: no sleeping tests
    )
    yield runtime
    await runtime.http_client.aclose()  # the engine is the test's: leave it open


async def _commit(engine: AsyncEngine, topic: str = "filing.approved") -> int:
    async with AsyncSession(engine) as session, session.begin():
        return await enqueue(session, tables, topic, {"filing_id": 42})


async def _relay_and_work(runtime: ServiceRuntime, redis: ArqRedis) -> list[int]:
    relayed = await relay_pending(runtime.engine, tables, JobQueue(redis, QUEUE))
    worker = build_worker(runtime, redis, housekeeping=(), burst=True, poll_delay_s=0.01)
    await worker.async_run()
    return relayed


async def _row(engine: AsyncEngine, message_id: int) -> Any:
    async with engine.connect() as connection:
        result = await connection.execute(select(outbox).where(outbox.c.id == message_id))
        return result.one()


async def _notices(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        result = await connection.execute(
            select(outbox.c.payload).where(outbox.c.topic == "notice.sent")
        )
        return [row.payload for row in result]


async def test_job_delivers_to_the_handler_and_completes(
    runtime: ServiceRuntime, redis: ArqRedis, recorder: Recorder
) -> None:
    message_id = await _commit(runtime.engine)

    assert await _relay_and_work(runtime, redis) == [message_id]

    assert recorder.seen == [(message_id, 1, {"filing_id": 42})]
    row = await _row(runtime.engine, message_id)
    assert row.completed_at is not None and row.failed_at is None
    assert row.attempts == 1 and row.last_error is None
    assert await _notices(runtime.engine) == [{"for": message_id}]
    assert await redis.zcard(QUEUE) == 0


async def test_failing_handler_is_retried_and_its_writes_roll_back(
    runtime: ServiceRuntime, redis: ArqRedis, recorder: Recorder
) -> None:
    recorder.failures = 2
    message_id = await _commit(runtime.engine)

    await _relay_and_work(runtime, redis)

    assert [attempt for _, attempt, _ in recorder.seen] == [1, 2, 3]
    row = await _row(runtime.engine, message_id)
    assert row.completed_at is not None and row.failed_at is None and row.attempts == 3
    assert row.last_error == "ConnectionError: smtp down"  # the last failure, kept for the record
    assert await _notices(runtime.engine) == [{"for": message_id}]  # failed attempts left none


async def test_handler_failing_every_attempt_is_dead_lettered(
    runtime: ServiceRuntime, redis: ArqRedis, recorder: Recorder
) -> None:
    recorder.failures = 100
    message_id = await _commit(runtime.engine)

    await _relay_and_work(runtime, redis)

    assert len(recorder.seen) == runtime.policy.max_attempts
    row = await _row(runtime.engine, message_id)
    assert row.failed_at is not None and row.completed_at is None and row.attempts == 3
    [dead] = await list_dead_letters(runtime.engine, tables)
    assert (dead.id, dead.topic, dead.attempts) == (message_id, "filing.approved", 3)
    assert dead.last_error == "ConnectionError: smtp down"
    assert await _notices(runtime.engine) == []
    assert await redis.zcard(QUEUE) == 0


async def test_requeued_dead_letter_is_delivered(
    runtime: ServiceRuntime, redis: ArqRedis, recorder: Recorder
) -> None:
    recorder.failures = 3
    message_id = await _commit(runtime.engine)
    await _relay_and_work(runtime, redis)
    assert [d.id for d in await list_dead_letters(runtime.engine, tables)] == [message_id]

    assert await requeue_dead_letters(runtime.engine, tables, [message_id, 999]) == [message_id]
    assert await _relay_and_work(runtime, redis) == [message_id]  # same job id is reusable

    row = await _row(runtime.engine, message_id)
    assert row.completed_at is not None and row.failed_at is None and row.attempts == 1
    assert await list_dead_letters(runtime.engine, tables) == []
    assert await _notices(runtime.engine) == [{"for": message_id}]


async def test_message_without_handler_is_dead_lettered(
    runtime: ServiceRuntime, redis: ArqRedis, recorder: Recorder
) -> None:
    message_id = await _commit(runtime.engine, topic="filing.archived")

    await _relay_and_work(runtime, redis)

    [dead] = await list_dead_letters(runtime.engine, tables, topic="filing.archived")
    assert dead.id == message_id and dead.attempts == 3
    assert dead.last_error is not None and dead.last_error.startswith("NoHandler")
    assert recorder.seen == []


async def test_a_duplicate_job_for_a_completed_message_does_nothing(
    runtime: ServiceRuntime, redis: ArqRedis, recorder: Recorder
) -> None:
    message_id = await _commit(runtime.engine)
    await _relay_and_work(runtime, redis)

    ctx = {RUNTIMES_KEY: {SCHEMA: runtime}, "job_try": 1}
    assert await deliver_outbox_message(ctx, SCHEMA, message_id) == "skipped"

    assert len(recorder.seen) == 1
    assert (await _row(runtime.engine, message_id)).attempts == 1


@pytest.mark.parametrize("job", HOUSEKEEPING, ids=lambda job: job.name)
async def test_each_housekeeping_chore_runs_on_the_real_schema(
    runtime: ServiceRuntime, redis: ArqRedis, job: ScheduledJob
) -> None:
    assert await job.run(runtime, JobQueue(redis, QUEUE)) == 0  # nothing to do on empty tables


async def test_app_with_workers_relays_and_delivers_on_schedule(
    settings_overrides: dict[str, Any], clean_backends: None, db_engine: AsyncEngine
) -> None:
    """``moea serve``'s in-process workers: the relay cron and the delivery, in a lifespan."""

    async def handler(delivery: Delivery) -> None:
        await enqueue(delivery.session, tables, "notice.sent", {"for": delivery.message.id})

    manifest = SERVICES[SCHEMA]
    built = ServiceRuntime.from_manifest(manifest, manifest.settings(**settings_overrides))
    runtime = replace(built, handlers={"filing.approved": handler})
    await built.http_client.aclose()  # replace() gave the runtime a client of its own
    message_id = await _commit(db_engine)

    app = with_workers(Starlette(), [runtime])
    try:
        async with app.router.lifespan_context(app):
            await asyncio.wait_for(_completed(db_engine, message_id), timeout=60)  # a bound only
    finally:
        await runtime.close()  # its client and the engine it shares with ``built``

    row = await _row(db_engine, message_id)
    assert row.relayed_at is not None and row.attempts == 1
    assert await _notices(db_engine) == [{"for": message_id}]


async def _completed(engine: AsyncEngine, message_id: int) -> None:
    while (await _row(engine, message_id)).completed_at is None:
        await asyncio.sleep(0.05)
