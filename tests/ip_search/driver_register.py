"""A small register (1,500 synthetic marks and the planted ones) and a raw asyncpg connection to
it, for tests of the search statements as the driver pool runs them. Import ``connection`` into
a test module to use it; the register is emptied again when the module is done."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine

from ip_search.importing.planted import planted_records
from ip_search.importing.runner import import_items
from ip_search.synthetic import generate
from tests.ip_search.register_tables import REGISTER_TABLES


async def _empty_register(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {REGISTER_TABLES} RESTART IDENTITY"))


@pytest.fixture(scope="module")
async def connection(
    db_engine: AsyncEngine, database_url: str
) -> AsyncIterator[asyncpg.Connection[asyncpg.Record]]:
    await _empty_register(db_engine)
    records = itertools.chain(generate(1500, seed=7), planted_records())
    await import_items(db_engine, records, source="statement register", feed="synthetic")
    dsn = make_url(database_url).set(drivername="postgresql")
    driver: asyncpg.Connection[asyncpg.Record] = await asyncpg.connect(
        dsn.render_as_string(hide_password=False)
    )
    yield driver
    await driver.close()
    await _empty_register(db_engine)
