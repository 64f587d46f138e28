"""Run the tax_exemption worker once (relay, then a burst arq worker) on the test backends."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from arq.connections import RedisSettings, create_pool
from sqlalchemy.ext.asyncio import AsyncEngine

from common.jobs import JobQueue, RetryPolicy, ServiceRuntime, queue_name, relay_all
from common.jobs.messages import OutboxHandler
from common.jobs.worker import build_worker
from tax_exemption.app import MANIFEST


async def run_worker_once(
    engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
    handlers: Mapping[str, OutboxHandler] | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    """Relay every due message and work the queue dry; returns how many were relayed."""
    runtime = ServiceRuntime(
        schema=MANIFEST.name,
        settings=MANIFEST.settings(**settings_overrides),
        engine=engine,
        tables=MANIFEST.tables,
        handlers={**MANIFEST.outbox_handlers, **(handlers or {})},
        jobs=MANIFEST.jobs,
        policy=RetryPolicy(max_attempts=2, base_delay_s=0),
        http_transport=http_transport,
    )
    pool = await create_pool(
        RedisSettings.from_dsn(redis_url), default_queue_name=queue_name(runtime.schema)
    )
    try:
        relayed = await relay_all(
            engine, runtime.tables, JobQueue(pool, queue_name(runtime.schema))
        )
        worker = build_worker(runtime, pool, housekeeping=(), burst=True, poll_delay_s=0.01)
        await worker.async_run()
        return relayed
    finally:
        await pool.aclose()
        await runtime.http_client.aclose()  # the engine is the test's: leave it open
