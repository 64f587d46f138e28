"""Routes of surveyors (county-bound) and officers: lists, progress, chasing, checking."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from common.audit import AuditDep
from common.auth import Principal, Role, require_home_roles
from common.database import ServiceRouter, SessionDep
from common.fields import SafeText
from common.pagination import Cursor, Limit, Page
from investment.surveyors import service
from investment.surveyors.schemas import (
    ChaseList,
    CommentIn,
    CountyProgress,
    OptionalCommentIn,
    RemindersIn,
    RemindersQueued,
    ReviewIn,
    Status,
    StatusOut,
    WorkItem,
)

router = ServiceRouter(tags=["surveyors"])

Staff = Annotated[Principal, Depends(require_home_roles(Role.SURVEYOR, Role.OFFICER, Role.ADMIN))]
Officer = Annotated[Principal, Depends(require_home_roles(Role.OFFICER, Role.ADMIN))]
Year = Annotated[int, Path(ge=2000, le=2100)]
ReturnId = Annotated[int, Path(ge=1, le=2**63 - 1)]
County = Annotated[
    str | None, Query(pattern=r"^[0-9]{5}$", description="Surveyors: their own county only")
]
Township = Annotated[SafeText | None, Query(max_length=20)]


@router.get(
    "/campaigns/{year}/work-list",
    response_model=Page[WorkItem],
    summary="Returns of a county or township, for checking",
)
async def work_list(
    *,
    year: Year,
    session: SessionDep,
    staff: Staff,
    county_code: County = None,
    township: Township = None,
    status: Status | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[WorkItem]:
    return await service.work_list(
        session,
        staff,
        year,
        county_code=county_code,
        township=township,
        status=status,
        cursor=cursor,
        limit=limit,
    )


@router.get(
    "/campaigns/{year}/progress",
    response_model=list[CountyProgress],
    summary="Progress per county: filed share, flagged share",
)
async def progress(
    year: Year, session: SessionDep, staff: Staff, county_code: County = None
) -> list[CountyProgress]:
    return await service.progress(session, staff, year, county_code)


@router.get(
    "/campaigns/{year}/chase-list",
    response_model=ChaseList,
    summary="Non-filers ranked by risk, each rank explained",
    description="risk = size (last year's employees) + lateness (last year) + volatility (big "
    "year-on-year change or flagged last year); the `because` list gives each part's points.",
)
async def chase_list(
    *,
    year: Year,
    session: SessionDep,
    staff: Staff,
    county_code: County = None,
    township: Township = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ChaseList:
    return await service.chase_list(
        session, staff, year, county_code=county_code, township=township, limit=limit
    )


@router.post(
    "/campaigns/{year}/reminders",
    status_code=202,
    response_model=RemindersQueued,
    summary="Remind every non-filer of a county (through the outbox)",
)
async def queue_reminders(
    year: Year, payload: RemindersIn, session: SessionDep, staff: Staff, audit: AuditDep
) -> RemindersQueued:
    county, queued = await service.queue_reminders(
        session, staff, year, payload.county_code, payload.township
    )
    await audit.record(
        "reminders.queue", "campaign", str(year), details={"county_code": county, "queued": queued}
    )
    return RemindersQueued(survey_year=year, county_code=county, queued=queued)


@router.post(
    "/returns/{return_id}/flag",
    response_model=StatusOut,
    summary="Flag a return back to the factory with a comment",
)
async def flag_return(
    return_id: ReturnId, payload: CommentIn, session: SessionDep, staff: Staff, audit: AuditDep
) -> StatusOut:
    result = await service.flag(session, staff, return_id, payload.comment)
    await audit.record("return.flag", "survey_return", str(return_id))
    return result


@router.post("/returns/{return_id}/accept", response_model=StatusOut, summary="Accept a return")
async def accept_return(
    return_id: ReturnId,
    payload: OptionalCommentIn,
    session: SessionDep,
    staff: Staff,
    audit: AuditDep,
) -> StatusOut:
    result = await service.accept(session, staff, return_id, payload.comment)
    await audit.record("return.accept", "survey_return", str(return_id))
    return result


@router.post(
    "/returns/{return_id}/review",
    response_model=StatusOut,
    summary="Second-level (central) review of an accepted return",
)
async def review_return(
    return_id: ReturnId, payload: ReviewIn, session: SessionDep, officer: Officer, audit: AuditDep
) -> StatusOut:
    result = await service.review(session, officer, return_id, payload.decision, payload.comment)
    await audit.record(
        "return.review", "survey_return", str(return_id), details={"decision": payload.decision}
    )
    return result
