"""Signed webhooks: the signature receivers verify, and the addresses a webhook may target."""

from __future__ import annotations

import hashlib
import hmac

import httpx
import pytest

from common.webhooks import check_webhook_url, post_signed, sign


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(b"s3cret", b"1700000000.{}", hashlib.sha256).hexdigest()

    assert sign("s3cret", "1700000000", b"{}") == f"sha256={expected}"


async def test_a_post_carries_a_verifiable_signature_and_its_delivery_id() -> None:
    seen: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    async with httpx.AsyncClient(transport=httpx.MockTransport(receiver)) as client:
        await post_signed(client, "https://hooks.example/x", "s3cret", 42, {"a": 1}, timeout_s=1)

    [request] = seen
    timestamp = request.headers["x-moea-timestamp"]
    assert request.headers["x-moea-signature"] == sign("s3cret", timestamp, request.content)
    assert request.headers["x-moea-delivery"] == "42"


async def test_a_refusing_receiver_raises_so_the_outbox_retries() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(httpx.HTTPStatusError):
            await post_signed(client, "https://hooks.example/x", "s", 1, {}, timeout_s=1)


@pytest.mark.parametrize(
    "url",
    ["https://hooks.example.com/moea", "https://hooks.example.com:8443/a?b=c", "https://8.8.8.8/"],
)
def test_public_https_addresses_are_accepted(url: str) -> None:
    assert check_webhook_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/moea",
        "ftp://hooks.example.com/",
        "https://user:pass@hooks.example.com/",
        "https://localhost/",
        "https://api.localhost/",
        "https://127.0.0.1/",
        "https://2130706433/",
        "https://0x7f.1/",
        "https://10.1.2.3/",
        "https://192.168.0.1/",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/",
        "https://[fd00::1]/",
    ],
)
def test_local_and_private_addresses_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="webhook URL"):
        check_webhook_url(url)
