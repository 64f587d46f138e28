"""Queries of watches and their alerts as the firm's API uses them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import RowMapping, delete, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import keyset_page
from ip_search.models import trademark, trademark_watch, trademark_watch_alert

watch = trademark_watch
alert = trademark_watch_alert

_UNREAD = (
    select(func.count())
    .where(alert.c.watch_id == watch.c.id, alert.c.read_at.is_(None))
    .correlate(watch)
    .scalar_subquery()
    .label("unread_alerts")
)
_WATCH_COLUMNS = (*(c for c in watch.c if c.name != "webhook_secret_enc"), _UNREAD)


async def lock_firm_watches(session: AsyncSession, business_id: str) -> None:
    """Serialise changes to one firm's set of watches until the transaction ends (the limit)."""
    key = func.hashtextextended(literal("trademark_watch:") + business_id, 0)
    await session.execute(select(func.pg_advisory_xact_lock(key)))


async def count_watches(session: AsyncSession, business_id: str) -> int:
    statement = select(func.count()).where(watch.c.business_id == business_id)
    return int(await session.scalar(statement) or 0)


async def insert_watch(session: AsyncSession, values: Mapping[str, Any]) -> int:
    statement = insert(watch).values(dict(values)).returning(watch.c.id)
    watch_id: int = (await session.execute(statement)).scalar_one()
    return watch_id


async def get_watch(session: AsyncSession, watch_id: int) -> RowMapping | None:
    statement = select(*_WATCH_COLUMNS).where(watch.c.id == watch_id)
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


async def watch_owner(session: AsyncSession, watch_id: int) -> str | None:
    owner: str | None = await session.scalar(
        select(watch.c.business_id).where(watch.c.id == watch_id)
    )
    return owner


async def list_watches(
    session: AsyncSession, business_id: str, cursor: str | None, limit: int
) -> list[RowMapping]:
    statement = select(*_WATCH_COLUMNS).where(watch.c.business_id == business_id)
    page = keyset_page(statement, [watch.c.id], cursor=cursor, limit=limit)
    return list((await session.execute(page)).mappings())


async def update_watch(session: AsyncSession, watch_id: int, values: Mapping[str, Any]) -> None:
    changes = {**values, "updated_at": func.now()}
    await session.execute(update(watch).where(watch.c.id == watch_id).values(changes))


async def delete_watch(session: AsyncSession, watch_id: int) -> None:
    await session.execute(delete(watch).where(watch.c.id == watch_id))


async def list_alerts(
    session: AsyncSession, watch_id: int, *, unread_only: bool, cursor: str | None, limit: int
) -> list[RowMapping]:
    """Newest first, with the mark's current name, status and classes."""
    statement = (
        select(alert, trademark.c.name, trademark.c.status, trademark.c.nice_classes)
        .outerjoin(trademark, trademark.c.application_no == alert.c.application_no)
        .where(alert.c.watch_id == watch_id)
    )
    if unread_only:
        statement = statement.where(alert.c.read_at.is_(None))
    page = keyset_page(statement, [alert.c.id], cursor=cursor, limit=limit, descending=True)
    return list((await session.execute(page)).mappings())


async def mark_read(session: AsyncSession, watch_id: int, alert_ids: Sequence[int] | None) -> int:
    """Mark unread alerts of the watch read (all of them when ``alert_ids`` is None)."""
    statement = update(alert).where(alert.c.watch_id == watch_id, alert.c.read_at.is_(None))
    if alert_ids is not None:
        statement = statement.where(alert.c.id.in_(alert_ids))
    result = await session.execute(statement.values(read_at=func.now()).returning(alert.c.id))
    return len(result.all())
