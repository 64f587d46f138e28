"""Every query of parks."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from investment.db_types import AnyRow
from investment.models import factory, park


async def parks(
    session: AsyncSession,
    *,
    county_code: str | None = None,
    lease_only: bool | None = None,
    name_contains: str | None = None,
) -> list[AnyRow]:
    query = select(park)
    if county_code:
        query = query.where(park.c.county_code == county_code)
    if lease_only is not None:
        query = query.where(park.c.lease_only == lease_only)
    if name_contains:
        query = query.where(park.c.name.contains(name_contains, autoescape=True))
    return list((await session.execute(query.order_by(park.c.id))).all())


async def get_park(session: AsyncSession, park_id: int) -> AnyRow | None:
    return (await session.execute(select(park).where(park.c.id == park_id))).first()


async def factories_in_box(
    session: AsyncSession, box: tuple[float, float, float, float], limit: int
) -> list[AnyRow]:
    """Registered factories inside ``box`` = (west, south, east, north)."""
    west, south, east, north = box
    query = (
        select(factory)
        .where(
            factory.c.in_registry,
            factory.c.longitude.between(west, east),
            factory.c.latitude.between(south, north),
        )
        .order_by(factory.c.registration_number)
        .limit(limit)
    )
    return list((await session.execute(query)).all())
