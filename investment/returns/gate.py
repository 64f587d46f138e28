"""The filing routes' one dependency: the caller, verified, with the app's filing desk.

The desk (``filing.FilingDesk``) is made on the first filing request of an app run, from what
the app's lifespans opened, and forgotten at shutdown (it holds that run's write pool). Every
later request reads it with one ``app.state`` lookup.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request

from common.audit import app_audit_trail, request_audit_source
from common.auth import Principal, Role
from common.auth.middleware import principal_of
from common.errors import Forbidden, Unauthorized
from investment.campaigns.forms import app_forms
from investment.invitations.access import (
    FILING_SESSION_HEADER,
    Caller,
    CallerGate,
    filing_caller,
)
from investment.returns.access import READERS
from investment.returns.filing import FilingContext, FilingDesk
from investment.settings import InvestmentSettings


def filing_desk(request: Request) -> FilingDesk:
    """The app's filing desk (made on first use, after the lifespans opened the write pool)."""
    state = request.app.state
    desk: FilingDesk | None = getattr(state, "filing_desk", None)
    if desk is None:
        settings: InvestmentSettings = state.settings
        desk = state.filing_desk = FilingDesk(
            pool=state.write_pool,  # common.driver.write_pool_lifespan
            forms=app_forms(request.app),
            cipher=state.pii_cipher,
            trail=app_audit_trail(request),
            tokens=state.filing_tokens,
            agency=settings.agency,
        )
    return desk


@asynccontextmanager
async def filing_desk_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """A service lifespan, after the write pool's: the desk of a closed pool is forgotten."""
    try:
        yield
    finally:
        app.state.filing_desk = None


class FilingGate(CallerGate):
    """``CallerGate`` (same header, same checks) answering the filing context: the routes
    take this one dependency and nothing else from the app. It reads the principal as
    ``CurrentPrincipal`` does, without that sub-dependency to solve per request (about 2% of
    a submit), so the routes document the bearer scheme with ``BEARER_TOO``.

    Without a Filing-Token the principal must hold one of ``roles`` (401 anonymous, 403 other
    roles, as ``require_roles`` answers): refused before any return is read, such a caller
    cannot tell from the answer which returns exist."""

    def __init__(self, roles: frozenset[Role]) -> None:
        super().__init__()
        self.roles = roles

    # Returns the filing context, not the caller: a deliberate override.
    async def __call__(self, request: Request) -> FilingContext:  # type: ignore[override]
        principal = principal_of(request.scope)
        desk = filing_desk(request)
        token = request.headers.get(FILING_SESSION_HEADER)
        if not token:
            caller = Caller(self._admitted(principal), None)
        else:
            caller = filing_caller(request, principal, desk.tokens.verify(token))
        # Only staff are checked against the agency owning the returns.
        agency = None if caller.filing is not None else desk.agency
        # After the caller: a filing session names the audit actor.
        return FilingContext(desk, caller, request_audit_source(request), agency)

    def _admitted(self, principal: Principal) -> Principal:
        if principal.role in self.roles:
            return principal
        if principal.is_anonymous:
            raise Unauthorized("send a Filing-Token or a bearer token")
        raise Forbidden(f"role {principal.role} may not do this")


# ``openapi_extra`` of the routes taking the gate: a bearer token is the other way in.
BEARER_TOO: dict[str, Any] = {"security": [{"HTTPBearer": []}]}
# Who may open a return, and who may write it (the factory: its filing session, or the firm).
ReadContextDep = Annotated[FilingContext, Depends(FilingGate(READERS | {Role.FIRM}))]
WriteContextDep = Annotated[FilingContext, Depends(FilingGate(frozenset({Role.FIRM})))]
