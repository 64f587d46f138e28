"""Route of the pre-declaration check (brokers and firms, before they declare)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from tax_exemption.prechecks import service
from tax_exemption.prechecks.schemas import CheckIn, CheckOut

router = ServiceRouter(prefix="/declarations", tags=["pre-declaration check"])
Firm = Annotated[Principal, Depends(require_roles(Role.FIRM))]


@router.post(
    "/check",
    response_model=CheckOut,
    summary="Would these lines match? Against which item, with what balance left, what is wrong?",
    description="Runs the matching engine on the current balances; nothing is stored or drawn.",
)
async def check_lines(body: CheckIn, principal: Firm, session: SessionDep) -> CheckOut:
    return await service.check(session, principal, body)
