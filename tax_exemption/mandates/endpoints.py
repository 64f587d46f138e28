"""Routes of mandates: a firm grants, lists and revokes its agents' mandates."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from common.audit import AuditDep
from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from common.fields import PositiveInt64
from tax_exemption.mandates import service
from tax_exemption.mandates.schemas import MandateIn, MandateOut

router = ServiceRouter(prefix="/mandates", tags=["mandates"])
Firm = Annotated[Principal, Depends(require_roles(Role.FIRM))]


@router.post("", response_model=MandateOut, status_code=201, summary="Grant an agent a mandate")
async def grant_mandate(
    body: MandateIn, principal: Firm, session: SessionDep, audit: AuditDep
) -> MandateOut:
    return await service.grant(session, audit, principal, body)


@router.get("", response_model=list[MandateOut], summary="Mandates given or held")
async def list_mandates(principal: Firm, session: SessionDep) -> list[MandateOut]:
    return await service.list_mandates(session, principal)


@router.delete("/{mandate_id}", response_model=MandateOut, summary="Revoke a mandate")
async def revoke_mandate(
    mandate_id: Annotated[PositiveInt64, Path()],
    principal: Firm,
    session: SessionDep,
    audit: AuditDep,
) -> MandateOut:
    return await service.revoke(session, audit, principal, mandate_id)
