"""Whose trail an officer may read: the service names the agency owning a record.

The audit query API is shared, the records are the service's. A service whose cases belong to
agencies gives its app a ``TrailOwner``; an officer then reads a record's trail only where the
record is his agency's, and otherwise gets the 404 the record itself would give him
(``ensure_same_agency``), so the trail reveals nothing the record's own routes hide.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth.dependencies import ensure_same_agency
from common.auth.principal import Principal, Role
from common.errors import NotFound

__all__ = ["TrailOwner", "ensure_trail_readable"]


class TrailOwner(Protocol):
    async def __call__(self, session: AsyncSession, record_type: str, record_id: str) -> str | None:
        """The agency owning the record; None when the service holds no such record."""


async def ensure_trail_readable(
    owner: TrailOwner | None,
    session: AsyncSession,
    principal: Principal,
    record_type: str,
    record_id: str,
) -> None:
    """404 for an officer when the record is not his agency's (services without an owner pass)."""
    if owner is None or principal.role is not Role.OFFICER:
        return
    agency = await owner(session, record_type, record_id)
    if agency is None:
        raise NotFound()
    ensure_same_agency(principal, agency)
