"""Who is calling: a role and the one thing the role is bound to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from common.errors import Unauthorized


class Role(StrEnum):
    PUBLIC = "public"  # anonymous citizen or client
    FIRM = "firm"  # a company, bound to its business ID (統一編號)
    OFFICER = "officer"  # an agency officer, bound to an agency (e.g. TIPO, BSMI, IDA)
    SURVEYOR = "surveyor"  # a county surveyor (調查員), bound to a county code
    OPERATOR = "operator"  # runs the platform; no access to case data
    ADMIN = "admin"


# Matched with fullmatch and ASCII classes: ``\d`` would accept other scripts' digits and ``$``
# a trailing newline, letting "63000\n" or "٦٣٠٠٠" pass as a county code.
BUSINESS_ID = re.compile(r"[0-9]{8}")
AGENCY = re.compile(r"[A-Z][A-Z0-9_]{1,19}")
COUNTY = re.compile(r"[0-9]{5}")  # MOI 5-digit county code, e.g. 63000 臺北市


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    role: Role
    business_id: str | None = None
    agency: str | None = None
    county: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.role is Role.PUBLIC

    @property
    def audit_name(self) -> str:
        return self.subject


ANONYMOUS = Principal(subject="anonymous", role=Role.PUBLIC)

_BINDING = {Role.FIRM: "business_id", Role.OFFICER: "agency", Role.SURVEYOR: "county"}
_PATTERN = {"business_id": BUSINESS_ID, "agency": AGENCY, "county": COUNTY}


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """Build a principal from verified claims; a role missing its binding is refused.

    Only the role's own binding is kept: an officer token that also names a business ID is not
    thereby bound to that business.
    """
    try:
        role = Role(claims.get("role", ""))
    except ValueError as exc:
        raise Unauthorized("token carries no known role") from exc
    if role is Role.PUBLIC:
        raise Unauthorized("the public role needs no token")
    required = _BINDING.get(role)
    if required is None:
        return Principal(subject=str(claims["sub"]), role=role)
    value = claims.get(required)
    if not isinstance(value, str) or not _PATTERN[required].fullmatch(value):
        raise Unauthorized(f"a {role} token must carry a valid {required}")
    return Principal(subject=str(claims["sub"]), role=role, **{required: value})
