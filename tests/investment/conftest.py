"""Fixtures of the investment API tests: a seeded registry, campaigns and a client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from investment.seeding import seed_demo
from investment.settings import InvestmentSettings
from services.registry import SERVICES

MANIFEST = SERVICES["investment"]


@pytest.fixture
async def seeded(
    db_engine: AsyncEngine, settings_overrides: dict[str, Any], clean_backends: None
) -> dict[str, Any]:
    """The real 420-row sample, the parks, a filed 2025 campaign and the open 2026 one."""
    settings = InvestmentSettings(**settings_overrides)
    return await seed_demo(db_engine, settings, synthetic=0)


@pytest.fixture
async def client(
    service_client_factory: Callable[..., Any], seeded: dict[str, Any]
) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client_factory(MANIFEST) as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
