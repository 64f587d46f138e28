"""Channel handlers run by the worker: e-mail (SMTP), LINE push, signed webhooks.

Each send is keyed by the outbox message id (Message-ID, ``X-Line-Retry-Key``,
``X-Moea-Delivery``), because a crash between sending and committing repeats the send; the
receiver can drop the repeat. A failure raises, and the outbox retries with backoff and
dead-letters after the last attempt. The error it stores (``last_error``) and logs never names
the firm's address: mail servers echo the refused recipient in their reply.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import httpx
from sqlalchemy import RowMapping

from common.jobs import Delivery
from common.webhooks import post_signed
from tax_exemption.notifications import repository
from tax_exemption.settings import TaxExemptionSettings


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One notice ready to send: the firm's decrypted address and the worker's HTTP client."""

    settings: TaxExemptionSettings
    client: httpx.AsyncClient
    notice: RowMapping
    preference: RowMapping
    address: str


class ChannelError(RuntimeError):
    """The firm's preference no longer names this channel's address."""


class DeliveryFailed(RuntimeError):
    """A send failed; the message says why, with the firm's address blanked out."""

    @classmethod
    def of(cls, exc: Exception, address: str) -> DeliveryFailed:
        text = f"{type(exc).__name__}: {exc}"
        return cls(re.sub(re.escape(address), "[recipient]", text, flags=re.IGNORECASE))


class _Channel:
    """Find the queued notice and the firm's address; send; mark it sent."""

    column = ""

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
        address = delivery.cipher.decrypt(
            bytes(blob),
            table="notification_preference",
            column=self.column,
            row_key=notice["business_id"],
        )
        await self._send_redacted(
            Outgoing(settings, delivery.http_client, notice, preference, address)
        )
        await repository.mark_sent(session, notice["id"])

    async def _send_redacted(self, outgoing: Outgoing) -> None:
        try:
            await self.send(outgoing)
        except Exception as exc:
            # Not chained: the original's text and arguments carry the address.
            raise DeliveryFailed.of(exc, outgoing.address) from None

    async def send(self, outgoing: Outgoing) -> None:
        raise NotImplementedError


class EmailChannel(_Channel):
    column = "email_enc"

    async def send(self, outgoing: Outgoing) -> None:
        settings, notice = outgoing.settings, outgoing.notice
        message = EmailMessage()
        message["From"] = settings.smtp_sender
        message["To"] = outgoing.address
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

    async def send(self, outgoing: Outgoing) -> None:
        settings, notice = outgoing.settings, outgoing.notice
        retry_key = uuid.uuid5(uuid.NAMESPACE_URL, f"moea:notice:{notice['outbox_message_id']}")
        headers = {
            "Authorization": f"Bearer {settings.line_channel_token.get_secret_value()}",
            "X-Line-Retry-Key": str(retry_key),
        }
        text = f"{notice['subject']}\n\n{notice['body']}"[:5000]  # LINE's text limit
        body = {"to": outgoing.address, "messages": [{"type": "text", "text": text}]}
        response = await outgoing.client.post(
            f"{settings.line_api_base}/v2/bot/message/push",
            json=body,
            headers=headers,
            timeout=settings.http_timeout_s,
        )
        # 409: a request with this retry key was already accepted, i.e. it was sent.
        if response.status_code != 409:
            response.raise_for_status()


class WebhookChannel(_Channel):
    """The address is the secret; the URL is not personal data and is stored plainly."""

    column = "webhook_secret_enc"

    async def send(self, outgoing: Outgoing) -> None:
        await post_signed(
            outgoing.client,
            outgoing.preference["webhook_url"],
            outgoing.address,
            outgoing.notice["outbox_message_id"],
            _webhook_body(outgoing.notice),
            timeout_s=outgoing.settings.http_timeout_s,
        )


def _webhook_body(notice: RowMapping) -> dict[str, Any]:
    return {
        "delivery": notice["outbox_message_id"],
        "event": notice["event"],
        "filing_id": notice["filing_id"],
        "subject": notice["subject"],
        "text": notice["body"],
    }
