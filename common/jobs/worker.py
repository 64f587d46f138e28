"""The arq workers: one per service, on that service's queue, with its handlers and chores.

``moea worker`` runs them until SIGINT/SIGTERM; ``moea serve --with-worker`` runs them inside
the all-in-one app's lifespan (one process on a laptop). Both need reachable PostgreSQL and
Redis URLs: the worker starts no embedded servers of its own.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from arq.connections import ArqRedis, create_pool
from arq.cron import CronJob, cron
from arq.worker import Function, Worker, func
from starlette.applications import Starlette

from common.jobs.delivery import deliver_outbox_message
from common.jobs.housekeeping import HOUSEKEEPING
from common.jobs.queue import DELIVER_FUNCTION, JobQueue, queue_name, redis_settings
from common.jobs.runtime import RUNTIMES_KEY, ServiceRuntime
from common.jobs.schedule import ScheduledJob


def build_worker(
    runtime: ServiceRuntime,
    redis: ArqRedis,
    *,
    housekeeping: Sequence[ScheduledJob] = HOUSEKEEPING,
    burst: bool = False,
    poll_delay_s: float = 0.5,
) -> Worker:
    """arq's WorkerSettings, built in code from the service's runtime."""
    return Worker(
        functions=_functions(runtime),
        queue_name=queue_name(runtime.schema),
        cron_jobs=[_cron_job(job, runtime) for job in (*housekeeping, *runtime.scheduled)] or None,
        redis_pool=redis,
        burst=burst,
        poll_delay=poll_delay_s,
        handle_signals=False,  # several workers share one loop; the caller stops them
        keep_result=0,  # the outbox row is the record; no result key blocks a requeued job id
        ctx={RUNTIMES_KEY: {runtime.schema: runtime}},
    )


def _functions(runtime: ServiceRuntime) -> list[Function]:
    deliver = func(
        deliver_outbox_message,
        name=DELIVER_FUNCTION,
        timeout=runtime.policy.job_timeout_s,
        max_tries=runtime.policy.arq_max_tries,
    )
    return [deliver, *(func(job) for job in runtime.jobs)]


def _cron_job(job: ScheduledJob, runtime: ServiceRuntime) -> CronJob:
    async def run(ctx: dict[str, Any]) -> object:
        return await job.run(runtime, JobQueue(ctx["redis"], queue_name(runtime.schema)))

    # Named per schema: cron job ids are global in Redis and the chore is per service.
    return cron(run, name=f"{job.name}:{runtime.schema}", **_schedule(job.every))


def _schedule(every: timedelta) -> dict[str, Any]:
    seconds = max(int(every.total_seconds()), 1)
    if seconds < 60:
        return {"second": set(range(0, 60, seconds))}
    if seconds < 3600:
        return {"minute": set(range(0, 60, seconds // 60)), "second": 0}
    return {"hour": set(range(0, 24, seconds // 3600)), "minute": 0, "second": 0}


@asynccontextmanager
async def running_workers(
    runtimes: Sequence[ServiceRuntime], **options: Any
) -> AsyncIterator[list[asyncio.Task[None]]]:
    """Run one worker per runtime in this loop; stop them and close the runtimes on exit."""
    pools = [await connect(runtime) for runtime in runtimes]
    workers = [build_worker(r, pool, **options) for r, pool in zip(runtimes, pools, strict=True)]
    tasks = [asyncio.create_task(worker.async_run()) for worker in workers]
    try:
        yield tasks
    finally:
        for worker in workers:
            await stop(worker)
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for runtime, pool in zip(runtimes, pools, strict=True):
            await pool.aclose()
            await runtime.close()
        errors = [result for result in results if isinstance(result, Exception)]
        if errors:
            raise errors[0]


async def connect(runtime: ServiceRuntime) -> ArqRedis:
    """The worker's Redis pool, owned by the caller (arq's own close() uses a deprecated call)."""
    return await create_pool(
        redis_settings(runtime.settings.redis_url), default_queue_name=queue_name(runtime.schema)
    )


async def stop(worker: Worker) -> None:
    """Cancel the worker's loop and its running jobs (arq re-queues them) and wait for them."""
    worker.handle_sig(signal.SIGTERM)
    await asyncio.gather(*worker.tasks.values(), return_exceptions=True)


async def run_until_signalled(runtimes: Sequence[ServiceRuntime]) -> None:
    """``moea worker``: run until SIGINT/SIGTERM, or until a worker fails."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running_workers(runtimes) as tasks:
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([stopping, *tasks], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()


def with_workers(app: Starlette, runtimes: Sequence[ServiceRuntime]) -> Starlette:
    """Run the workers inside ``app``'s lifespan: started after it, stopped before it ends."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(parent: Starlette) -> AsyncIterator[Any]:
        async with inner(parent) as state, running_workers(runtimes):
            yield state

    app.router.lifespan_context = lifespan
    return app
