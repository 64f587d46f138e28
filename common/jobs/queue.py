"""Names and connections on the arq (Redis) side: one queue per service, stable job ids."""

from __future__ import annotations

from dataclasses import dataclass

from arq.connections import ArqRedis, RedisSettings

DELIVER_FUNCTION = "deliver_outbox_message"


@dataclass(frozen=True, slots=True)
class JobQueue:
    """Where a service's jobs go: a Redis connection and the service's own queue."""

    redis: ArqRedis
    name: str


def queue_name(schema: str) -> str:
    """A queue per service, so a worker Deployment of one service never runs another's jobs."""
    return f"arq:moea:{schema}"


def outbox_job_id(schema: str, message_id: int) -> str:
    """Deterministic: re-relaying a message whose job still exists enqueues nothing new."""
    return f"outbox:{schema}:{message_id}"


def redis_settings(redis_url: str) -> RedisSettings:
    return RedisSettings.from_dsn(redis_url)
