"""Case-progress notices delivered by the worker: e-mail to a local SMTP server (aiosmtpd),
LINE push and signed webhooks through httpx.MockTransport; delivery status; dead letters."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tax_exemption.models import platform_tables
from tests.tax_exemption.conftest import filing_body
from tests.tax_exemption.worker import run_worker_once

LINE_USER = "U" + "0123456789abcdef" * 2
SECRET = "webhook-secret-of-firm-a"
PREFERENCES = {
    "channels": ["email", "line", "webhook"],
    "email": "wang@example.com.tw",
    "line_user_id": LINE_USER,
    "webhook_url": "https://hooks.firm-a.example/moea",
    "webhook_secret": SECRET,
}


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


class Recorder:
    def __init__(self, status: int = 200) -> None:
        self.requests: list[httpx.Request] = []
        self.status = status

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, json={})


def _by_host(line: Recorder, hook: Recorder) -> httpx.MockTransport:
    """The worker's one HTTP client: LINE's API to one recorder, webhooks to the other."""
    return httpx.MockTransport(lambda r: (line if r.url.host == "api.line.me" else hook)(r))


async def _submitted_filing(client: httpx.AsyncClient, firm: dict[str, str]) -> int:
    assert (
        await client.put("/notifications/preferences", json=PREFERENCES, headers=firm)
    ).status_code == 200
    filing_id: int = (await client.post("/filings", json=filing_body(), headers=firm)).json()["id"]
    submitted = await client.post(f"/filings/{filing_id}/submit", headers=firm)
    assert submitted.status_code == 200
    return filing_id


async def test_a_step_is_notified_on_every_chosen_channel(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    line, hook = Recorder(), Recorder()
    transport = _by_host(line, hook)
    overrides = {**settings_overrides, "smtp_port": port, "line_channel_token": "line-token"}
    filing_id = await _submitted_filing(client, firm_a)

    await run_worker_once(db_engine, redis_url, overrides, http_transport=transport)  # fan out
    await run_worker_once(db_engine, redis_url, overrides, http_transport=transport)  # deliver

    [mail] = box.messages
    parsed = message_from_bytes(mail.content)
    assert mail.rcpt_tos == ["wang@example.com.tw"]
    assert f"案號 {filing_id}" in str(make_header(decode_header(parsed["Subject"])))
    text = parsed.get_payload(decode=True)
    assert isinstance(text, bytes) and "已送件" in text.decode()

    [push] = line.requests
    assert push.url == "https://api.line.me/v2/bot/message/push"
    assert push.headers["authorization"] == "Bearer line-token"
    assert json.loads(push.content)["to"] == LINE_USER

    [call] = hook.requests
    expected = hmac.new(
        SECRET.encode(),
        call.headers["x-moea-timestamp"].encode() + b"." + call.content,
        hashlib.sha256,
    ).hexdigest()
    assert call.headers["x-moea-signature"] == f"sha256={expected}"
    assert json.loads(call.content)["filing_id"] == filing_id

    notices = (await client.get("/notifications", headers=firm_a)).json()
    assert sorted((n["channel"], n["status"]) for n in notices) == [
        ("email", "sent"),
        ("line", "sent"),
        ("webhook", "sent"),
    ]
    # Outbox messages carry ids, never the firm's addresses.
    async with db_engine.connect() as connection:
        payloads = (await connection.execute(select(platform_tables.outbox.c.payload))).all()
    assert "wang@example.com.tw" not in str(payloads) and LINE_USER not in str(payloads)


async def test_a_failing_webhook_is_retried_then_dead_lettered_alone(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
    mailbox: tuple[Mailbox, int],
) -> None:
    _, port = mailbox
    line, hook = Recorder(), Recorder(status=500)
    transport = _by_host(line, hook)
    overrides = {**settings_overrides, "smtp_port": port}
    await _submitted_filing(client, firm_a)

    await run_worker_once(db_engine, redis_url, overrides, http_transport=transport)
    await run_worker_once(db_engine, redis_url, overrides, http_transport=transport)

    assert len(hook.requests) == 2  # the policy of the test worker: two attempts
    status = {n["channel"]: n for n in (await client.get("/notifications", headers=firm_a)).json()}
    assert status["webhook"]["status"] == "failed" and "500" in status["webhook"]["last_error"]
    assert (status["email"]["status"], status["line"]["status"]) == ("sent", "sent")


async def test_preferences_need_an_address_per_channel(
    client: httpx.AsyncClient, firm_a: dict[str, str]
) -> None:
    bad = {"channels": ["email", "line"], "email": "wang@example.com.tw"}
    response = await client.put("/notifications/preferences", json=bad, headers=firm_a)
    assert response.status_code == 422
    assert (await client.get("/notifications/preferences", headers=firm_a)).status_code == 404
