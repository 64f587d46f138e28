"""Object-level rules of a return: who may read it, who may file it.

A filing session opens its own return only; a firm the returns of its business ID; a surveyor
reads the returns of their county; officers read all. Only the factory (session or firm) writes.
Someone else's return answers 404, so nobody can probe which returns exist.
"""

from __future__ import annotations

from common.auth import Role, ensure_same_business
from common.errors import Forbidden, NotFound, Unauthorized
from investment.invitations.access import Caller

READERS = frozenset({Role.OFFICER, Role.ADMIN, Role.SURVEYOR})


def authorize(
    caller: Caller, *, return_id: int, business_id: str, county_code: str, write: bool
) -> None:
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
    if write or principal.role not in READERS:
        raise Forbidden("only the factory itself files its return")
    if principal.role is Role.SURVEYOR and principal.county != county_code:
        raise NotFound()
