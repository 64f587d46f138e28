"""Route of the indicators (officers of the agency)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from tax_exemption.kpis import service
from tax_exemption.kpis.schemas import KpisOut

router = ServiceRouter(prefix="/kpis", tags=["indicators"])
Officer = Annotated[Principal, Depends(require_roles(Role.OFFICER))]


@router.get("", response_model=KpisOut, summary="The plan's indicators from live data")
async def get_kpis(principal: Officer, session: SessionDep) -> KpisOut:
    assert principal.agency is not None
    return await service.indicators(session, principal.agency)
