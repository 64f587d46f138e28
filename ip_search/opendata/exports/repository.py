"""Every query of the ``trademark_export`` table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.exports import ExportStatus
from ip_search.models import trademark_export

# The statuses the unique index of migration 0006 covers: exports an identical query may reuse.
USABLE = (ExportStatus.QUEUED, ExportStatus.RUNNING, ExportStatus.DONE)
UNFINISHED = (ExportStatus.QUEUED, ExportStatus.RUNNING)


async def by_id(session: AsyncSession, export_id: UUID) -> RowMapping | None:
    statement = select(trademark_export).where(trademark_export.c.id == export_id)
    return (await session.execute(statement)).mappings().one_or_none()


async def reusable(
    session: AsyncSession, query_hash: str, data_as_of: dt.datetime | None
) -> RowMapping | None:
    """The export of the same query made on the same import of the register, if any."""
    statement = select(trademark_export).where(
        trademark_export.c.query_hash == query_hash,
        trademark_export.c.data_as_of.is_not_distinct_from(data_as_of),
        trademark_export.c.status.in_(USABLE),
    )
    return (await session.execute(statement)).mappings().one_or_none()


async def unfinished_of(session: AsyncSession, requested_by: str) -> int:
    statement = select(func.count()).where(
        trademark_export.c.requested_by == requested_by,
        trademark_export.c.status.in_(UNFINISHED),
    )
    return (await session.execute(statement)).scalar_one()


async def expire_finished_before(
    session: AsyncSession, before: dt.datetime, limit: int
) -> Sequence[str]:
    """Mark up to ``limit`` exports done before ``before`` as expired; their storage keys."""
    due = (
        select(trademark_export.c.id)
        .where(
            trademark_export.c.status == ExportStatus.DONE,
            trademark_export.c.finished_at < before,
        )
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(trademark_export)
        .where(trademark_export.c.id.in_(due.scalar_subquery()))
        .values(status=ExportStatus.EXPIRED)
        .returning(trademark_export.c.storage_key)
    )
    return [key for key in (await session.execute(statement)).scalars() if key]
