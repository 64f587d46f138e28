"""Routes of the review queue (officers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from common.audit import AuditDep
from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from common.fields import PositiveInt64
from common.pagination import Cursor, Limit, Page
from tax_exemption.declarations.schemas import LineOut
from tax_exemption.reviews import service
from tax_exemption.reviews.schemas import ConfirmIn, RefuseIn

router = ServiceRouter(prefix="/reviews", tags=["review queue"])
Officer = Annotated[Principal, Depends(require_roles(Role.OFFICER))]
LineId = Annotated[PositiveInt64, Path()]


@router.get(
    "", response_model=Page[LineOut], summary="Lines of the officer's agency waiting for review"
)
async def list_pending(
    principal: Officer, session: SessionDep, cursor: Cursor = None, limit: Limit = 50
) -> Page[LineOut]:
    return await service.pending(session, principal, cursor, limit)


@router.post(
    "/{line_id}/confirm",
    response_model=LineOut,
    summary="Confirm the top candidate or pick another; draws the item's balance",
)
async def confirm_line(
    line_id: LineId, body: ConfirmIn, _principal: Officer, session: SessionDep, audit: AuditDep
) -> LineOut:
    return await service.confirm(session, audit, line_id, body)


@router.post("/{line_id}/refuse", response_model=LineOut, summary="Refuse the line")
async def refuse_line(
    line_id: LineId, body: RefuseIn, _principal: Officer, session: SessionDep, audit: AuditDep
) -> LineOut:
    return await service.refuse(session, audit, line_id, body)
