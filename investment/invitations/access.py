"""Who is filing: a filing session (``Filing-Token`` header) or a bearer-token principal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from common.auth import CurrentPrincipal, Principal, Role
from investment.invitations.throttle import RedemptionThrottle
from investment.invitations.tokens import FilingSession, FilingTokens
from investment.settings import InvestmentSettings

FILING_SESSION_HEADER = "Filing-Token"


@dataclass(frozen=True, slots=True)
class Caller:
    principal: Principal
    filing: FilingSession | None


async def filing_tokens(request: Request) -> FilingTokens:
    tokens: FilingTokens = request.app.state.filing_tokens
    return tokens


async def invitation_key(request: Request) -> bytes:
    settings: InvestmentSettings = request.app.state.settings
    return settings.invitation_hash_key.get_secret_value().encode()


async def redemption_throttle(request: Request) -> RedemptionThrottle:
    settings: InvestmentSettings = request.app.state.settings
    return RedemptionThrottle(
        request.app.state.redis,
        limit=settings.invitation_failures_per_window,
        window_seconds=settings.invitation_failure_window_seconds,
    )


class CallerGate(APIKeyHeader):
    """The caller: a filing session (``Filing-Token``) or the bearer-token principal.

    One dependency reading its own header, not a function over an ``APIKeyHeader`` one: on
    the filing path each dependency FastAPI solves costs about as much as verifying the token.
    As an ``APIKeyHeader`` it still documents the header, and the principal (its one
    sub-dependency) the bearer scheme. A filing session also becomes the request's principal
    when it has none: declared before ``AuditDep`` and ``IdempotencyDep``, the audit trail then
    names the session and its Idempotency-Keys are its own, not every anonymous caller's.
    """

    def __init__(self) -> None:
        super().__init__(
            name=FILING_SESSION_HEADER,
            scheme_name="FilingToken",
            auto_error=False,
            description="Filing-session token from POST /invitations/redeem (no account needed)",
        )

    # Returns the caller, not the key APIKeyHeader returns: a deliberate override.
    async def __call__(  # type: ignore[override]
        self, request: Request, principal: CurrentPrincipal
    ) -> Caller:
        token = request.headers.get(FILING_SESSION_HEADER)
        if not token:
            return Caller(principal, None)
        tokens: FilingTokens = request.app.state.filing_tokens
        return filing_caller(request, principal, tokens.verify(token))


def filing_caller(request: Request, principal: Principal, filing: FilingSession) -> Caller:
    """The caller of a verified filing session: the request's principal, or the session's
    own when the request has none (then also the request's, for audit and idempotency)."""
    if principal.is_anonymous:
        principal = Principal(subject=filing.subject, role=Role.PUBLIC)
        request.scope.setdefault("state", {})["principal"] = principal
    return Caller(principal, filing)


current_caller = CallerGate()

CallerDep = Annotated[Caller, Depends(current_caller)]
TokensDep = Annotated[FilingTokens, Depends(filing_tokens)]
InvitationKeyDep = Annotated[bytes, Depends(invitation_key)]
ThrottleDep = Annotated[RedemptionThrottle, Depends(redemption_throttle)]
