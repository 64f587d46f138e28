"""Writing to the outbox: a message committed in the same transaction as the state change.

The caller's session commits (or rolls back) the message together with its own writes, so
"filing approved" and "notify the firm" can never come apart. A relay hands committed messages
to the job queue later. On the driver path the message is written by the change's own
``common.atomic_write`` statement instead: ``outbox_follower`` with ``message_params``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.atomic_write import Follower, insert_per_change, prefixed
from common.platform_tables import PlatformTables

# Dotted lower-case names, e.g. "filing.submitted" or "notification.email".
TOPIC_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
MAX_TOPIC_LENGTH = 100  # the column is String(100)
MAX_PAYLOAD_BYTES = 64 * 1024  # messages carry ids and small facts, not documents
PARAM_PREFIX = "outbox_"


class InvalidOutboxMessage(ValueError):
    """A programming error: the topic or payload can never be delivered."""


async def enqueue(
    session: AsyncSession,
    tables: PlatformTables,
    topic: str,
    payload: Mapping[str, Any],
    *,
    available_at: datetime | None = None,
) -> int:
    """Add a message to the caller's transaction; return its id. Does not commit."""
    values: dict[str, Any] = {"topic": check_topic(topic), "payload": check_payload(payload)}
    if available_at is not None:
        if available_at.tzinfo is None:
            raise InvalidOutboxMessage("available_at must be timezone-aware")
        values["available_at"] = available_at
    outbox = tables.outbox
    result = await session.execute(insert(outbox).values(values).returning(outbox.c.id))
    message_id: int = result.scalar_one()
    return message_id


def outbox_follower(tables: PlatformTables) -> Follower:
    """One message per change of a ``common.atomic_write`` statement, committed with it."""
    return insert_per_change(tables.outbox, ("topic", "payload"), PARAM_PREFIX)


def message_params(topic: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The checked message under the parameter names of ``outbox_follower``."""
    return prefixed(PARAM_PREFIX, {"topic": check_topic(topic), "payload": check_payload(payload)})


def check_topic(topic: str) -> str:
    if len(topic) > MAX_TOPIC_LENGTH or not TOPIC_PATTERN.fullmatch(topic):
        raise InvalidOutboxMessage(f"invalid topic {topic!r}: use dotted lower-case names")
    return topic


def check_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload as plain JSON, exactly as the handler will read it back from jsonb."""
    if not isinstance(payload, Mapping):
        raise InvalidOutboxMessage("payload must be a JSON object")
    try:
        text = json.dumps(payload, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise InvalidOutboxMessage(f"payload is not JSON-serialisable: {exc}") from exc
    if "\\u0000" in text:  # jsonb refuses NUL in strings; fail here, not at commit
        raise InvalidOutboxMessage("payload contains a NUL character")
    if len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise InvalidOutboxMessage(f"payload larger than {MAX_PAYLOAD_BYTES} bytes")
    plain: dict[str, Any] = json.loads(text)
    return plain
