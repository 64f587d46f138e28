"""Channel handlers run by the worker: e-mail (SMTP), LINE push, signed webhooks.

Each send is keyed by the outbox message id (Message-ID, ``X-Line-Retry-Key``,
``X-Moea-Delivery``), because a crash between sending and committing repeats the send; the
receiver can drop the repeat. A failure raises, and the outbox retries with backoff and
dead-letters after the last attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import httpx
import orjson
from sqlalchemy import RowMapping

from common.jobs import Delivery
from common.pii import FieldCipher
from tax_exemption.notifications import repository
from tax_exemption.settings import TaxExemptionSettings

SIGNATURE_HEADER = "X-Moea-Signature"
TIMESTAMP_HEADER = "X-Moea-Timestamp"
DELIVERY_HEADER = "X-Moea-Delivery"


class ChannelError(RuntimeError):
    """The firm's preference no longer names this channel's address."""


class _Channel:
    """Find the queued notice and the firm's address; send; mark it sent."""

    column = ""

    def __init__(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._transport = transport

    async def __call__(self, delivery: Delivery) -> None:
        session = delivery.session
        notice = await repository.by_message(session, delivery.message.id)
        if notice is None or notice["status"] == "sent":
            return
        preference = await repository.get_preference(session, notice["business_id"])
        blob = None if preference is None else preference[self.column]
        if preference is None or blob is None:
            raise ChannelError(f"no {self.column} on file for {notice['business_id']}")
        settings = delivery.settings
        assert isinstance(settings, TaxExemptionSettings)
        address = FieldCipher.from_settings(settings).decrypt(
            bytes(blob),
            table="notification_preference",
            column=self.column,
            row_key=notice["business_id"],
        )
        await self.send(settings, notice, preference, address)
        await repository.mark_sent(session, notice["id"])

    async def send(
        self,
        settings: TaxExemptionSettings,
        notice: RowMapping,
        preference: RowMapping,
        address: str,
    ) -> None:
        raise NotImplementedError

    def client(self, settings: TaxExemptionSettings) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self._transport, timeout=settings.http_timeout_s)


class EmailChannel(_Channel):
    column = "email_enc"

    async def send(
        self,
        settings: TaxExemptionSettings,
        notice: RowMapping,
        preference: RowMapping,
        address: str,
    ) -> None:
        message = EmailMessage()
        message["From"] = settings.smtp_sender
        message["To"] = address
        message["Subject"] = notice["subject"]
        message["Message-ID"] = f"<notice-{notice['outbox_message_id']}@tax-exemption.moea>"
        message.set_content(notice["body"])
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            timeout=settings.smtp_timeout_s,
        )


class LineChannel(_Channel):
    """LINE Messaging API push: ``POST /v2/bot/message/push``."""

    column = "line_user_id_enc"

    async def send(
        self,
        settings: TaxExemptionSettings,
        notice: RowMapping,
        preference: RowMapping,
        address: str,
    ) -> None:
        retry_key = uuid.uuid5(uuid.NAMESPACE_URL, f"moea:notice:{notice['outbox_message_id']}")
        headers = {
            "Authorization": f"Bearer {settings.line_channel_token.get_secret_value()}",
            "X-Line-Retry-Key": str(retry_key),
        }
        text = f"{notice['subject']}\n\n{notice['body']}"[:5000]  # LINE's text limit
        body = {"to": address, "messages": [{"type": "text", "text": text}]}
        async with self.client(settings) as client:
            response = await client.post(
                f"{settings.line_api_base}/v2/bot/message/push", json=body, headers=headers
            )
        # 409: a request with this retry key was already accepted, i.e. it was sent.
        if response.status_code != 409:
            response.raise_for_status()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of ``timestamp.body``: the timestamp stops replays of old deliveries."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


class WebhookChannel(_Channel):
    """The address is the secret; the URL is not personal data and is stored plainly."""

    column = "webhook_secret_enc"

    async def send(
        self,
        settings: TaxExemptionSettings,
        notice: RowMapping,
        preference: RowMapping,
        address: str,
    ) -> None:
        body = orjson.dumps(_webhook_body(notice))
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(address, timestamp, body),
            DELIVERY_HEADER: str(notice["outbox_message_id"]),
        }
        async with self.client(settings) as client:
            response = await client.post(preference["webhook_url"], content=body, headers=headers)
        response.raise_for_status()


def _webhook_body(notice: RowMapping) -> dict[str, Any]:
    return {
        "delivery": notice["outbox_message_id"],
        "event": notice["event"],
        "filing_id": notice["filing_id"],
        "subject": notice["subject"],
        "text": notice["body"],
    }
