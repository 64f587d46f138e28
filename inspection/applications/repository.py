"""Queries of inspection applications, their attachments and workflow events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import keyset_page
from inspection.models import application_document, application_event, inspection_application

APPLICATION = inspection_application


async def insert_application(session: AsyncSession, values: dict[str, Any]) -> int:
    statement = insert(APPLICATION).values(values).returning(APPLICATION.c.id)
    application_id: int = (await session.execute(statement)).scalar_one()
    return application_id


async def get(
    session: AsyncSession, application_id: int, *, lock: bool = False
) -> RowMapping | None:
    statement = select(APPLICATION).where(APPLICATION.c.id == application_id)
    if lock:
        statement = statement.with_for_update()
    return (await session.execute(statement)).mappings().first()


async def documents(session: AsyncSession, application_id: int) -> Sequence[RowMapping]:
    statement = (
        select(application_document)
        .where(application_document.c.application_id == application_id)
        .order_by(application_document.c.id)
    )
    rows: Sequence[RowMapping] = (await session.execute(statement)).mappings().all()
    return rows


async def add_document(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(application_document).values(values))


async def save(session: AsyncSession, application_id: int, values: dict[str, Any]) -> None:
    """Write changed fields, bump the version (the ETag) and the update time."""
    changes = {**values, "version": APPLICATION.c.version + 1, "updated_at": func.now()}
    await session.execute(
        update(APPLICATION).where(APPLICATION.c.id == application_id).values(changes)
    )


async def add_event(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(application_event).values(values))


async def page(
    session: AsyncSession,
    *,
    business_id: str | None,
    stage: str | None,
    cursor: str | None,
    limit: int,
) -> Sequence[RowMapping]:
    statement = select(
        APPLICATION.c.id,
        APPLICATION.c.business_id,
        APPLICATION.c.scheme,
        APPLICATION.c.stage,
        APPLICATION.c.product_name,
        APPLICATION.c.updated_at,
    )
    if business_id is not None:
        statement = statement.where(APPLICATION.c.business_id == business_id)
    if stage is not None:
        statement = statement.where(APPLICATION.c.stage == stage)
    paged = keyset_page(statement, [APPLICATION.c.id], cursor=cursor, limit=limit, descending=True)
    rows: Sequence[RowMapping] = (await session.execute(paged)).mappings().all()
    return rows
