"""Use cases of parks: filtered list, nearest, the factories inside a park."""

from __future__ import annotations

import math

from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import NotFound, UnprocessableContent
from investment.db_types import AnyRow
from investment.decision import Park
from investment.decision.geo import EARTH_RADIUS_KM, haversine_km
from investment.decision.nearest_parks import ITEM as NEAREST_ITEM
from investment.decision.nearest_parks import nearest_parks
from investment.factories.service import factory_out
from investment.parks import repository
from investment.parks.schemas import NearbyParkOut, NearestParksOut, ParkFactoriesOut, ParkOut

# A park is taken as the circle of its area around its centre, widened by this margin (km):
# the source list has no boundaries, only an area and (approximate) centre.
INSIDE_MARGIN_KM = 0.3
MAX_PARK_FACTORIES = 2000


def park_out(row: AnyRow) -> ParkOut:
    return ParkOut.model_validate(dict(row._mapping))


def decision_park(row: AnyRow) -> Park | None:
    """The park as the decision-support items see it (None without a location)."""
    if row.longitude is None or row.latitude is None:
        return None
    return Park(
        park_id=str(row.id),
        name=row.name,
        county_code=row.county_code,
        longitude=row.longitude,
        latitude=row.latitude,
        area_ha=row.area_ha,
        land_for_rent_ha=row.land_for_rent_ha,
        land_for_sale_ha=row.land_for_sale_ha,
        lease_only=row.lease_only,
        allowed_industries=frozenset(row.allowed_industries),
        power_capacity_kw=row.power_capacity_kw,
        water_capacity_m3_per_day=row.water_capacity_m3_per_day,
        has_natural_gas=row.has_natural_gas,
        has_wastewater_treatment=row.has_wastewater_treatment,
    )


async def list_parks(
    session: AsyncSession,
    *,
    county_code: str | None,
    industry_code: str | None,
    min_available_ha: float | None,
    lease_only: bool | None,
    name_contains: str | None,
) -> list[ParkOut]:
    rows = await repository.parks(
        session, county_code=county_code, lease_only=lease_only, name_contains=name_contains
    )
    chosen = [park_out(row) for row in rows]
    if industry_code:
        chosen = [
            p
            for p in chosen
            if not p.allowed_industries or industry_code[:2] in p.allowed_industries
        ]
    if min_available_ha is not None:
        chosen = [p for p in chosen if p.land_for_rent_ha + p.land_for_sale_ha >= min_available_ha]
    return chosen


async def get_park(session: AsyncSession, park_id: int) -> ParkOut:
    row = await repository.get_park(session, park_id)
    if row is None:
        raise NotFound(f"no park {park_id}")
    return park_out(row)


async def nearest(
    session: AsyncSession, longitude: float, latitude: float, limit: int, max_km: float | None
) -> NearestParksOut:
    rows = {str(row.id): row for row in await repository.parks(session)}
    located = [p for p in map(decision_park, rows.values()) if p is not None]
    result = nearest_parks(located, longitude, latitude, limit=limit, max_km=max_km)
    return NearestParksOut(
        parks=[
            NearbyParkOut(park=park_out(rows[item.park_id]), distance_km=item.distance_km)
            for item in result.parks
        ],
        method=NEAREST_ITEM.method_en,
        explanation=result.explanation.summary_en,
    )


def park_radius_km(area_ha: float) -> float:
    """The radius of a circle of the park's area (1 km² = 100 ha), plus the margin."""
    return math.sqrt(area_ha / 100 / math.pi) + INSIDE_MARGIN_KM


async def park_factories(session: AsyncSession, park_id: int) -> ParkFactoriesOut:
    row = await repository.get_park(session, park_id)
    if row is None:
        raise NotFound(f"no park {park_id}")
    if row.longitude is None or row.latitude is None:
        raise UnprocessableContent("this park has no known location")
    radius = park_radius_km(row.area_ha)
    dlat = math.degrees(radius / EARTH_RADIUS_KM)
    dlon = dlat / max(math.cos(math.radians(row.latitude)), 0.01)
    box = (row.longitude - dlon, row.latitude - dlat, row.longitude + dlon, row.latitude + dlat)
    candidates = await repository.factories_in_box(session, box, MAX_PARK_FACTORIES)
    inside = [
        f
        for f in candidates
        if haversine_km(row.longitude, row.latitude, f.longitude, f.latitude) <= radius
    ]
    return ParkFactoriesOut(
        park_id=park_id,
        radius_km=round(radius, 3),
        method="Registered factories whose eGIS point lies within the circle of the park's area "
        f"around its centre, plus {INSIDE_MARGIN_KM} km (the source has no park boundaries).",
        factories=[factory_out(f) for f in inside],
    )
