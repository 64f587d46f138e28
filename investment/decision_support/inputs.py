"""The open data the items compute on, loaded once per minute per process.

The analyses read the whole registry (location quotients need national totals), so the factory
points are kept in memory for ``TTL_SECONDS``: ~100,000 small tuples, a fraction of a second to
load (built off the loop), reused by every answer meanwhile. Parks are few and read per request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from investment.db_types import AnyRow
from investment.decision import FactoryPoint, Park
from investment.models import factory
from investment.parks import repository as parks
from investment.parks.service import decision_park

TTL_SECONDS = 60.0


class FactoryPoints:
    def __init__(self) -> None:
        self._points: tuple[FactoryPoint, ...] = ()
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    async def get(self, session: AsyncSession) -> tuple[FactoryPoint, ...]:
        if time.monotonic() - self._loaded_at > TTL_SECONDS:
            async with self._lock:
                if time.monotonic() - self._loaded_at > TTL_SECONDS:
                    self._points = await _load(session)
                    self._loaded_at = time.monotonic()
        return self._points


async def _load(session: AsyncSession) -> tuple[FactoryPoint, ...]:
    query = select(
        factory.c.registration_number,
        factory.c.name,
        factory.c.county_code,
        factory.c.industry_codes,
        factory.c.product_codes,
        factory.c.longitude,
        factory.c.latitude,
    ).where(factory.c.in_registry)
    rows = (await session.execute(query)).all()
    # Two frozensets and a record per factory: a few hundred ms of CPU for the whole registry,
    # built in a worker thread so the replica's other requests are served meanwhile.
    return await asyncio.to_thread(_points, rows)


def _points(rows: Sequence[AnyRow]) -> tuple[FactoryPoint, ...]:
    return tuple(
        FactoryPoint(
            registration_number=row.registration_number,
            name=row.name,
            county_code=row.county_code,
            industry_codes=frozenset(row.industry_codes),
            product_codes=frozenset(row.product_codes),
            longitude=row.longitude,
            latitude=row.latitude,
        )
        for row in rows
    )


async def park_inputs(session: AsyncSession) -> list[Park]:
    return [p for p in map(decision_park, await parks.parks(session)) if p is not None]


async def request_points(request: Request) -> FactoryPoints:
    state = request.app.state
    points: FactoryPoints | None = getattr(state, "factory_points", None)
    if points is None:
        points = state.factory_points = FactoryPoints()
    return points


PointsDep = Annotated[FactoryPoints, Depends(request_points)]
