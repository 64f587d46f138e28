"""Public routes of the trademark register: search and one record (rate-limited by the edge)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request, Response

from common.caching import app_cache, conditional_response
from common.database import ServiceRouter, SessionDep
from common.query_model import QueryModel
from common.read_query import ReadPoolDep
from ip_search.search.backend import SearchBackend
from ip_search.trademarks import service
from ip_search.trademarks.freshness import Freshness
from ip_search.trademarks.schemas import SearchParams, SearchResponse, TrademarkOut

router = ServiceRouter(prefix="/trademarks", tags=["trademarks"])


async def request_freshness(request: Request) -> Freshness:
    freshness: Freshness = request.app.state.freshness
    return freshness


FreshnessDep = Annotated[Freshness, Depends(request_freshness)]


SEARCH_QUERY = QueryModel(SearchParams)
"""The search's parameters, read in one validation (``common.query_model``: FastAPI's own
reading of a query model cost a quarter of a cached search)."""


@router.get(
    "/search",
    response_model=SearchResponse,
    summary="Search the trademark register",
    description=(
        "Modes: `exact` (same wording after width/case/script folding), `prefix`, `contains` "
        "and `similar` (wording, sound, glyphs and classes, each hit's score explained). "
        "Results carry `data_as_of`, the time the last import finished."
    ),
    openapi_extra=SEARCH_QUERY.openapi,
)
async def search_trademarks(request: Request) -> Response:
    # The app's objects by plain calls, and no session (a search reads on the read pool): each
    # dependency FastAPI solves costs more than the lookup, and a cached search little else.
    state = request.app.state
    backend: SearchBackend = state.search_backend
    representation = await service.search(
        state.read_pool,
        backend,
        app_cache(request),
        state.freshness,
        SEARCH_QUERY.read(request),
        ttl=state.settings.search_cache_seconds,
    )
    return conditional_response(request, representation)


@router.get("/{application_no}", response_model=TrademarkOut, summary="One register record")
async def get_trademark(
    request: Request,
    application_no: Annotated[str, Path(pattern=r"^\d{9}$", description="申請案號, 9 digits")],
    session: SessionDep,
    freshness: FreshnessDep,
    pool: ReadPoolDep,
) -> Response:
    record = await service.get_trademark(session, pool, freshness, application_no)
    return conditional_response(request, record)
