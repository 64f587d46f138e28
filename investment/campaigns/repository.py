"""Every query of campaigns and forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from investment.db_types import AnyRow
from investment.models import factory, survey_campaign, survey_form, survey_return


async def find_form(session: AsyncSession, form_id: str, version: str) -> AnyRow | None:
    query = select(survey_form.c.id, survey_form.c.document).where(
        survey_form.c.form_id == form_id, survey_form.c.version == version
    )
    return (await session.execute(query)).first()


async def insert_form(session: AsyncSession, values: dict[str, Any]) -> int:
    statement = insert(survey_form).values(values).returning(survey_form.c.id)
    form_pk: int = (await session.execute(statement)).scalar_one()
    return form_pk


async def insert_campaign(
    session: AsyncSession, year: int, form_pk: int, opens_on: dt.date, closes_on: dt.date
) -> bool:
    """False when the year already has a campaign."""
    statement = (
        pg_insert(survey_campaign)
        .values(survey_year=year, form_pk=form_pk, opens_on=opens_on, closes_on=closes_on)
        .on_conflict_do_nothing()
        .returning(survey_campaign.c.survey_year)
    )
    return (await session.execute(statement)).first() is not None


async def open_returns(session: AsyncSession, year: int) -> int:
    """A return for every registered factory that has none for ``year`` yet; how many."""
    source = select(
        literal(year),
        factory.c.registration_number,
        factory.c.business_id,
        factory.c.county_code,
        factory.c.township,
    ).where(factory.c.in_registry)
    statement = (
        pg_insert(survey_return)
        .from_select(
            ["survey_year", "registration_number", "business_id", "county_code", "township"],
            source,
        )
        .on_conflict_do_nothing()
    )
    result = await session.execute(statement)
    return result.rowcount if isinstance(result, CursorResult) else 0


_CAMPAIGN_COLUMNS = (
    survey_campaign.c.survey_year,
    survey_campaign.c.opens_on,
    survey_campaign.c.closes_on,
    survey_campaign.c.form_pk,
    survey_form.c.form_id,
    survey_form.c.version,
    survey_form.c.base_year,
)


async def campaign(session: AsyncSession, year: int) -> AnyRow | None:
    query = (
        select(*_CAMPAIGN_COLUMNS, _return_count())
        .join(survey_form, survey_form.c.id == survey_campaign.c.form_pk)
        .where(survey_campaign.c.survey_year == year)
    )
    return (await session.execute(query)).first()


async def campaigns(session: AsyncSession) -> list[AnyRow]:
    query = (
        select(*_CAMPAIGN_COLUMNS, _return_count())
        .join(survey_form, survey_form.c.id == survey_campaign.c.form_pk)
        .order_by(survey_campaign.c.survey_year.desc())
    )
    return list((await session.execute(query)).all())


def _return_count() -> Any:
    return (
        select(func.count())
        .where(survey_return.c.survey_year == survey_campaign.c.survey_year)
        .scalar_subquery()
        .label("returns")
    )
