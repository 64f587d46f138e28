"""Fixtures shared by the platform's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.common.edge_app import create_scratch_tables, empty_scratch_tables


@pytest.fixture
async def scratch(db_engine: AsyncEngine, redis_url: str) -> AsyncIterator[AsyncEngine]:
    """The edge app's scratch tables, created once and empty before and after the test."""
    await create_scratch_tables(db_engine)
    await empty_scratch_tables(db_engine, redis_url)
    yield db_engine
    await empty_scratch_tables(db_engine, redis_url)
