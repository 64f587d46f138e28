"""Public routes of the factory registry (open data; the owner's name is never shown)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request, Response

from common.caching import conditional_response
from common.database import ServiceRouter, SessionDep
from common.fields import SafeText
from common.pagination import Cursor, Limit, Page
from investment.factories import service
from investment.factories.schemas import FactoryOut

router = ServiceRouter(prefix="/factories", tags=["registry"])


@router.get("", response_model=Page[FactoryOut], summary="Registered factories, filtered")
async def search_factories(
    *,
    request: Request,
    session: SessionDep,
    county_code: Annotated[str | None, Query(pattern=r"^[0-9]{5}$")] = None,
    township: Annotated[SafeText | None, Query(max_length=20)] = None,
    industry_code: Annotated[str | None, Query(pattern=r"^[0-9]{2}$")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Response:
    page = await service.search(
        session,
        county_code=county_code,
        township=township,
        industry_code=industry_code,
        cursor=cursor,
        limit=limit,
    )
    return conditional_response(request, page)


@router.get("/{registration_number}", response_model=FactoryOut, summary="One factory")
async def get_factory(
    request: Request,
    registration_number: Annotated[str, Path(pattern=r"^[0-9PST][0-9]{7}$")],
    session: SessionDep,
) -> Response:
    return conditional_response(request, await service.get_factory(session, registration_number))
