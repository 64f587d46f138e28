"""Dead letters: messages whose handler failed every attempt. List them; requeue them.

A requeued message starts over (attempts 0, due now) and the relay hands it to a new job; its
``last_error`` stays until it succeeds, so an operator can see why it had failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from common.platform_tables import PlatformTables


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: int
    topic: str
    payload: dict[str, Any]
    attempts: int
    last_error: str | None
    created_at: datetime
    failed_at: datetime


async def list_dead_letters(
    engine: AsyncEngine,
    tables: PlatformTables,
    *,
    topic: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[DeadLetter]:
    """Dead letters in id order; pass the last id seen as ``after_id`` for the next page."""
    outbox = tables.outbox
    query = (
        select(
            outbox.c.id,
            outbox.c.topic,
            outbox.c.payload,
            outbox.c.attempts,
            outbox.c.last_error,
            outbox.c.created_at,
            outbox.c.failed_at,
        )
        .where(outbox.c.failed_at.is_not(None), outbox.c.id > after_id)
        .order_by(outbox.c.id)
        .limit(limit)
    )
    if topic is not None:
        query = query.where(outbox.c.topic == topic)
    async with engine.connect() as connection:
        rows = await connection.execute(query)
        return [DeadLetter(**row._mapping) for row in rows]


async def requeue_dead_letters(
    engine: AsyncEngine, tables: PlatformTables, ids: Sequence[int]
) -> list[int]:
    """Give dead letters a fresh set of attempts; return the ids that were dead letters."""
    outbox = tables.outbox
    async with engine.begin() as connection:
        result = await connection.execute(
            update(outbox)
            .where(outbox.c.id.in_(list(ids)), outbox.c.failed_at.is_not(None))
            .values(failed_at=None, relayed_at=None, attempts=0, available_at=func.now())
            .returning(outbox.c.id)
        )
        return sorted(result.scalars())
