"""Whose trail a reader may read: the service names the scope of an audited record.

The audit query API is shared, the records are the service's. A service gives its app a
``TrailOwner`` naming, for each record, the agency owning it and, for a record that lies in one
county (a factory's survey return), that county. An officer reads a record's trail only where
the record is his agency's, a county surveyor only where it is in his county; anyone else gets
the 404 the record itself would give him, so the trail reveals nothing the record's own routes
hide. Which roles read trails at all is the owner's to say (``readers``): another role gets 403.
A record that exists but was never audited (loaded by a bulk import) has an empty trail.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit.record_row import RecordRow
from common.audit.repository import has_row, has_trail
from common.auth.principal import Principal, Role
from common.errors import Forbidden, NotFound

__all__ = ["OFFICERS", "AgencyRecords", "TrailOwner", "TrailScope", "ensure_trail_readable"]

OFFICERS = frozenset({Role.OFFICER})


@dataclass(frozen=True, slots=True)
class TrailScope:
    """The agency owning a record and, for a record of one county, that county."""

    agency: str
    county: str | None = None

    def admits(self, principal: Principal) -> bool:
        """Officers of the agency; surveyors of the county (none for a record of no county)."""
        if principal.role is Role.OFFICER:
            return principal.agency == self.agency
        if principal.role is Role.SURVEYOR:
            return self.county is not None and principal.county == self.county
        return False


class TrailOwner(Protocol):
    @property
    def readers(self) -> frozenset[Role]:
        """The roles (admins aside) that read this service's trails, each within a scope."""

    async def __call__(
        self, session: AsyncSession, record_type: str, record_id: str
    ) -> TrailScope | None:
        """The record's scope; None when the service holds no such record."""


@dataclass(frozen=True)
class AgencyRecords:
    """A ``TrailOwner`` for a service whose records all belong to one agency, ``agency``.

    A record of one of ``record_types`` is there while its row is (``rows`` names, per type,
    where the service keeps them) or once the service has audited it: a record loaded without an
    event (a bulk import, a seed) has an empty trail to read, and the trail of a deleted record
    (a withdrawn watch) stays readable to the agency's officers. A type without a row is there
    only once audited.
    """

    agency: str
    record_types: Collection[str]
    audit_table: Table
    rows: Mapping[str, RecordRow] = field(default_factory=dict)
    readers: ClassVar[frozenset[Role]] = OFFICERS

    def __post_init__(self) -> None:
        if stray := set(self.rows) - set(self.record_types):
            raise ValueError(f"rows of record types with no trail here: {sorted(stray)}")

    async def __call__(
        self, session: AsyncSession, record_type: str, record_id: str
    ) -> TrailScope | None:
        if record_type not in self.record_types:
            return None
        if not await self._exists(session, record_type, record_id):
            return None
        return TrailScope(self.agency)

    async def _exists(self, session: AsyncSession, record_type: str, record_id: str) -> bool:
        row = self.rows.get(record_type)
        if row is not None and await has_row(session, row, record_id):
            return True
        return await has_trail(session, self.audit_table, record_type, record_id)


async def ensure_trail_readable(
    owner: TrailOwner | None,
    session: AsyncSession,
    principal: Principal,
    record_type: str,
    record_id: str,
) -> None:
    """403 for a role that reads no trail here, 404 outside the record's scope; admins pass,
    and so do officers of a service without an owner."""
    if principal.role is Role.ADMIN:
        return
    if principal.role not in (OFFICERS if owner is None else owner.readers):
        raise Forbidden(f"role {principal.role} may not do this")
    if owner is None:
        return
    scope = await owner(session, record_type, record_id)
    if scope is None or not scope.admits(principal):
        raise NotFound()
