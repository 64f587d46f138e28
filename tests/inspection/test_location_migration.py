"""Revision 0004 seals the locations of instruments registered before it, and 0003 unseals them.

More rows than one batch of the migration, so the batches' hand-over is exercised too.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from common.migrations import downgrade, upgrade
from common.pii import FieldCipher
from inspection.app import MANIFEST
from inspection.settings import InspectionSettings
from tests.e2e.test_migrations_roundtrip import empty_database  # noqa: F401  (fixture)

ROWS = 501  # the migration's batch is 500
INSERT = text("""
    INSERT INTO inspection.instrument (kind, maker, model, serial, owner_person_name, location)
    SELECT 'water_meter', 'M', 'W1', 'WM-' || n, '\\x00'::bytea, '探針路' || n || '號'
      FROM generate_series(1, :rows) AS n""")
LOCATIONS = text("SELECT id, location FROM inspection.instrument ORDER BY id")


async def _locations(url: str) -> list[tuple[int, object]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return [(row.id, row.location) for row in await connection.execute(LOCATIONS)]
    finally:
        await engine.dispose()


async def _insert(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(INSERT, {"rows": ROWS})
    finally:
        await engine.dispose()


async def test_existing_locations_are_encrypted_and_restored_on_downgrade(
    empty_database: str,  # noqa: F811
) -> None:
    await asyncio.to_thread(upgrade, MANIFEST.migrations, empty_database, "0003")
    await _insert(empty_database)
    before = await _locations(empty_database)

    await asyncio.to_thread(upgrade, MANIFEST.migrations, empty_database)
    sealed = await _locations(empty_database)
    cipher = FieldCipher.from_settings(InspectionSettings())
    opened = [
        (i, cipher.decrypt(blob, table="instrument", column="location", row_key=str(i)))
        for i, blob in sealed
        if isinstance(blob, bytes)
    ]
    assert opened == before and len(opened) == ROWS
    assert not any("探針路".encode() in blob for _, blob in sealed if isinstance(blob, bytes))

    await asyncio.to_thread(downgrade, MANIFEST.migrations, empty_database, "0003")
    assert await _locations(empty_database) == before
