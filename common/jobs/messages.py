"""What a handler receives: the outbox message and an open transaction to do its work in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from common.pii import FieldCipher
from common.settings import ServiceSettings


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int  # stable across retries: handlers use it as their idempotency key
    schema: str
    topic: str
    payload: dict[str, Any]
    created_at: datetime
    attempt: int  # 1 on the first delivery


@dataclass(frozen=True, slots=True)
class Delivery:
    """One delivery attempt.

    ``session`` is in a transaction that also marks the message completed: database work done
    through it happens exactly once. Anything outside the database (an e-mail, an HTTP call) may
    run again after a crash, so it must be keyed by ``message.id``.
    """

    message: OutboxMessage
    session: AsyncSession
    settings: ServiceSettings
    cipher: FieldCipher  # the service's, made once per worker process
    http_client: httpx.AsyncClient  # one pooled client per worker process, not per delivery


OutboxHandler = Callable[[Delivery], Awaitable[None]]
