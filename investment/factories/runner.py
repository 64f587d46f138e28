"""Import a registry file end to end: parse off the event loop, apply in one transaction.

Used by ``moea investment import-registry`` and the demo seed. The whole file is one
transaction, so an interrupted import leaves the registry as it was.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.audit import AuditEvent, AuditTrail
from common.pii import FieldCipher
from investment.factories.importing import ImportReport, import_parsed, refuse_file
from investment.models import platform_tables
from investment.registry import ParseResult, RegistryFileError, parse_registry_file
from investment.settings import InvestmentSettings


async def import_registry_file(
    engine: AsyncEngine,
    path: Path,
    settings: InvestmentSettings,
    *,
    actor: str = "moea-cli",
    accept_partial: bool = False,
) -> ImportReport:
    cipher = FieldCipher.from_settings(settings)
    try:
        parsed: ParseResult | str = await asyncio.to_thread(parse_registry_file, path)
    except (RegistryFileError, OSError) as exc:
        parsed = str(exc)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        if isinstance(parsed, str):
            report = await refuse_file(session, path.name, parsed)
        else:
            report = await import_parsed(
                session, parsed, source=path.name, cipher=cipher, accept_partial=accept_partial
            )
        await _audit(session, settings, report, actor)
        await session.commit()
    return report


async def _audit(
    session: AsyncSession, settings: InvestmentSettings, report: ImportReport, actor: str
) -> None:
    trail = AuditTrail.from_settings(settings, platform_tables)
    event = AuditEvent(
        actor=actor,
        actor_role="operator",
        action="registry.import",
        record_type="registry_import",
        record_id=str(report.run_id),
        details={"source": report.source, "applied": report.applied, **report.summary()},
    )
    await trail.record(session, event)
