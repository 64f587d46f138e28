"""Use cases of surveyors and officers.

Surveyors are bound to a county: every list, count and action is confined to it, and a return
of another county answers 404. The central (second-level) review is for officers only.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, Role
from common.errors import BadRequest, Conflict, NotFound
from common.pagination import Page, split_page
from investment.db_types import AnyRow
from investment.invitations.service import county_scope
from investment.surveyors import repository
from investment.surveyors.risk import METHOD, LastYear, risk
from investment.surveyors.schemas import (
    ChaseItem,
    ChaseList,
    CountyProgress,
    RiskPartOut,
    StatusOut,
    WorkItem,
)

CHECKING = ("submitted", "accepted")


async def work_list(
    session: AsyncSession,
    principal: Principal,
    year: int,
    *,
    county_code: str | None,
    township: str | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> Page[WorkItem]:
    rows = await repository.work_list(
        session,
        year,
        county_code=county_scope(principal, county_code),
        township=township,
        status=status,
        cursor=cursor,
        limit=limit,
    )
    kept, next_cursor = split_page(rows, limit, lambda row: [row.id])
    items = [
        WorkItem(
            id=row.id,
            registration_number=row.registration_number,
            factory_name=row.name,
            county_code=row.county_code,
            township=row.township,
            status=row.status,
            problem_count=row.problem_count,
            receipt_number=row.receipt_number,
            submitted_at=row.submitted_at,
            registry_change=bool(row.registry_change),
        )
        for row in kept
    ]
    return Page[WorkItem](items=items, next_cursor=next_cursor)


async def progress(
    session: AsyncSession, principal: Principal, year: int, county_code: str | None
) -> list[CountyProgress]:
    rows = await repository.progress(session, year, county_scope(principal, county_code))
    return [
        CountyProgress(
            county_code=row.county_code,
            returns=row.returns,
            filed=row.filed,
            filed_share=round(row.filed / row.returns, 4) if row.returns else 0.0,
            flagged=row.flagged,
            flagged_share=round(row.flagged / row.filed, 4) if row.filed else 0.0,
            accepted=row.accepted,
            reviewed=row.reviewed,
        )
        for row in rows
    ]


def _last_year(row: AnyRow) -> LastYear:
    return LastYear(
        had_return=row.previous_id is not None,
        employees=row.employees,
        filed_on=row.filed_on,
        deadline=row.deadline,
        explained_change=bool(row.explained),
        was_flagged=bool(row.was_flagged),
    )


async def chase_list(
    session: AsyncSession,
    principal: Principal,
    year: int,
    *,
    county_code: str | None,
    township: str | None,
    limit: int,
) -> ChaseList:
    county = county_scope(principal, county_code)
    rows = await repository.chase_candidates(session, year, county, township)
    # Every non-filer is scored: ~0.2 s of CPU for a large county early in a campaign, over a
    # second nationwide. In a worker thread, the replica's other requests are served meanwhile.
    items = await asyncio.to_thread(_chase_items, rows, limit)
    return ChaseList(
        survey_year=year, county_code=county, method=METHOD, non_filers=len(rows), items=items
    )


def _chase_items(rows: list[AnyRow], limit: int) -> list[ChaseItem]:
    """The ``limit`` riskiest non-filers, ranked."""
    scored = sorted(
        ((risk(_last_year(row)), row) for row in rows), key=lambda p: (-p[0].score, p[1].id)
    )
    return [
        ChaseItem(
            rank=rank,
            id=row.id,
            registration_number=row.registration_number,
            factory_name=row.name,
            township=row.township,
            status=row.status,
            risk=score.score,
            because=[
                RiskPartOut(factor=p.factor, points=p.points, reason=p.reason) for p in score.parts
            ],
        )
        for rank, (score, row) in enumerate(scored[:limit], start=1)
    ]


async def _in_scope(session: AsyncSession, principal: Principal, return_id: int) -> AnyRow:
    row = await repository.scope_of(session, return_id)
    if row is None or (principal.role is Role.SURVEYOR and row.county_code != principal.county):
        raise NotFound()
    return row


async def _transition(
    session: AsyncSession,
    principal: Principal,
    return_id: int,
    *,
    from_statuses: tuple[str, ...],
    to_status: str,
    action: str,
    comment: str | None,
) -> StatusOut:
    current = await _in_scope(session, principal, return_id)
    moved = await repository.move(session, return_id, from_statuses, to_status)
    if moved is None:
        raise Conflict(f"a {current.status} return cannot be {action}ed")
    await repository.add_event(
        session,
        return_id,
        action=action,
        actor=principal.audit_name,
        role=str(principal.role),
        comment=comment,
    )
    return StatusOut(id=return_id, status=moved.status, version=moved.version)


async def flag(
    session: AsyncSession, principal: Principal, return_id: int, comment: str
) -> StatusOut:
    """Back to the factory with the comment it will see; the factory fixes and resubmits."""
    return await _transition(
        session,
        principal,
        return_id,
        from_statuses=CHECKING,
        to_status="flagged",
        action="flag",
        comment=comment,
    )


async def accept(
    session: AsyncSession, principal: Principal, return_id: int, comment: str | None
) -> StatusOut:
    return await _transition(
        session,
        principal,
        return_id,
        from_statuses=("submitted",),
        to_status="accepted",
        action="accept",
        comment=comment,
    )


async def review(
    session: AsyncSession, principal: Principal, return_id: int, decision: str, comment: str | None
) -> StatusOut:
    """The central second-level review of an accepted return."""
    if decision == "send_back":
        if not comment:
            raise BadRequest("sending a return back needs a comment for the factory")
        return await _transition(
            session,
            principal,
            return_id,
            from_statuses=("accepted",),
            to_status="flagged",
            action="send_back",
            comment=comment,
        )
    return await _transition(
        session,
        principal,
        return_id,
        from_statuses=("accepted",),
        to_status="reviewed",
        action="review",
        comment=comment,
    )


async def queue_reminders(
    session: AsyncSession,
    principal: Principal,
    year: int,
    county_code: str | None,
    township: str | None,
) -> tuple[str | None, int]:
    county = county_scope(principal, county_code)
    return county, await repository.queue_reminders(session, year, county, township)
