"""Authentication (bearer JWTs, JWKS, the development issuer) and authorization helpers."""

from common.auth.dependencies import (
    CurrentPrincipal,
    ensure_same_agency,
    ensure_same_business,
    require_roles,
)
from common.auth.home_agency import require_home_roles
from common.auth.principal import ANONYMOUS, Principal, Role

__all__ = [
    "ANONYMOUS",
    "CurrentPrincipal",
    "Principal",
    "Role",
    "ensure_same_agency",
    "ensure_same_business",
    "require_home_roles",
    "require_roles",
]
