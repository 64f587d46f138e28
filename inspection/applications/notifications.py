"""Outbox handler: tell the applicant firm that its application moved.

The delivery channel (e-mail, LINE, the firm portal's inbox) is not chosen yet; the handler
writes one structured log line per message, keyed by the outbox message id so a retried
delivery is recognisable downstream.
"""

from __future__ import annotations

import structlog

from common.jobs import Delivery

logger = structlog.get_logger("moea.inspection.notifications")


async def notify_applicant(delivery: Delivery) -> None:
    payload = delivery.message.payload
    logger.info(
        "application notification",
        message_id=delivery.message.id,
        business_id=payload.get("business_id"),
        application_id=payload.get("application_id"),
        stage=payload.get("to_stage"),
    )


async def notify_holder(delivery: Delivery) -> None:
    payload = delivery.message.payload
    logger.info(
        "certificate renewal reminder",
        message_id=delivery.message.id,
        business_id=payload.get("business_id"),
        certificate_number=payload.get("certificate_number"),
        valid_until=payload.get("valid_until"),
    )
