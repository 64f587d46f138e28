"""Use cases of the public registry reads."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import NotFound
from common.pagination import Page, split_page
from investment.db_types import AnyRow
from investment.factories import repository
from investment.factories.schemas import CodedItemOut, FactoryOut


def factory_out(row: AnyRow) -> FactoryOut:
    return FactoryOut(
        registration_number=row.registration_number,
        kind=row.kind,
        name=row.name,
        business_id=row.business_id,
        organization_type=row.organization_type,
        status=row.status,
        address=row.address,
        county_code=row.county_code,
        county_name=row.county_name,
        township=row.township,
        establishment_approved_on=row.establishment_approved_on,
        registration_approved_on=row.registration_approved_on,
        industries=[CodedItemOut(code=c, name=n) for c, n in row.industries],
        products=[CodedItemOut(code=c, name=n) for c, n in row.products],
        longitude=row.longitude,
        latitude=row.latitude,
        in_registry=row.in_registry,
    )


async def get_factory(session: AsyncSession, registration_number: str) -> FactoryOut:
    row = await repository.get_factory(session, registration_number)
    if row is None:
        raise NotFound(f"no factory {registration_number}")
    return factory_out(row)


async def search(
    session: AsyncSession,
    *,
    county_code: str | None,
    township: str | None,
    industry_code: str | None,
    cursor: str | None,
    limit: int,
) -> Page[FactoryOut]:
    rows = await repository.search(
        session,
        county_code=county_code,
        township=township,
        industry_code=industry_code,
        cursor=cursor,
        limit=limit,
    )
    kept, next_cursor = split_page(rows, limit, lambda row: [row.registration_number])
    return Page[FactoryOut](items=[factory_out(row) for row in kept], next_cursor=next_cursor)
