"""Queries of the audit query API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Row, Table, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit.mac import CONTENT_COLUMNS
from common.audit.record_row import RecordRow


class TrailKey(NamedTuple):
    """Position in a trail, newest first: (occurred_at, id) descending."""

    occurred_at: datetime
    id: int


async def trail_page(
    session: AsyncSession,
    table: Table,
    record_type: str,
    record_id: str,
    *,
    before: TrailKey | None,
    limit: int,
) -> Sequence[Row[Any]]:
    """One more row than ``limit``, so the caller knows whether another page follows."""
    statement = select(*(table.c[name] for name in CONTENT_COLUMNS)).where(
        table.c.record_type == record_type, table.c.record_id == record_id
    )
    if before is not None:
        statement = statement.where(
            tuple_(table.c.occurred_at, table.c.id) < tuple_(before.occurred_at, before.id)
        )
    statement = statement.order_by(table.c.occurred_at.desc(), table.c.id.desc())
    return (await session.execute(statement.limit(limit + 1))).all()


async def has_trail(session: AsyncSession, table: Table, record_type: str, record_id: str) -> bool:
    """Whether any event names the record (one probe of the record index)."""
    statement = select(table.c.id).where(
        table.c.record_type == record_type, table.c.record_id == record_id
    )
    return await session.scalar(statement.limit(1)) is not None


async def has_row(session: AsyncSession, row: RecordRow, record_id: str) -> bool:
    """Whether the service's table holds the record (one probe of its key); an id that can name
    no row (``RecordRow.where``) is not looked up."""
    condition = row.where(record_id)
    if condition is None:
        return False
    statement = select(literal(1)).select_from(row.table).where(condition).limit(1)
    return await session.scalar(statement) is not None
