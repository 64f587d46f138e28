"""Queries of notification preferences and deliveries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import RowMapping, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from tax_exemption.models import notification, notification_preference, platform_tables

outbox = platform_tables.outbox


async def get_preference(session: AsyncSession, business_id: str) -> RowMapping | None:
    statement = select(notification_preference).where(
        notification_preference.c.business_id == business_id
    )
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


async def put_preference(
    session: AsyncSession, business_id: str, values: Mapping[str, Any]
) -> RowMapping:
    row_values = {**values, "business_id": business_id}
    statement = (
        upsert(notification_preference)
        .values(row_values)
        .on_conflict_do_update(
            index_elements=["business_id"], set_={**values, "updated_at": func.now()}
        )
        .returning(notification_preference)
    )
    row: RowMapping = (await session.execute(statement)).mappings().one()
    return row


async def insert_notification(session: AsyncSession, values: Mapping[str, Any]) -> None:
    await session.execute(insert(notification).values(dict(values)))


async def by_message(session: AsyncSession, message_id: int) -> RowMapping | None:
    statement = select(notification).where(notification.c.outbox_message_id == message_id)
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


async def mark_sent(session: AsyncSession, notification_id: int) -> None:
    await session.execute(
        update(notification)
        .where(notification.c.id == notification_id)
        .values(status="sent", sent_at=func.now())
    )


async def deliveries(session: AsyncSession, business_id: str, limit: int) -> list[RowMapping]:
    """The firm's notifications with the delivery state kept on their outbox messages."""
    statement = (
        select(
            notification,
            outbox.c.attempts,
            outbox.c.last_error,
            outbox.c.failed_at,
        )
        .join(outbox, outbox.c.id == notification.c.outbox_message_id)
        .where(notification.c.business_id == business_id)
        .order_by(notification.c.id.desc())
        .limit(limit)
    )
    return list((await session.execute(statement)).mappings())
