"""Per-key daily download quotas in Redis, counted by Taipei calendar day.

One script both checks and counts, so concurrent requests can never take more than the quota,
and a refused request leaves the count unchanged. If Redis is unreachable the download is
allowed and the failure logged: a Redis outage must not stop the bulk clients we serve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import structlog
from redis.asyncio import Redis

from ip_search.opendata.counters import REDIS_ERRORS

TAIPEI = timezone(timedelta(hours=8), "Asia/Taipei")  # no daylight saving since 1979
PREFIX = "moea:ip_search:opendata:quota:"
KEY_TTL_SECONDS = 2 * 86_400

# KEYS: the day's counter; ARGV: quota, ttl. -1 when the quota is spent, else the new count.
_TAKE = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return -1 end
used = redis.call('INCR', KEYS[1])
if used == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return used
"""

logger = structlog.get_logger("moea.ip_search.opendata")


@dataclass(frozen=True, slots=True)
class QuotaDecision:
    allowed: bool
    retry_after_seconds: int


def day_key(key_id: int, now: datetime) -> str:
    return f"{PREFIX}{key_id}:{now.astimezone(TAIPEI):%Y%m%d}"


def seconds_to_midnight(now: datetime) -> int:
    local = now.astimezone(TAIPEI)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(int((midnight - local).total_seconds()), 1)


async def take_quota(redis: Redis, key_id: int, quota: int, now: datetime) -> QuotaDecision:
    try:
        key = day_key(key_id, now)
        # redis-py types its asyncio commands as ``Awaitable[T] | T``
        used = await redis.eval(_TAKE, 1, key, str(quota), str(KEY_TTL_SECONDS))  # type: ignore[misc]
    except REDIS_ERRORS as exc:
        logger.warning("quota not enforced: redis unavailable", api_key=key_id, error=repr(exc))
        return QuotaDecision(allowed=True, retry_after_seconds=0)
    return QuotaDecision(allowed=int(used) >= 0, retry_after_seconds=seconds_to_midnight(now))


async def used_today(redis: Redis, key_id: int, now: datetime) -> int | None:
    try:
        value = await redis.get(day_key(key_id, now))
    except REDIS_ERRORS:
        return None
    return int(value or 0)
