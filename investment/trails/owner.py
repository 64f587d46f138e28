"""The audit trail's scope in investment: IDA's officers read every trail, a county surveyor
those of his county's returns and exports.

Every record belongs to this deployment's agency (``INVESTMENT_AGENCY``); a survey return and a
county export also lie in a county, and a surveyor reads their trails only there, as he reads
the records themselves (``investment.returns.access``). Anyone else, and any unknown record or
record type, gets the 404 of a record that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from common.audit.scope import TrailScope
from common.auth import Role
from investment.trails import repository

__all__ = ["RecordCounty"]


@dataclass(frozen=True)
class RecordCounty:
    """A ``common.audit.scope.TrailOwner`` for this deployment, whose agency is ``agency``."""

    agency: str
    readers: ClassVar[frozenset[Role]] = frozenset({Role.OFFICER, Role.SURVEYOR})

    async def __call__(
        self, session: AsyncSession, record_type: str, record_id: str
    ) -> TrailScope | None:
        return await repository.scope_of(session, record_type, record_id, agency=self.agency)
