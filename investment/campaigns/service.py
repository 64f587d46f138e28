"""Use cases of campaigns: open a year's campaign with its form, list, add late factories."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import Conflict, FieldProblem, NotFound, UnprocessableContent
from investment.campaigns import repository
from investment.campaigns.schemas import CampaignCreate, CampaignOut
from investment.db_types import AnyRow
from investment.survey import FormDefinition, builtin_form, builtin_form_names


def chosen_form(payload: CampaignCreate) -> FormDefinition:
    if payload.form_name is not None:
        if payload.form_name not in builtin_form_names():
            raise UnprocessableContent(f"no built-in form {payload.form_name!r}")
        return builtin_form(payload.form_name)
    try:
        return FormDefinition.model_validate(payload.form)
    except ValidationError as exc:
        raise UnprocessableContent(
            "the form definition is not sound",
            errors=[
                FieldProblem(loc=["body", "form", *e["loc"]], msg=e["msg"], type=e["type"])
                for e in exc.errors()
            ],
        ) from None


async def stored_form_pk(session: AsyncSession, form: FormDefinition) -> int:
    """The stored copy of ``form``; the same id and version with other content is a conflict."""
    document = form.model_dump(mode="json")
    found = await repository.find_form(session, form.form_id, form.version)
    if found is not None:
        if found.document != document:
            raise Conflict(f"form {form.form_id} {form.version} exists with other content")
        return int(found.id)
    values: dict[str, Any] = {
        "form_id": form.form_id,
        "version": form.version,
        "survey_year": form.survey_year,
        "base_year": form.base_year,
        "document": document,
    }
    return await repository.insert_form(session, values)


async def open_campaign(session: AsyncSession, payload: CampaignCreate) -> tuple[CampaignOut, int]:
    form = chosen_form(payload)
    if form.survey_year != payload.survey_year:
        raise UnprocessableContent(f"the form is for {form.survey_year}, not {payload.survey_year}")
    form_pk = await stored_form_pk(session, form)
    created = await repository.insert_campaign(
        session, payload.survey_year, form_pk, payload.opens_on, payload.closes_on
    )
    if not created:
        raise Conflict(f"the {payload.survey_year} campaign exists already")
    opened = await repository.open_returns(session, payload.survey_year)
    return await get_campaign(session, payload.survey_year), opened


async def get_campaign_row(session: AsyncSession, year: int) -> AnyRow:
    row = await repository.campaign(session, year)
    if row is None:
        raise NotFound(f"no campaign for {year}")
    return row


async def get_campaign(session: AsyncSession, year: int) -> CampaignOut:
    return campaign_out(await get_campaign_row(session, year))


async def list_campaigns(session: AsyncSession) -> list[CampaignOut]:
    return [campaign_out(row) for row in await repository.campaigns(session)]


async def open_late_returns(session: AsyncSession, year: int) -> int:
    await get_campaign(session, year)
    return await repository.open_returns(session, year)


def campaign_out(row: AnyRow) -> CampaignOut:
    return CampaignOut(
        survey_year=row.survey_year,
        opens_on=row.opens_on,
        closes_on=row.closes_on,
        form_id=row.form_id,
        form_version=row.version,
        base_year=row.base_year,
        returns=row.returns,
    )
