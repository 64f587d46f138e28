"""Public routes of industrial parks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request, Response

from common.caching import conditional_response
from common.database import ServiceRouter, SessionDep
from common.fields import SafeText
from investment.parks import service
from investment.parks.schemas import NearestParksOut, ParkFactoriesOut, ParkOut

router = ServiceRouter(prefix="/parks", tags=["parks"])
ParkId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.get("", response_model=list[ParkOut], summary="Search and filter industrial parks")
async def list_parks(
    *,
    request: Request,
    session: SessionDep,
    county_code: Annotated[str | None, Query(pattern=r"^[0-9]{5}$")] = None,
    industry_code: Annotated[str | None, Query(pattern=r"^[0-9]{2,3}$")] = None,
    min_available_ha: Annotated[float | None, Query(ge=0, le=1e6)] = None,
    lease_only: bool | None = None,
    q: Annotated[SafeText | None, Query(max_length=50, description="Part of the name")] = None,
) -> Response:
    parks = await service.list_parks(
        session,
        county_code=county_code,
        industry_code=industry_code,
        min_available_ha=min_available_ha,
        lease_only=lease_only,
        name_contains=q,
    )
    return conditional_response(request, _json_list(parks))


@router.get(
    "/nearest",
    response_model=NearestParksOut,
    summary="Parks nearest to a point",
    description="Great-circle (haversine) distance from the point to each park's centre.",
)
async def nearest_parks(
    *,
    request: Request,
    session: SessionDep,
    longitude: Annotated[float, Query(ge=-180, le=180)],
    latitude: Annotated[float, Query(ge=-90, le=90)],
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    max_km: Annotated[float | None, Query(gt=0, le=1000)] = None,
) -> Response:
    result = await service.nearest(session, longitude, latitude, limit, max_km)
    return conditional_response(request, result)


@router.get("/{park_id}", response_model=ParkOut, summary="One park")
async def get_park(request: Request, park_id: ParkId, session: SessionDep) -> Response:
    return conditional_response(request, await service.get_park(session, park_id))


@router.get(
    "/{park_id}/factories",
    response_model=ParkFactoriesOut,
    summary="Registered factories inside a park",
)
async def park_factories(request: Request, park_id: ParkId, session: SessionDep) -> Response:
    return conditional_response(request, await service.park_factories(session, park_id))


def _json_list(parks: list[ParkOut]) -> bytes:
    return ("[" + ",".join(p.model_dump_json() for p in parks) + "]").encode()
