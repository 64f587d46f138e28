"""Every service's Alembic tree goes down to base and up again, leaving the same schema.

A downgrade that forgets a table, or names a constraint other than the upgrade did, fails here
rather than in an operator's rollback.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from common.manifest import ServiceManifest
from common.migrations import downgrade, upgrade
from services.registry import SERVICES

SCHEMA_SHAPE = text("""
    SELECT 'table ' || table_name FROM information_schema.tables WHERE table_schema = :schema
    UNION ALL
    SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type
      FROM information_schema.columns WHERE table_schema = :schema
    UNION ALL
    SELECT 'constraint ' || conname FROM pg_constraint c
      JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = :schema
    UNION ALL
    SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = :schema
    ORDER BY 1""")


@pytest.fixture
async def empty_database(moea_backend_urls: tuple[str, str]) -> AsyncIterator[str]:
    server_url = make_url(moea_backend_urls[0])
    name = f"moea_roundtrip_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def _shape(url: str, schema: str) -> list[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return list((await connection.scalars(SCHEMA_SHAPE, {"schema": schema})).all())
    finally:
        await engine.dispose()


@pytest.mark.parametrize("manifest", SERVICES.values(), ids=list(SERVICES))
async def test_down_to_base_and_up_again(manifest: ServiceManifest, empty_database: str) -> None:
    await asyncio.to_thread(upgrade, manifest.migrations, empty_database)
    at_head = await _shape(empty_database, manifest.name)
    assert at_head, "the upgrade created nothing"

    await asyncio.to_thread(downgrade, manifest.migrations, empty_database, "base")
    assert [
        row for row in await _shape(empty_database, manifest.name) if row.startswith("table ")
    ] in (
        [],
        ["table alembic_version"],
    )

    await asyncio.to_thread(upgrade, manifest.migrations, empty_database)
    assert await _shape(empty_database, manifest.name) == at_head
