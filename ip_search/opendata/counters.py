"""Download counters: one Redis HINCRBY per download, flushed to PostgreSQL by the worker.

Counting fails open: if Redis is unreachable the file is still served and the miss is logged.
The flush is exactly-once: the pending hash is renamed to a batch key (atomically, in a script),
then each batch is applied in one transaction that also records the batch id in
``download_flush``. A run that dies after the commit but before deleting the batch from Redis
finds the id recorded next time and only deletes it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from common.jobs.queue import JobQueue
from common.jobs.runtime import ServiceRuntime
from common.jobs.schedule import ScheduledJob
from ip_search.opendata import repository

PREFIX = "moea:ip_search:opendata:downloads:"
PENDING = PREFIX + "pending"
BATCHES = PREFIX + "batches"
BATCH = PREFIX + "batch:"
FLUSH_RECORDS_KEPT = timedelta(days=7)
REDIS_ERRORS = (RedisError, OSError, TimeoutError)
# The ``type: ignore[misc]`` below: redis-py types its asyncio commands as ``Awaitable[T] | T``.

# KEYS: pending, batch key, batch set; ARGV: batch id. Seals the pending counts as one batch.
_SEAL = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
"""

logger = structlog.get_logger("moea.ip_search.opendata")


async def count_download(redis: Redis, dataset_id: str, version: int) -> None:
    try:
        await redis.hincrby(PENDING, f"{dataset_id}/{version}", 1)  # type: ignore[misc]
    except REDIS_ERRORS as exc:
        logger.warning("download not counted", dataset=dataset_id, version=version, error=repr(exc))


async def flush_download_counts(redis: Redis, sessions: async_sessionmaker[AsyncSession]) -> int:
    """Move every sealed and pending count into ``dataset_download``; returns downloads added."""
    batch = uuid.uuid4().hex
    await redis.eval(_SEAL, 3, PENDING, BATCH + batch, BATCHES, batch)  # type: ignore[misc]
    added = 0
    for member in await redis.smembers(BATCHES):  # type: ignore[misc]
        added += await _apply(redis, sessions, member.decode())
    return added


async def _apply(redis: Redis, sessions: async_sessionmaker[AsyncSession], batch: str) -> int:
    raw: dict[bytes, bytes] = await redis.hgetall(BATCH + batch)  # type: ignore[misc]
    counts = {_parse_field(field): int(value) for field, value in raw.items()}
    async with sessions() as session, session.begin():
        applied = await repository.claim_flush(session, batch)
        if applied:
            await repository.add_downloads(session, counts)
        await repository.prune_flushes(session, datetime.now(UTC) - FLUSH_RECORDS_KEPT)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(BATCH + batch)
        pipe.srem(BATCHES, batch)
        await pipe.execute()
    return sum(counts.values()) if applied else 0


def _parse_field(field: bytes) -> tuple[str, int]:
    dataset_id, version = field.decode().rsplit("/", 1)
    return dataset_id, int(version)


async def run_flush(runtime: ServiceRuntime, queue: JobQueue) -> int:
    return await flush_download_counts(queue.redis, runtime.sessions)


FLUSH_DOWNLOAD_COUNTS = ScheduledJob("open_data_download_counts", run_flush, timedelta(minutes=1))
