"""The audit trail's scope in tax_exemption: a record's trail is its agency's officers' to read.

Cases (filings, their certificates, declaration batches and lines) carry their agency; firm-level
records (mandates, notification channels) belong to this deployment's deciding agency. Unknown
records and record types have no owner, so the trail API answers 404 as the records' routes do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from common.audit.scope import OFFICERS, TrailScope
from common.auth import Role
from tax_exemption.trails import repository

__all__ = ["RecordAgency"]


@dataclass(frozen=True)
class RecordAgency:
    """A ``common.audit.scope.TrailOwner`` for this deployment, whose agency is ``home``."""

    home: str
    readers: ClassVar[frozenset[Role]] = OFFICERS

    async def __call__(
        self, session: AsyncSession, record_type: str, record_id: str
    ) -> TrailScope | None:
        agency = await repository.agency_of(session, record_type, record_id, fallback=self.home)
        return None if agency is None else TrailScope(agency)
