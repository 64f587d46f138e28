"""Queries of the regulated-products list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import RowMapping, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.ccc_code import PREFIX_LENGTHS
from inspection.models import regulated_product

MAX_NAME_MATCHES = 200


async def for_code(session: AsyncSession, code: str) -> Sequence[RowMapping]:
    """Every entry whose prefix is a prefix of ``code`` (the domain picks the one in force)."""
    prefixes = [code[:length] for length in sorted(PREFIX_LENGTHS)]
    statement = select(regulated_product).where(regulated_product.c.ccc_prefix.in_(prefixes))
    rows: Sequence[RowMapping] = (await session.execute(statement)).mappings().all()
    return rows


async def by_name(session: AsyncSession, text: str) -> Sequence[RowMapping]:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    statement = (
        select(regulated_product)
        .where(regulated_product.c.product_name.ilike(f"%{escaped}%", escape="\\"))
        .order_by(regulated_product.c.id)
        .limit(MAX_NAME_MATCHES)
    )
    rows: Sequence[RowMapping] = (await session.execute(statement)).mappings().all()
    return rows


async def same_prefix(session: AsyncSession, prefix: str) -> Sequence[RowMapping]:
    statement = (
        select(regulated_product).where(regulated_product.c.ccc_prefix == prefix).with_for_update()
    )
    rows: Sequence[RowMapping] = (await session.execute(statement)).mappings().all()
    return rows


async def get(session: AsyncSession, entry_id: int) -> RowMapping | None:
    statement = select(regulated_product).where(regulated_product.c.id == entry_id)
    return (await session.execute(statement.with_for_update())).mappings().first()


async def insert_entry(session: AsyncSession, values: dict[str, Any]) -> int:
    statement = insert(regulated_product).values(values).returning(regulated_product.c.id)
    entry_id: int = (await session.execute(statement)).scalar_one()
    return entry_id


async def end_entry(session: AsyncSession, entry_id: int, until: date) -> None:
    statement = (
        update(regulated_product)
        .where(regulated_product.c.id == entry_id)
        .values(effective_until=until)
    )
    await session.execute(statement)
