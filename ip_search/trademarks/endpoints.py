"""Public routes of the trademark register: search and one record (rate-limited by the edge)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from common.caching import CacheDep, conditional_response
from common.database import ServiceRouter, SessionDep
from ip_search.search.backend import SearchBackend
from ip_search.search.selection import SearchBackendFactory
from ip_search.trademarks import service
from ip_search.trademarks.freshness import Freshness
from ip_search.trademarks.schemas import SearchParams, SearchResponse, TrademarkOut

router = ServiceRouter(prefix="/trademarks", tags=["trademarks"])


async def request_freshness(request: Request) -> Freshness:
    freshness: Freshness = request.app.state.freshness
    return freshness


FreshnessDep = Annotated[Freshness, Depends(request_freshness)]


async def request_search_backend(request: Request, session: SessionDep) -> SearchBackend:
    factory: SearchBackendFactory = request.app.state.search_backend
    return factory(session)


SearchBackendDep = Annotated[SearchBackend, Depends(request_search_backend)]


@router.get(
    "/search",
    response_model=SearchResponse,
    summary="Search the trademark register",
    description=(
        "Modes: `exact` (same wording after width/case/script folding), `prefix`, `contains` "
        "and `similar` (wording, sound, glyphs and classes, each hit's score explained). "
        "Results carry `data_as_of`, the time the last import finished."
    ),
)
async def search_trademarks(
    *,
    request: Request,
    params: Annotated[SearchParams, Query()],
    session: SessionDep,
    backend: SearchBackendDep,
    cache: CacheDep,
    freshness: FreshnessDep,
) -> Response:
    ttl = request.app.state.settings.search_cache_seconds
    representation = await service.search(session, backend, cache, freshness, params, ttl=ttl)
    return conditional_response(request, representation)


@router.get("/{application_no}", response_model=TrademarkOut, summary="One register record")
async def get_trademark(
    request: Request,
    application_no: Annotated[str, Path(pattern=r"^\d{9}$", description="申請案號, 9 digits")],
    session: SessionDep,
    freshness: FreshnessDep,
) -> Response:
    record = await service.get_trademark(session, freshness, application_no)
    return conditional_response(request, record)
