"""The role gate of a service whose records belong to one agency: its own officers only.

inspection (BSMI), investment (IDA) and ip_search (TIPO) each keep one agency's records, the
agency named by the service's ``settings.agency``. An officer of another agency is refused like
``ensure_same_agency`` and tax_exemption refuse him: a route addressing a record (a path
parameter names it) answers 404, as for a record that does not exist, so he cannot probe which
exist; a collection, or an action on none, answers 403. Firms, surveyors (bound to their own
business or county, checked by the routes) and admins carry no agency and pass.

The check sits in the role gate itself, so a route pays no extra dependency for it.
"""

from __future__ import annotations

from fastapi import Request

from common.auth.dependencies import PrincipalGate
from common.auth.principal import Principal, Role
from common.errors import Forbidden, NotFound

__all__ = ["HomeAgencyGate", "home_agency", "require_home_roles"]


class HomeAgencyGate(PrincipalGate):
    """``require_roles``, and an officer must belong to the agency owning the service's records."""

    # Overrides ``PrincipalGate.__call__`` and so, like it, HTTPBearer's: see there.
    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        principal = await super().__call__(request)
        if principal.role is Role.OFFICER:
            agency = home_agency(request)
            if principal.agency != agency:
                if request.path_params:
                    raise NotFound()
                raise Forbidden(f"only officers of {agency} work this service's records")
        return principal


def require_home_roles(*roles: Role) -> HomeAgencyGate:
    """A dependency that lets only the given roles through, and officers of the home agency."""
    return HomeAgencyGate(frozenset(roles))


def home_agency(request: Request) -> str:
    """The ``agency`` of the serving app's settings; a service without one cannot use the gate."""
    settings = request.app.state.settings
    agency = getattr(settings, "agency", None)
    if not isinstance(agency, str):
        raise TypeError(f"{type(settings).__name__} names no agency owning the records")
    return agency
