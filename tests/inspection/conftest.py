"""Fixtures of the inspection API tests: a client on the real app with a settable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from inspection.app import MANIFEST

FIRM_A = "04595257"
FIRM_B = "22099131"


class SettableClock:
    """The app's clock in tests: moved by hand, never by sleeping."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime(2025, 3, 3, 2, 0, tzinfo=UTC))  # 10:00 Taipei


@pytest.fixture
async def api(
    service_client_factory: Callable[..., Any], clock: SettableClock
) -> AsyncIterator[httpx.AsyncClient]:
    factory = service_client_factory(MANIFEST)
    factory.app.state.clock = clock
    async with factory as client:
        yield client


@pytest.fixture
def officer(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('officer', agency='BSMI', subject='officer-1')}"}


@pytest.fixture
def firm_a(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('firm', business_id=FIRM_A, subject='firm-a')}"}


@pytest.fixture
def firm_b(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('firm', business_id=FIRM_B, subject='firm-b')}"}
