"""Routes of campaigns: officers open a year's campaign; anyone reads campaigns and forms."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request, Response
from pydantic import TypeAdapter

from common.audit import AuditDep
from common.auth import Principal, Role, require_home_roles
from common.caching import conditional_response
from common.database import ServiceRouter, SessionDep
from investment.campaigns import service
from investment.campaigns.forms import FormsDep
from investment.campaigns.schemas import CampaignCreate, CampaignOut, ReturnsOpened

router = ServiceRouter(prefix="/campaigns", tags=["campaigns"])

Year = Annotated[int, Path(ge=2000, le=2100, description="Survey year (Gregorian)")]
Officer = Annotated[Principal, Depends(require_home_roles(Role.OFFICER, Role.ADMIN))]
_CAMPAIGNS = TypeAdapter(list[CampaignOut])


@router.post(
    "",
    status_code=201,
    response_model=CampaignOut,
    summary="Open a year's campaign",
    description="Stores the form (a built-in one or a whole definition document, so a "
    "base-period revision needs no code) and opens a return for every registered factory.",
)
async def open_campaign(
    payload: CampaignCreate, session: SessionDep, officer: Officer, audit: AuditDep
) -> CampaignOut:
    campaign, opened = await service.open_campaign(session, payload)
    details = {"form": f"{campaign.form_id} {campaign.form_version}", "returns": opened}
    await audit.record("campaign.open", "campaign", str(campaign.survey_year), details=details)
    return campaign


@router.get("", response_model=list[CampaignOut], summary="Every campaign, newest first")
async def list_campaigns(request: Request, session: SessionDep) -> Response:
    campaigns = await service.list_campaigns(session)
    return conditional_response(request, _CAMPAIGNS.dump_json(campaigns, by_alias=True))


@router.get("/{year}", response_model=CampaignOut, summary="One campaign")
async def get_campaign(request: Request, year: Year, session: SessionDep) -> Response:
    return conditional_response(request, await service.get_campaign(session, year))


@router.get(
    "/{year}/form",
    summary="The campaign's form definition",
    description="Sections, questions (types, units, required rules, ranges) and cross-field "
    "rules; the server validates returns against exactly this document.",
)
async def get_form(request: Request, year: Year, session: SessionDep, forms: FormsDep) -> Response:
    campaign = await service.get_campaign_row(session, year)
    form = await forms.get(session, campaign.form_pk)
    return conditional_response(request, form)


@router.post(
    "/{year}/returns",
    response_model=ReturnsOpened,
    summary="Open returns for factories registered since the campaign opened",
)
async def open_late_returns(
    year: Year, session: SessionDep, officer: Officer, audit: AuditDep
) -> ReturnsOpened:
    opened = await service.open_late_returns(session, year)
    await audit.record("campaign.returns_opened", "campaign", str(year), details={"opened": opened})
    return ReturnsOpened(survey_year=year, opened=opened)
