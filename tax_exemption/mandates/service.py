"""Who may act for a firm: the firm itself, or an agent holding its live mandate."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.auth import Principal, Role
from common.errors import Conflict, NotFound, UnprocessableContent
from tax_exemption.mandates import repository
from tax_exemption.mandates.schemas import MandateIn, MandateOut


def today() -> date:
    return date.today()


async def may_act_for(session: AsyncSession, principal: Principal, business_id: str) -> bool:
    """A firm acts for itself; an agent (a firm token) for its mandated clients."""
    if principal.role is not Role.FIRM or principal.business_id is None:
        return False
    if principal.business_id == business_id:
        return True
    return await repository.has_mandate(session, business_id, principal.business_id, today())


def own_business(principal: Principal) -> str:
    assert principal.business_id is not None, "firm tokens always carry a business ID"
    return principal.business_id


async def grant(
    session: AsyncSession, audit: RequestAudit, principal: Principal, body: MandateIn
) -> MandateOut:
    client = own_business(principal)
    if body.agent_business_id == client:
        raise UnprocessableContent("a firm needs no mandate to act for itself")
    if body.valid_until is not None and body.valid_until < today():
        raise UnprocessableContent("valid_until lies in the past")
    row = await repository.insert_mandate(
        session, client, body.agent_business_id, principal.subject, body.valid_until
    )
    if row is None:
        raise Conflict("a live mandate for this agent exists; revoke it first")
    await audit.record(
        "mandate.grant", "mandate", str(row["id"]), details={"agent": row["agent_business_id"]}
    )
    return MandateOut.model_validate(dict(row))


async def revoke(
    session: AsyncSession, audit: RequestAudit, principal: Principal, mandate_id: int
) -> MandateOut:
    row = await repository.revoke(session, mandate_id, own_business(principal))
    if row is None:
        raise NotFound()
    await audit.record("mandate.revoke", "mandate", str(mandate_id))
    return MandateOut.model_validate(dict(row))


async def list_mandates(session: AsyncSession, principal: Principal) -> list[MandateOut]:
    rows = await repository.list_for(session, own_business(principal))
    return [MandateOut.model_validate(dict(row)) for row in rows]
