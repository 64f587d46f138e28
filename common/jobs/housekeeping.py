"""Platform chores the worker runs on a schedule for each service schema.

Each chore is an arq cron job named ``<chore>:<schema>`` (cron job ids are global in Redis) and
is ``unique``: with several worker replicas, each scheduled run happens once.
"""

from __future__ import annotations

from datetime import timedelta

from common.audit.sealer import seal_pending
from common.idempotency import purge_expired_keys
from common.jobs.queue import JobQueue
from common.jobs.relay import reclaim_stale, relay_all
from common.jobs.runtime import ServiceRuntime
from common.jobs.schedule import ScheduledJob


async def relay_outbox(runtime: ServiceRuntime, queue: JobQueue) -> int:
    return await relay_all(runtime.engine, runtime.tables, queue)


async def reclaim_stale_outbox(runtime: ServiceRuntime, _: JobQueue) -> int:
    return await reclaim_stale(runtime.engine, runtime.tables)


async def seal_audit_events(runtime: ServiceRuntime, _: JobQueue) -> int:
    report = await seal_pending(runtime.engine, runtime.tables, runtime.settings.audit_hmac_key)
    return report.sealed


async def purge_idempotency_keys(runtime: ServiceRuntime, _: JobQueue) -> int:
    async with runtime.engine.begin() as connection:
        return await purge_expired_keys(connection, runtime.tables.idempotency_key)


HOUSEKEEPING: tuple[ScheduledJob, ...] = (
    ScheduledJob("relay_outbox", relay_outbox, timedelta(seconds=1)),
    ScheduledJob("reclaim_stale_outbox", reclaim_stale_outbox, timedelta(minutes=5)),
    ScheduledJob("seal_audit_events", seal_audit_events, timedelta(seconds=5)),
    ScheduledJob("purge_idempotency_keys", purge_idempotency_keys, timedelta(minutes=10)),
)
