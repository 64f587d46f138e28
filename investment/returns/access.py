"""Object-level rules of a return: who may read it, who may file it.

A filing session opens its own return only; a firm the returns of its business ID; a surveyor
reads the returns of their county; officers of ``agency`` (the deployment's, owning every
return) read all. Only the factory (session or firm) writes. Someone else's return answers 404,
so nobody can probe which returns exist: an officer of another agency too, as
``common.auth.require_home_roles`` answers him on a route naming a record.
"""

from __future__ import annotations

from common.auth import Role, ensure_same_business
from common.errors import Forbidden, NotFound, Unauthorized
from investment.invitations.access import Caller

READERS = frozenset({Role.OFFICER, Role.ADMIN, Role.SURVEYOR})


def authorize(
    caller: Caller,
    *,
    return_id: int,
    business_id: str,
    county_code: str,
    agency: str | None,
    write: bool,
) -> None:
    # The factory's own cases come first and return at once: the filing path pays for no
    # check meant for staff.
    if caller.filing is not None:
        if caller.filing.return_id != return_id:
            raise NotFound()
        return
    principal = caller.principal
    if principal.role is Role.FIRM:
        ensure_same_business(principal, business_id)
        return
    if principal.is_anonymous:
        raise Unauthorized("send a Filing-Token or a bearer token")
    if principal.role is Role.OFFICER and principal.agency != agency:
        raise NotFound()
    if write or principal.role not in READERS:
        raise Forbidden("only the factory itself files its return")
    if principal.role is Role.SURVEYOR and principal.county != county_code:
        raise NotFound()
