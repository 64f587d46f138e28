"""Every query of filings, their items and supplement exchanges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, Select, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import keyset_page
from tax_exemption.filings.schemas import FilingFilter
from tax_exemption.models import certificate, filing, filing_item, supplement


async def insert_filing(session: AsyncSession, values: Mapping[str, Any]) -> int:
    statement = insert(filing).values(dict(values)).returning(filing.c.id)
    filing_id: int = (await session.execute(statement)).scalar_one()
    return filing_id


async def insert_items(
    session: AsyncSession, filing_id: int, items: Sequence[Mapping[str, Any]]
) -> None:
    rows = [{**item, "filing_id": filing_id, "item_no": n} for n, item in enumerate(items, 1)]
    if rows:
        await session.execute(insert(filing_item), rows)


async def delete_items(session: AsyncSession, filing_id: int) -> None:
    await session.execute(filing_item.delete().where(filing_item.c.filing_id == filing_id))


async def get_filing(
    session: AsyncSession, filing_id: int, *, lock: bool = False
) -> RowMapping | None:
    statement = select(filing).where(filing.c.id == filing_id)
    if lock:
        statement = statement.with_for_update()
    return (await session.execute(statement)).mappings().first()


async def update_filing(
    session: AsyncSession, filing_id: int, values: Mapping[str, Any]
) -> RowMapping:
    """Apply ``values`` and bump the version (the ETag) in one statement."""
    statement = (
        update(filing)
        .where(filing.c.id == filing_id)
        .values({**values, "version": filing.c.version + 1, "updated_at": func.now()})
        .returning(filing)
    )
    row: RowMapping = (await session.execute(statement)).mappings().one()
    return row


async def get_items(session: AsyncSession, filing_id: int) -> list[RowMapping]:
    statement = (
        select(filing_item)
        .where(filing_item.c.filing_id == filing_id)
        .order_by(filing_item.c.item_no)
    )
    return list((await session.execute(statement)).mappings())


async def decide_item(
    session: AsyncSession, filing_id: int, item_no: int, values: Mapping[str, Any]
) -> None:
    await session.execute(
        update(filing_item)
        .where(filing_item.c.filing_id == filing_id, filing_item.c.item_no == item_no)
        .values(dict(values))
    )


async def get_supplements(session: AsyncSession, filing_id: int) -> list[RowMapping]:
    statement = (
        select(supplement).where(supplement.c.filing_id == filing_id).order_by(supplement.c.id)
    )
    return list((await session.execute(statement)).mappings())


async def insert_supplement(
    session: AsyncSession, filing_id: int, request: str, requested_by: str
) -> int:
    statement = (
        insert(supplement)
        .values(filing_id=filing_id, request=request, requested_by=requested_by)
        .returning(supplement.c.id)
    )
    supplement_id: int = (await session.execute(statement)).scalar_one()
    return supplement_id


async def answer_open_supplement(
    session: AsyncSession, filing_id: int, answer: str, answered_by: str
) -> int | None:
    open_request = (
        select(func.max(supplement.c.id))
        .where(supplement.c.filing_id == filing_id, supplement.c.answered_at.is_(None))
        .scalar_subquery()
    )
    statement = (
        update(supplement)
        .where(supplement.c.id == open_request)
        .values(answer=answer, answered_by=answered_by, answered_at=func.now())
        .returning(supplement.c.id)
    )
    supplement_id: int | None = (await session.execute(statement)).scalar_one_or_none()
    return supplement_id


async def certificate_no_of(session: AsyncSession, filing_id: int) -> str | None:
    statement = select(certificate.c.certificate_no).where(certificate.c.filing_id == filing_id)
    number: str | None = (await session.execute(statement)).scalar_one_or_none()
    return number


def list_statement(
    visible: ColumnElement[bool], params: FilingFilter, cursor: str | None, limit: int
) -> Select[Any]:
    conditions = [visible]
    if params.status is not None:
        conditions.append(filing.c.status == params.status)
    if params.kind is not None:
        conditions.append(filing.c.kind == params.kind)
    if params.business_id is not None:
        conditions.append(filing.c.business_id == params.business_id)
    if params.submitted_from is not None:
        conditions.append(filing.c.submitted_at >= params.submitted_from)
    if params.submitted_until is not None:
        conditions.append(filing.c.submitted_at < params.submitted_until + timedelta(days=1))
    summary = [c for c in filing.c if not c.name.endswith("_enc")]
    statement = select(*summary).where(*conditions)
    return keyset_page(statement, [filing.c.id], cursor=cursor, limit=limit, descending=True)


async def list_filings(session: AsyncSession, statement: Select[Any]) -> list[RowMapping]:
    return list((await session.execute(statement)).mappings())


def firm_visible(business_id: str, clients: ColumnElement[str]) -> ColumnElement[bool]:
    return (filing.c.business_id == business_id) | filing.c.business_id.in_(clients)


def agency_visible(agency: str) -> ColumnElement[bool]:
    return filing.c.agency == agency
