"""Queries of the review queue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import RowMapping, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import keyset_page
from tax_exemption.models import certificate, certificate_item, declaration_line, filing

PENDING = "pending"


def pending_statement(agency: str, cursor: str | None, limit: int) -> Select[Any]:
    line = declaration_line.c
    statement = select(declaration_line).where(
        line.agency == agency, line.review_status == PENDING, line.is_current
    )
    return keyset_page(statement, [line.id], cursor=cursor, limit=limit)


async def fetch(session: AsyncSession, statement: Select[Any]) -> list[RowMapping]:
    return list((await session.execute(statement)).mappings())


async def locked_line(session: AsyncSession, line_id: int) -> RowMapping | None:
    """The line, locked against a concurrent review or re-ingestion."""
    statement = select(declaration_line).where(declaration_line.c.id == line_id).with_for_update()
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


async def item_by_key(
    session: AsyncSession, agency: str, number: str, item_no: int
) -> RowMapping | None:
    """The item of one of ``agency``'s certificates, with its firm and status."""
    statement = (
        select(certificate_item, certificate.c.business_id, certificate.c.status)
        .join(certificate, certificate.c.id == certificate_item.c.certificate_id)
        .join(filing, filing.c.id == certificate.c.filing_id)
        .where(
            certificate.c.certificate_no == number,
            certificate_item.c.item_no == item_no,
            filing.c.agency == agency,
        )
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
