"""Routes of invitations: issue codes (officers, surveyors), redeem one (anyone holding it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request, Response

from common.audit import AuditDep
from common.auth import Principal, Role, require_home_roles
from common.database import ServiceRouter, SessionDep
from common.errors import Unauthorized
from common.ratelimit import TrustedProxies, client_ip
from investment.invitations import service
from investment.invitations.access import (
    CallerDep,
    InvitationKeyDep,
    ThrottleDep,
    TokensDep,
)
from investment.invitations.schemas import (
    FilingSessionOut,
    InvitationRequest,
    IssuedInvitations,
    Redemption,
)
from investment.settings import InvestmentSettings

router = ServiceRouter(tags=["invitations"])

Staff = Annotated[Principal, Depends(require_home_roles(Role.OFFICER, Role.SURVEYOR, Role.ADMIN))]
NO_STORE = {"Cache-Control": "no-store"}


@router.post(
    "/campaigns/{year}/invitations",
    status_code=201,
    response_model=IssuedInvitations,
    summary="Issue one-time invitation codes for returns still to be filed",
    description="Each code is shown once (only a keyed hash is stored) and replaces any unused "
    "earlier code of the same return. Surveyors issue codes in their own county only.",
)
async def issue_invitations(
    *,
    request: Request,
    response: Response,
    year: Annotated[int, Path(ge=2000, le=2100)],
    payload: InvitationRequest,
    session: SessionDep,
    staff: Staff,
    key: InvitationKeyDep,
    audit: AuditDep,
) -> IssuedInvitations:
    settings: InvestmentSettings = request.app.state.settings
    issued = await service.issue(
        session, year, payload, staff, key=key, days=settings.invitation_days
    )
    response.headers.update(NO_STORE)
    details = {"issued": len(issued.invitations), "county_code": payload.county_code}
    await audit.record("invitation.issue", "campaign", str(year), details=details)
    return issued


@router.post(
    "/invitations/redeem",
    response_model=FilingSessionOut,
    summary="Redeem an invitation code for a filing session",
    description="Single use. Failed attempts are limited per client address (429 after "
    "too many). The answer's `filing_token` opens the factory's return of that campaign.",
)
async def redeem_invitation(
    *,
    request: Request,
    response: Response,
    payload: Redemption,
    session: SessionDep,
    key: InvitationKeyDep,
    tokens: TokensDep,
    throttle: ThrottleDep,
    audit: AuditDep,
) -> FilingSessionOut:
    settings: InvestmentSettings = request.app.state.settings
    client = client_ip(request.scope, TrustedProxies(settings.trusted_proxies))
    opened = await service.redeem(
        session, payload.code, client, key=key, tokens=tokens, throttle=throttle
    )
    response.headers.update(NO_STORE)
    await audit.record("invitation.redeem", "survey_return", str(opened.return_id))
    return opened


@router.post(
    "/filing-sessions/refresh",
    response_model=FilingSessionOut,
    summary="A fresh filing-session token for the same return (before the old one expires)",
)
async def refresh_filing_session(
    response: Response, caller: CallerDep, tokens: TokensDep
) -> FilingSessionOut:
    if caller.filing is None:
        raise Unauthorized("send the current Filing-Token")
    response.headers.update(NO_STORE)
    return service.refresh(tokens, caller.filing)
