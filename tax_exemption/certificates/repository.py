"""Every query of certificates and their items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import RowMapping, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tax_exemption.models import certificate, certificate_item


async def insert_certificate(session: AsyncSession, values: Mapping[str, Any]) -> RowMapping:
    statement = insert(certificate).values(dict(values)).returning(certificate)
    row: RowMapping = (await session.execute(statement)).mappings().one()
    return row


async def insert_items(
    session: AsyncSession, certificate_id: int, items: Sequence[Mapping[str, Any]]
) -> None:
    rows = [{**item, "certificate_id": certificate_id} for item in items]
    if rows:
        await session.execute(insert(certificate_item), rows)


async def get_by_number(
    session: AsyncSession, number: str, *, lock: bool = False
) -> RowMapping | None:
    statement = select(certificate).where(certificate.c.certificate_no == number)
    if lock:
        statement = statement.with_for_update()
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


async def get_items(session: AsyncSession, certificate_id: int) -> list[RowMapping]:
    statement = (
        select(certificate_item)
        .where(certificate_item.c.certificate_id == certificate_id)
        .order_by(certificate_item.c.item_no)
    )
    return list((await session.execute(statement)).mappings())


async def update_certificate(
    session: AsyncSession, certificate_id: int, values: Mapping[str, Any]
) -> RowMapping:
    statement = (
        update(certificate)
        .where(certificate.c.id == certificate_id)
        .values({**values, "revision": certificate.c.revision + 1})
        .returning(certificate)
    )
    row: RowMapping = (await session.execute(statement)).mappings().one()
    return row


async def set_approved_quantity(
    session: AsyncSession, certificate_id: int, item_no: int, quantity: Decimal
) -> bool:
    """Change an item's approved quantity and its balance by the same amount.

    False when the item does not exist or more than the new quantity has already been drawn:
    the balance may never go negative.
    """
    item = certificate_item.c
    delta = quantity - item.approved_quantity
    statement = (
        update(certificate_item)
        .where(
            item.certificate_id == certificate_id,
            item.item_no == item_no,
            item.balance + delta >= 0,
        )
        .values(approved_quantity=quantity, balance=item.balance + delta)
        .returning(item.id)
    )
    return (await session.execute(statement)).first() is not None
