"""The job that delivers one outbox message to its topic's handler.

Each run counts an attempt in the row (committed before the handler runs, so a crash counts
too), then runs the handler in a transaction that also sets ``completed_at``. A failure stores
``last_error`` and asks arq to retry with exponential backoff; the last allowed failure sets
``failed_at`` instead: the message is dead-lettered, queryable and requeueable.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Literal

import structlog
from arq.worker import Retry
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

from common.jobs.messages import Delivery, OutboxMessage
from common.jobs.runtime import ServiceRuntime, runtime_for

logger = structlog.get_logger("moea.jobs")

Outcome = Literal["completed", "dead-lettered", "skipped"]
MAX_ERROR_CHARS = 2000


class NoHandler(LookupError):
    """No handler is registered for the message's topic (retried: a deploy may add one)."""


async def deliver_outbox_message(ctx: Mapping[str, Any], schema: str, message_id: int) -> Outcome:
    """arq job: deliver message ``message_id`` of ``schema``."""
    runtime = runtime_for(ctx, schema)
    try:
        message = await _start_attempt(runtime, message_id)
    except (SQLAlchemyError, OSError) as exc:  # database unreachable: try the whole job later
        raise Retry(defer=runtime.policy.delay_after(int(ctx.get("job_try", 1)))) from exc
    if message is None:
        return "skipped"  # already completed or dead-lettered (a duplicate or requeued job)
    if message.attempt > runtime.policy.max_attempts:
        await _record_failure(runtime, message, "attempts exhausted", dead=True)
        return "dead-lettered"
    try:
        async with asyncio.timeout(runtime.policy.handler_timeout_s):
            await _run_handler(runtime, message)
    except Exception as exc:
        return await _fail(runtime, message, exc)
    return "completed"


async def _start_attempt(runtime: ServiceRuntime, message_id: int) -> OutboxMessage | None:
    outbox = runtime.tables.outbox
    async with runtime.engine.begin() as connection:
        result = await connection.execute(
            update(outbox)
            .where(
                outbox.c.id == message_id,
                outbox.c.completed_at.is_(None),
                outbox.c.failed_at.is_(None),
            )
            .values(attempts=outbox.c.attempts + 1)
            .returning(outbox.c.topic, outbox.c.payload, outbox.c.created_at, outbox.c.attempts)
        )
        row = result.first()
    if row is None:
        return None
    return OutboxMessage(
        id=message_id,
        schema=runtime.schema,
        topic=row.topic,
        payload=row.payload,
        created_at=row.created_at,
        attempt=row.attempts,
    )


async def _run_handler(runtime: ServiceRuntime, message: OutboxMessage) -> None:
    """The handler's writes and ``completed_at`` commit together, or neither does."""
    handler = runtime.handlers.get(message.topic)
    if handler is None:
        raise NoHandler(f"no handler for topic {message.topic!r} in {runtime.schema}")
    outbox = runtime.tables.outbox
    async with runtime.sessions() as session, session.begin():
        # The row lock serialises two runs of one message (e.g. a job re-run after a stall).
        locked = await session.execute(
            select(outbox.c.id)
            .where(outbox.c.id == message.id, outbox.c.completed_at.is_(None))
            .with_for_update()
        )
        if locked.first() is None:
            return
        await handler(
            Delivery(
                message=message,
                session=session,
                settings=runtime.settings,
                cipher=runtime.cipher,
                http_client=runtime.http_client,
            )
        )
        await session.execute(
            update(outbox)
            .where(outbox.c.id == message.id)
            .values(
                completed_at=func.now(),
                relayed_at=func.coalesce(outbox.c.relayed_at, func.now()),
            )
        )


async def _fail(runtime: ServiceRuntime, message: OutboxMessage, exc: Exception) -> Outcome:
    error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
    dead = runtime.policy.is_last(message.attempt)
    await _record_failure(runtime, message, error, dead=dead)
    if dead:
        return "dead-lettered"
    delay = runtime.policy.delay_after(message.attempt)
    logger.warning(
        "outbox.retry",
        schema=message.schema,
        message_id=message.id,
        topic=message.topic,
        attempt=message.attempt,
        retry_in_s=delay,
        error=error,
    )
    raise Retry(defer=delay) from exc


async def _record_failure(
    runtime: ServiceRuntime, message: OutboxMessage, error: str, *, dead: bool
) -> None:
    outbox = runtime.tables.outbox
    values: dict[str, Any] = {"last_error": error}
    if dead:
        values["failed_at"] = func.now()
    async with runtime.engine.begin() as connection:
        await connection.execute(update(outbox).where(outbox.c.id == message.id).values(values))
    if dead:
        logger.error(
            "outbox.dead_lettered",
            schema=message.schema,
            message_id=message.id,
            topic=message.topic,
            attempts=message.attempt,
            error=error,
        )
