"""Public routes of the patent knowledge search (rate-limited by the edge)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request, Response

from common.caching import conditional_response
from common.database import ServiceRouter, SessionDep
from common.pagination import Cursor, Limit
from ip_search.patents import service
from ip_search.patents.record import Office
from ip_search.patents.schemas import PatentOut, PatentSearchResponse

router = ServiceRouter(prefix="/patents", tags=["patents"])

QUERY_HELP = (
    "Query language with TIPO GPSS field codes: TI title, AB abstract, CL claims, PA applicant, "
    "IN inventor, IC IPC (`H01M10/05*` prefix), PN publication no., AN application no., AD/PD "
    'dates (`AD>=2020-01-01`, `AD=2020-01-01:2021-12-31`); AND, OR, NOT, parentheses, "phrases", '
    "`word*` prefixes. Example: `TI=(battery AND lithium) AND PA=toyota NOT IC=H01M10/05*`."
)


@router.get(
    "/search",
    response_model=PatentSearchResponse,
    summary="Search patent documents of TW, US, EP, JP, CN and KR",
    description=QUERY_HELP + " Newest publications first; a syntax error is a 422 problem "
    "whose `errors[0].loc` ends with the character position.",
)
async def search_patents(
    *,
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(min_length=1, max_length=1000, description=QUERY_HELP)],
    office: Annotated[list[Office] | None, Query(description="Only these offices")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Response:
    body = await service.search(session, q, office or [], limit, cursor)
    return conditional_response(request, body)


@router.get(
    "/{office}/{publication_no}",
    response_model=PatentOut,
    summary="One patent document with its abstract, claims and inventors",
)
async def get_patent(
    request: Request,
    session: SessionDep,
    office: Office,
    publication_no: Annotated[str, Path(min_length=1, max_length=40)],
) -> Response:
    document = await service.get_patent(session, office, publication_no)
    return conditional_response(request, document)
