"""Failed invitation redemptions per client IP, counted in Redis (shared by every replica).

Codes carry 60 random bits, so guessing is hopeless anyway; the limit keeps a scanner from
trying and keeps the log quiet. If Redis is unreachable the check fails open (logged): a Redis
outage must not lock every factory out in the season's last week.
"""

from __future__ import annotations

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from common.errors import TooManyRequests

logger = structlog.get_logger("moea.investment.invitations")
_ERRORS = (RedisError, OSError, TimeoutError)


class RedemptionThrottle:
    def __init__(self, redis: Redis, *, limit: int, window_seconds: int) -> None:
        self.redis = redis
        self.limit = limit
        self.window_seconds = window_seconds

    def _key(self, client: str) -> str:
        return f"investment:invitation-failures:{client}"

    async def check(self, client: str) -> None:
        """429 when ``client`` has failed ``limit`` times in the current window."""
        try:
            failures = await self.redis.get(self._key(client))
            ttl = await self.redis.ttl(self._key(client)) if failures else 0
        except _ERRORS as exc:
            logger.warning("invitation throttle unavailable", error=repr(exc))
            return
        if failures is not None and int(failures) >= self.limit:
            raise TooManyRequests(max(int(ttl), 1))

    async def failed(self, client: str) -> None:
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(self._key(client))
                pipe.expire(self._key(client), self.window_seconds, nx=True)
                await pipe.execute()
        except _ERRORS as exc:
            logger.warning("invitation throttle unavailable", error=repr(exc))
