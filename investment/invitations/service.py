"""Use cases of invitations: issue codes for returns, redeem one for a filing session."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, Role
from common.errors import Forbidden, NotFound
from investment.invitations import repository
from investment.invitations.codes import code_hash, is_well_formed, new_code
from investment.invitations.schemas import (
    FilingSessionOut,
    InvitationRequest,
    IssuedInvitation,
    IssuedInvitations,
)
from investment.invitations.throttle import RedemptionThrottle
from investment.invitations.tokens import FilingSession, FilingTokens


def county_scope(principal: Principal, requested: str | None) -> str | None:
    """A surveyor works in their own county only; officers anywhere."""
    if principal.role is Role.SURVEYOR:
        if requested not in (None, principal.county):
            raise Forbidden("a surveyor works in their own county only")
        return principal.county
    return requested


async def issue(
    session: AsyncSession,
    year: int,
    request: InvitationRequest,
    principal: Principal,
    *,
    key: bytes,
    days: int,
) -> IssuedInvitations:
    targets = await repository.invitable_returns(
        session,
        year,
        county_code=county_scope(principal, request.county_code),
        township=request.township,
        registration_numbers=request.registration_numbers,
        limit=request.limit,
    )
    expires_at = repository.expiry(days)
    issued = [
        IssuedInvitation(return_id=t.id, registration_number=t.registration_number, code=new_code())
        for t in targets
    ]
    await repository.expire_unused(session, [item.return_id for item in issued])
    await repository.insert_invitations(
        session,
        [
            {
                "code_hash": code_hash(key, item.code),
                "return_id": item.return_id,
                "expires_at": expires_at,
            }
            for item in issued
        ],
    )
    return IssuedInvitations(survey_year=year, expires_at=expires_at, invitations=issued)


async def redeem(
    session: AsyncSession,
    code: str,
    client: str,
    *,
    key: bytes,
    tokens: FilingTokens,
    throttle: RedemptionThrottle,
) -> FilingSessionOut:
    await throttle.check(client)
    found = await repository.redeem(session, code_hash(key, code)) if is_well_formed(code) else None
    if found is None:
        await throttle.failed(client)
        raise NotFound("no unused invitation has this code (it may be used or expired)")
    return session_out(tokens, found.return_id, found.survey_year, found.registration_number)


def refresh(tokens: FilingTokens, current: FilingSession) -> FilingSessionOut:
    return session_out(tokens, current.return_id, current.survey_year, None)


def session_out(
    tokens: FilingTokens, return_id: int, year: int, registration_number: str | None
) -> FilingSessionOut:
    token, expires_at = tokens.issue(return_id, year)
    return FilingSessionOut(
        filing_token=token,
        expires_at=dt.datetime.fromtimestamp(expires_at, dt.UTC),
        return_id=return_id,
        survey_year=year,
        registration_number=registration_number,
    )
