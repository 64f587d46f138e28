"""The audit stream for the SOC does not follow the service's log level.

A service run with ``log_level=WARNING`` (quiet logs) still sends the SOC a JSON line for every
audited request; only its own setting, ``soc_log_enabled``, turns the stream off, and then the
audit row is still written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.audit import AuditEvent, AuditTrail
from common.audit.mac import audit_key
from common.audit.soc_log import LOGGER_NAME
from common.observability.logging import configure_logging
from tests.common.test_audit_api import MANIFEST, TRAIL, seed, unscoped

LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40, "critical": 50}
TRAIL_READS = text("SELECT count(*) FROM inspection.audit_event WHERE action = 'audit.trail.read'")


def _lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


async def _read_trail(factory: Callable[..., Any], token: Any, **settings: Any) -> Any:
    headers = {"Authorization": f"Bearer {token('officer', agency='IDA', subject='officer-1')}"}
    async with unscoped(factory(MANIFEST, **settings)) as client:
        return await client.get(TRAIL, headers=headers)


async def test_an_audited_request_reaches_the_soc_at_log_level_warning(
    service_client_factory: Callable[..., Any],
    db_engine: AsyncEngine,
    token: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await seed(db_engine)
    capsys.readouterr()
    response = await _read_trail(service_client_factory, token, log_level="WARNING")
    assert response.status_code == 200
    lines = _lines(capsys.readouterr().out)
    soc = [line for line in lines if line.get("logger") == LOGGER_NAME]
    assert [(line["action"], line["actor"]) for line in soc] == [("audit.trail.read", "officer-1")]
    assert soc[0]["event"] == "audit" and soc[0]["record_id"] == "F-1"
    assert soc[0]["request_id"] == response.headers["X-Request-ID"]
    assert soc[0]["timestamp"].endswith("Z")
    # The service's own logs did follow the level: nothing below WARNING but the SOC line.
    others = [line for line in lines if line.get("logger") != LOGGER_NAME]
    assert all(LEVELS[line.get("level", "info")] >= LEVELS["warning"] for line in others)


async def test_only_its_own_setting_turns_the_soc_stream_off(
    service_client_factory: Callable[..., Any],
    db_engine: AsyncEngine,
    token: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await seed(db_engine)
    capsys.readouterr()
    response = await _read_trail(
        service_client_factory, token, log_level="DEBUG", soc_log_enabled=False
    )
    assert response.status_code == 200
    soc = [line for line in _lines(capsys.readouterr().out) if line.get("logger") == LOGGER_NAME]
    assert soc == []
    async with db_engine.connect() as connection:
        assert await connection.scalar(TRAIL_READS) == 1  # the audit row itself is written


async def test_the_soc_line_is_json_whatever_the_level_and_format_of_the_logs(
    db_engine: AsyncEngine, clean_backends: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(level="ERROR", json=False)
    capsys.readouterr()
    key = audit_key(MANIFEST.settings().audit_hmac_key)
    trail = AuditTrail(MANIFEST.tables.audit_event, key)
    event = AuditEvent(
        actor="firm-04595257",
        actor_role="firm",
        action="filing.submit",
        record_type="filing",
        record_id="F-7",
        details={"note": "申報"},
    )
    async with AsyncSession(db_engine) as session:
        row_id = await trail.record(session, event)
        await session.commit()
    [line] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (line["logger"], line["audit_id"], line["details"]) == (
        LOGGER_NAME,
        row_id,
        {"note": "申報"},
    )
