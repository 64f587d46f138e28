"""Queries of CNS mark certificates: by number, and the public search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import keyset_page
from inspection.ledger.repository import events_json
from inspection.ledger.tables import CNS_MARKS
from inspection.models import cns_mark


@dataclass(frozen=True, slots=True)
class SearchFilters:
    number: str | None = None
    cns_standard: str | None = None
    product: str | None = None
    firm: str | None = None
    factory: str | None = None


async def insert_mark(session: AsyncSession, values: dict[str, Any]) -> int:
    statement = insert(cns_mark).values(values).returning(cns_mark.c.id)
    mark_id: int = (await session.execute(statement)).scalar_one()
    return mark_id


async def with_events(session: AsyncSession, number: str) -> RowMapping | None:
    statement = select(cns_mark, events_json(CNS_MARKS).label("events")).where(
        cns_mark.c.number == number
    )
    return (await session.execute(statement)).mappings().first()


def _contains(column: ColumnElement[str], text: str) -> ColumnElement[bool]:
    # Escaped, so a user's % or _ matches itself; the trigram index serves the ILIKE.
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _conditions(filters: SearchFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.number:
        conditions.append(cns_mark.c.number == filters.number)
    if filters.cns_standard:
        conditions.append(cns_mark.c.cns_standard == filters.cns_standard)
    for column, text in (
        (cns_mark.c.product_name, filters.product),
        (cns_mark.c.firm_name, filters.firm),
        (cns_mark.c.factory_name, filters.factory),
    ):
        if text:
            conditions.append(_contains(column, text))
    return conditions


async def search(
    session: AsyncSession, filters: SearchFilters, cursor: str | None, limit: int
) -> Sequence[RowMapping]:
    statement = select(cns_mark, events_json(CNS_MARKS).label("events")).where(
        *_conditions(filters)
    )
    paged = keyset_page(statement, [cns_mark.c.id], cursor=cursor, limit=limit)
    rows: Sequence[RowMapping] = (await session.execute(paged)).mappings().all()
    return rows
