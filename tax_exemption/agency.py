"""The deciding agency: whose officers open and work this deployment's cases.

Every case (filing, declaration batch and line) is stored with its agency, the deployment's
``TAX_EXEMPTION_AGENCY`` (IDA, 產業發展署, by default); officers of another agency may not open
cases here, and find none of this agency's (``common.auth.ensure_same_agency``: 404).
"""

from __future__ import annotations

from common.auth import Principal, Role
from common.errors import Forbidden

__all__ = ["ensure_deciding_officer"]


def ensure_deciding_officer(principal: Principal, agency: str) -> None:
    """403 for an officer of another agency opening a case of ``agency`` (firms pass)."""
    if principal.role is Role.OFFICER and principal.agency != agency:
        raise Forbidden(f"only officers of {agency} open cases in this service")
