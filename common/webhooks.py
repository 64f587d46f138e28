"""Signed webhook deliveries: an HTTP POST whose body the receiver can authenticate.

The receiver recomputes ``sha256=HMAC(secret, timestamp + "." + body)`` and compares it with
``X-Moea-Signature``; the timestamp lets it refuse replays of old deliveries. A delivery id
(the outbox message id) is stable across retries, so the receiver can drop a repeat.

``WebhookUrl`` is the input type of a receiver's address: HTTPS only, and no loopback, private
or link-local address literal, so a webhook cannot be aimed at the platform's own network
(names are resolved by the resolver of the cluster, whose egress policy covers the rest).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlsplit

import httpx
import orjson
from pydantic import AfterValidator, StringConstraints

SIGNATURE_HEADER = "X-Moea-Signature"
TIMESTAMP_HEADER = "X-Moea-Timestamp"
DELIVERY_HEADER = "X-Moea-Delivery"
MAX_URL_LENGTH = 500
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


def check_webhook_url(url: str) -> str:
    """``url`` if a webhook may be sent to it; ValueError (a 422 at the edge) if not."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("a webhook URL must be https://host/...")
    if parts.username is not None or parts.password is not None:
        raise ValueError("a webhook URL must not carry credentials")
    host = parts.hostname.rstrip(".").lower()
    if host in _LOCAL_NAMES or host.endswith(".localhost") or _is_internal_address(host):
        raise ValueError("a webhook URL must not point at a local or private address")
    return url


def _is_internal_address(host: str) -> bool:
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(host)
    except ValueError:
        try:  # legacy IPv4 spellings the resolver also accepts: 2130706433, 127.1, 0x7f.1
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return False  # a name, not an address literal
    return not address.is_global


WebhookUrl = Annotated[
    str,
    StringConstraints(max_length=MAX_URL_LENGTH, pattern=r"^https://[^\s\x00-\x1f\x7f]+$"),
    AfterValidator(check_webhook_url),
]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of ``timestamp.body``: the timestamp stops replays of old deliveries."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def signed_headers(secret: str, delivery_id: int, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        DELIVERY_HEADER: str(delivery_id),
    }


async def post_signed(
    client: httpx.AsyncClient,
    url: str,
    secret: str,
    delivery_id: int,
    payload: Mapping[str, Any],
    *,
    timeout_s: float,
) -> None:
    """POST ``payload`` as signed JSON; a non-2xx answer raises (the outbox then retries)."""
    body = orjson.dumps(payload)
    headers = signed_headers(secret, delivery_id, body)
    response = await client.post(url, content=body, headers=headers, timeout=timeout_s)
    response.raise_for_status()


__all__ = [
    "DELIVERY_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookUrl",
    "check_webhook_url",
    "post_signed",
    "sign",
    "signed_headers",
]
