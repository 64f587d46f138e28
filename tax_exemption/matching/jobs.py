"""Worker entry points of matching: the outbox handler and an arq job for re-runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog

from common.jobs import Delivery
from common.jobs.runtime import runtime_for
from tax_exemption.matching.service import match_stored_batch

logger = structlog.get_logger("tax_exemption.matching")
SCHEMA = "tax_exemption"


async def match_received_batch(delivery: Delivery) -> None:
    """``declarations.batch_received``: match in the delivery's transaction, exactly once."""
    batch_id = int(delivery.message.payload["batch_id"])
    counts = await match_stored_batch(delivery.session, batch_id)
    logger.info("matching.batch_done", batch_id=batch_id, **counts)


async def match_declaration_batch(ctx: Mapping[str, Any], batch_id: int) -> dict[str, int]:
    """arq job (``moea`` operators may enqueue it): match a batch not matched yet."""
    runtime = runtime_for(ctx, SCHEMA)
    async with runtime.sessions() as session, session.begin():
        return dict(await match_stored_batch(session, batch_id))
