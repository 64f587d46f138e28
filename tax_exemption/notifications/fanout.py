"""``case.progress`` handler: one outbox message per channel the firm chose.

Each channel then has its own retries and dead letter, so a LINE outage never re-sends the
e-mail. Messages carry no personal data: channel handlers decrypt the address when sending.
"""

from __future__ import annotations

from common.jobs import Delivery, enqueue
from tax_exemption.models import platform_tables
from tax_exemption.notifications import repository
from tax_exemption.notifications.templates import render


def channel_topic(channel: str) -> str:
    return f"notification.{channel}"


async def fan_out(delivery: Delivery) -> None:
    payload = delivery.message.payload
    session = delivery.session
    business_id = str(payload["business_id"])
    preference = await repository.get_preference(session, business_id)
    if preference is None:
        return  # the firm chose no channel: the case page is its only notice
    subject, body = render(payload)
    for channel in preference["channels"]:
        message_id = await enqueue(
            session, platform_tables, channel_topic(channel), {"business_id": business_id}
        )
        await repository.insert_notification(
            session,
            {
                "business_id": business_id,
                "filing_id": payload.get("filing_id"),
                "event": str(payload.get("event")),
                "channel": channel,
                "outbox_message_id": message_id,
                "status": "queued",
                "subject": subject,
                "body": body,
            },
        )
