"""Queries of the review queue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import RowMapping, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import keyset_page
from tax_exemption.models import certificate, certificate_item, declaration_line

PENDING = "pending"


def pending_statement(cursor: str | None, limit: int) -> Select[Any]:
    line = declaration_line.c
    statement = select(declaration_line).where(line.review_status == PENDING, line.is_current)
    return keyset_page(statement, [line.id], cursor=cursor, limit=limit)


async def fetch(session: AsyncSession, statement: Select[Any]) -> list[RowMapping]:
    return list((await session.execute(statement)).mappings())


async def pending_line(session: AsyncSession, line_id: int) -> RowMapping | None:
    """The line, locked, if it is current and waiting for an officer."""
    line = declaration_line.c
    statement = (
        select(declaration_line)
        .where(line.id == line_id, line.is_current, line.review_status == PENDING)
        .with_for_update()
    )
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


async def item_by_key(session: AsyncSession, number: str, item_no: int) -> RowMapping | None:
    statement = (
        select(certificate_item, certificate.c.business_id, certificate.c.status)
        .join(certificate, certificate.c.id == certificate_item.c.certificate_id)
        .where(certificate.c.certificate_no == number, certificate_item.c.item_no == item_no)
    )
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


async def settle(session: AsyncSession, line_id: int, values: Mapping[str, Any]) -> RowMapping:
    statement = (
        update(declaration_line)
        .where(declaration_line.c.id == line_id)
        .values({**values, "reviewed_at": func.now()})
        .returning(declaration_line)
    )
    row: RowMapping = (await session.execute(statement)).mappings().one()
    return row


async def backlog(session: AsyncSession) -> int:
    line = declaration_line.c
    statement = select(func.count()).where(line.review_status == PENDING, line.is_current)
    return int((await session.execute(statement)).scalar_one())
