"""Regulated-products routes: public lookup and search; officers add and end entries."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from common.audit import AuditDep
from common.auth import Principal, Role, require_home_roles
from common.caching import conditional_response
from common.database import ServiceRouter, SessionDep
from common.fields import SafeText
from inspection.domain.taipei_time import taipei_date
from inspection.regulated_products import service
from inspection.regulated_products.schemas import EntryEnd, EntryIn, EntryOut, LookupOut, SearchOut
from inspection.web.clock import NowDep

router = ServiceRouter(prefix="/regulated-products", tags=["regulated products"])

Officer = Annotated[Principal, Depends(require_home_roles(Role.OFFICER))]
OnDate = Annotated[date | None, Query(description="Date to answer for (default: today, Taipei)")]


@router.get("/lookup", response_model=LookupOut, summary="Is this CCC code regulated, and how?")
async def lookup_code(
    request: Request,
    session: SessionDep,
    now: NowDep,
    ccc_code: Annotated[str, Query(min_length=1, max_length=30, examples=["8516.10.00.00-7"])],
    on: OnDate = None,
) -> Response:
    answer = await service.look_up(session, ccc_code, on or taipei_date(now))
    return conditional_response(request, answer)


@router.get("", response_model=SearchOut, summary="Regulated products whose name contains text")
async def search_by_name(
    request: Request,
    session: SessionDep,
    now: NowDep,
    name: Annotated[SafeText, Query(min_length=1, max_length=100)],
    on: OnDate = None,
) -> Response:
    answer = await service.search(session, name, on or taipei_date(now))
    return conditional_response(request, answer)


@router.post("", status_code=201, response_model=EntryOut, summary="Add an entry (officers)")
async def add_entry(
    body: EntryIn, session: SessionDep, audit: AuditDep, _officer: Officer
) -> EntryOut:
    return await service.add(session, body, audit)


@router.post(
    "/{entry_id}/end", response_model=EntryOut, summary="End an entry on a date (officers)"
)
async def end_entry(
    entry_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    body: EntryEnd,
    session: SessionDep,
    audit: AuditDep,
    _officer: Officer,
) -> EntryOut:
    return await service.end(session, entry_id, body.effective_until, audit)
