"""Who sees a filing: its firm, an agent with the firm's mandate, the deciding agency's officers.

Everyone else gets 404, so nobody can probe which filings exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, Role
from common.errors import NotFound
from tax_exemption.filings import repository
from tax_exemption.mandates import repository as mandates
from tax_exemption.mandates.service import may_act_for, today


async def visible_filing(
    session: AsyncSession, principal: Principal, filing_id: int, *, lock: bool = False
) -> RowMapping:
    row = await repository.get_filing(session, filing_id, lock=lock)
    if row is None or not await _may_see(session, principal, row):
        raise NotFound()
    return row


async def locked_by(
    session: AsyncSession, principal: Principal, filing_id: int, side: Role
) -> RowMapping:
    """The filing locked for a step of ``side``: a firm's step is not an officer's (404 to him)."""
    if principal.role is not side:
        raise NotFound()
    return await visible_filing(session, principal, filing_id, lock=True)


async def _may_see(session: AsyncSession, principal: Principal, row: RowMapping) -> bool:
    if principal.role is Role.OFFICER:
        return bool(row["agency"] == principal.agency)
    return await may_act_for(session, principal, row["business_id"])


def visibility(principal: Principal) -> ColumnElement[bool]:
    """The list filter matching ``_may_see``."""
    if principal.role is Role.OFFICER:
        assert principal.agency is not None
        return repository.agency_visible(principal.agency)
    assert principal.business_id is not None
    clients = mandates.clients_of(principal.business_id, today())
    return repository.firm_visible(principal.business_id, clients)
