"""``moea verify-audit`` / ``moea seal-audit`` against the test database."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.audit import AuditEvent, AuditTrail
from common.audit.mac import audit_key
from services import cli
from services.registry import SERVICES

MANIFEST = SERVICES["tax_exemption"]
AUDIT = '"tax_exemption".audit_event'

pytestmark = pytest.mark.usefixtures("clean_backends")


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads DATABASE_URL and the service's settings (default development key)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("MOEA_AUDIT_HMAC_KEY", "TAX_EXEMPTION_AUDIT_HMAC_KEY"):
        monkeypatch.delenv(name, raising=False)


async def write_events(engine: AsyncEngine, count: int) -> list[int]:
    trail = AuditTrail(MANIFEST.tables.audit_event, audit_key(MANIFEST.settings().audit_hmac_key))
    async with AsyncSession(engine) as session:
        ids = [
            await trail.record(
                session,
                AuditEvent(
                    actor="firm-1",
                    actor_role="firm",
                    action="certificate.apply",
                    record_type="certificate",
                    record_id=f"C-{n}",
                ),
            )
            for n in range(count)
        ]
        await session.commit()
    return ids


async def run_cli(*argv: str) -> None:
    # The CLI calls asyncio.run, which needs a thread without a running loop.
    await asyncio.to_thread(cli.main, list(argv))


@pytest.mark.usefixtures("cli_database")
async def test_verify_audit_names_the_tampered_row_and_exits_1(
    db_engine: AsyncEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = await write_events(db_engine, 4)
    await run_cli("seal-audit", "--service", "tax_exemption")
    async with db_engine.begin() as connection:
        await connection.execute(
            text(f"UPDATE {AUDIT} SET record_id = 'C-999' WHERE id = :id"), {"id": ids[2]}
        )
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        await run_cli("verify-audit", "--service", "tax_exemption")
    assert exit_info.value.code == 1
    output = capsys.readouterr().out
    assert f"BROKEN at audit_event id {ids[2]} " in output
    assert "row_mac_mismatch" in output


@pytest.mark.usefixtures("cli_database")
async def test_verify_audit_seals_then_reports_ok(
    db_engine: AsyncEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    await write_events(db_engine, 3)
    await run_cli("verify-audit", "--service", "tax_exemption")
    assert "tax_exemption: OK (3 events, head seq 3)" in capsys.readouterr().out
    async with db_engine.connect() as connection:
        unsealed = await connection.scalar(text(f"SELECT count(*) FROM {AUDIT} WHERE seq IS NULL"))
    assert unsealed == 0
