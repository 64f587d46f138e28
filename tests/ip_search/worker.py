"""Run the ip_search worker until the outbox is quiet (relay, then a burst arq worker)."""

from __future__ import annotations

from typing import Any

import httpx
from arq.connections import RedisSettings, create_pool
from sqlalchemy.ext.asyncio import AsyncEngine

from common.jobs import JobQueue, RetryPolicy, ServiceRuntime, queue_name, relay_all
from common.jobs.worker import build_worker
from ip_search.app import MANIFEST

MAX_ROUNDS = 10


async def run_worker_until_quiet(
    engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
    http_transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    """Relay and work the queue dry, again while handlers queue new messages; rounds run."""
    runtime = ServiceRuntime(
        schema=MANIFEST.name,
        settings=MANIFEST.settings(**settings_overrides),
        engine=engine,
        tables=MANIFEST.tables,
        handlers=MANIFEST.outbox_handlers,
        jobs=MANIFEST.jobs,
        policy=RetryPolicy(max_attempts=2, base_delay_s=0),
        http_transport=http_transport,
    )
    pool = await create_pool(
        RedisSettings.from_dsn(redis_url), default_queue_name=queue_name(runtime.schema)
    )
    queue = JobQueue(pool, queue_name(runtime.schema))
    try:
        for rounds in range(1, MAX_ROUNDS + 1):
            if not await relay_all(engine, runtime.tables, queue):
                return rounds
            worker = build_worker(runtime, pool, housekeeping=(), burst=True, poll_delay_s=0.01)
            await worker.async_run()
        raise AssertionError(f"the outbox was still busy after {MAX_ROUNDS} rounds")
    finally:
        await pool.aclose()
        await runtime.http_client.aclose()  # the engine is the test's: leave it open
