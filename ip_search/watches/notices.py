"""Worker handler of ``trademark_watch.alerted``: tell the firm its watch found new marks.

The alerts themselves are the in-app notice (``GET /watches/{id}/alerts?unread=true``); a
watch with a webhook also gets one signed POST per import that alerted it, listing the best
alerts. The POST is keyed by the outbox message id (``X-Moea-Delivery``): a crash between
sending and committing repeats it, and the receiver can drop the repeat. A failing receiver
is retried with backoff by the outbox and dead-lettered after the last attempt.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from common.jobs import Delivery
from common.webhooks import post_signed
from ip_search.settings import IpSearchSettings
from ip_search.watches import alert_repository
from ip_search.watches.alerting import WATCH_ALERTED_TOPIC
from ip_search.watches.sealing import open_secret

LISTED_ALERTS = 100
"""Alerts named in one POST (the best first); ``alert_count`` tells how many there are."""


def webhook_body(
    message_id: int, watch: RowMapping, payload: dict[str, Any], alerts: list[RowMapping]
) -> dict[str, Any]:
    return {
        "delivery": message_id,
        "event": WATCH_ALERTED_TOPIC,
        "watch": {"id": watch["id"], "name": watch["name"], "text": watch["text"]},
        "import_run_id": payload["run_id"],
        "alert_count": payload["alerts"],
        "alerts": [
            {
                "id": a["id"],
                "application_no": a["application_no"],
                "name": a["name"],
                "score": a["score"],
            }
            for a in alerts
        ],
    }


async def post_watch_alerts(delivery: Delivery) -> None:
    """The outbox handler of ``WATCH_ALERTED_TOPIC``."""
    payload = delivery.message.payload
    watch_id, run_id = int(payload["watch_id"]), int(payload["run_id"])
    watch = await alert_repository.notice_watch(delivery.session, watch_id)
    if watch is None or watch["webhook_url"] is None:
        return  # deleted since, or no webhook: the alert list is the notice
    settings = delivery.settings
    assert isinstance(settings, IpSearchSettings)
    secret = open_secret(delivery.cipher, watch_id, bytes(watch["webhook_secret_enc"]))
    alerts = await alert_repository.run_alerts(delivery.session, watch_id, run_id, LISTED_ALERTS)
    await post_signed(
        delivery.http_client,
        watch["webhook_url"],
        secret,
        delivery.message.id,
        webhook_body(delivery.message.id, watch, payload, alerts),
        timeout_s=settings.watch_webhook_timeout_s,
    )
