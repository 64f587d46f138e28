"""Operator entry points (``moea seal-audit``, ``moea verify-audit``): one engine per call."""

from __future__ import annotations

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import create_async_engine

from common.audit.sealer import SealReport, seal_pending
from common.audit.verifier import VerificationResult, verify_chain
from common.platform_tables import PlatformTables


async def seal(database_url: str, tables: PlatformTables, key: SecretStr) -> SealReport:
    engine = create_async_engine(database_url, pool_size=1)
    try:
        return await seal_pending(engine, tables, key)
    finally:
        await engine.dispose()


async def seal_and_verify(
    database_url: str, tables: PlatformTables, key: SecretStr
) -> VerificationResult:
    """Seal what is pending first, so every committed row is covered by the chain."""
    engine = create_async_engine(database_url, pool_size=1)
    try:
        await seal_pending(engine, tables, key)
        return await verify_chain(engine, tables, key)
    finally:
        await engine.dispose()
