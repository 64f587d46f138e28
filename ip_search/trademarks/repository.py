"""Queries of the trademark register outside search: one record, and the data-freshness stamp."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.read_query import ReadPool, ReadQuery
from ip_search.models import (
    import_run,
    trademark,
    trademark_agent,
    trademark_class,
    trademark_party,
)


@dataclass(frozen=True, slots=True)
class RecordRows:
    mark: RowMapping
    classes: Sequence[RowMapping]
    parties: Sequence[RowMapping]
    agents: Sequence[RowMapping]


DATA_AS_OF = select(func.max(import_run.c.finished_at)).where(import_run.c.status == "finished")
_READ_DATA_AS_OF = ReadQuery(DATA_AS_OF)


async def data_as_of(session: AsyncSession) -> dt.datetime | None:
    """When the last successful import finished (the register's freshness stamp)."""
    value: dt.datetime | None = await session.scalar(DATA_AS_OF)
    return value


async def read_data_as_of(pool: ReadPool) -> dt.datetime | None:
    """``data_as_of`` on the read pool."""
    row = await _READ_DATA_AS_OF.fetch_one(pool)
    value: dt.datetime | None = row[0] if row is not None else None
    return value


async def _children(session: AsyncSession, table: Any, number: str) -> Sequence[RowMapping]:
    order = [c for c in (table.c.get("role"), table.c.position) if c is not None]
    statement = select(table).where(table.c.application_no == number).order_by(*order)
    return (await session.execute(statement)).mappings().all()


async def get_record(session: AsyncSession, number: str) -> RecordRows | None:
    mark_columns = [c for c in trademark.c if c.name != "match_keys"]
    statement = select(*mark_columns).where(trademark.c.application_no == number)
    mark = (await session.execute(statement)).mappings().first()
    if mark is None:
        return None
    return RecordRows(
        mark=mark,
        classes=await _children(session, trademark_class, number),
        parties=await _children(session, trademark_party, number),
        agents=await _children(session, trademark_agent, number),
    )
