"""FastAPI dependencies: who is calling, "role X required", "this record must be yours"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from common.auth.middleware import principal_of
from common.auth.principal import Principal, Role
from common.errors import Forbidden, NotFound, Unauthorized

# Declares the bearer scheme in OpenAPI; the middleware has already verified the token.
_bearer = HTTPBearer(auto_error=False, description="JWT from the agency identity provider")


async def current_principal(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    return principal_of(request.scope)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets only the given roles through (401 anonymous, 403 others)."""
    allowed = frozenset(roles)

    # async: FastAPI runs a plain ``def`` dependency in a worker thread, a costly hop per request
    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.role in allowed:
            return principal
        if principal.is_anonymous:
            raise Unauthorized("this operation needs a bearer token")
        raise Forbidden(f"role {principal.role} may not do this")

    return dependency


def ensure_same_business(principal: Principal, owner_business_id: str) -> None:
    """Object-level check for firm records: another firm's record does not exist for you.

    404 rather than 403, so a firm cannot probe which records other firms hold.
    """
    if principal.role is Role.FIRM and principal.business_id != owner_business_id:
        raise NotFound()
