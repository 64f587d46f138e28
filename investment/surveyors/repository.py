"""Every query of the surveyors' and officers' work."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import keyset_page
from investment.db_types import AnyRow
from investment.models import (
    factory,
    platform_tables,
    return_event,
    survey_campaign,
    survey_return,
)

NON_FILING = ("not_started", "draft", "flagged")
REMINDER_TOPIC = "investment.reminder"
_previous = survey_return.alias("previous")
_previous_campaign = survey_campaign.alias("previous_campaign")


def _scope(query: Any, year: int, county_code: str | None, township: str | None) -> Any:
    query = query.where(survey_return.c.survey_year == year)
    if county_code:
        query = query.where(survey_return.c.county_code == county_code)
    if township:
        query = query.where(survey_return.c.township == township)
    return query


async def work_list(
    session: AsyncSession,
    year: int,
    *,
    county_code: str | None,
    township: str | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> list[AnyRow]:
    query = select(
        survey_return.c.id,
        survey_return.c.registration_number,
        factory.c.name,
        survey_return.c.county_code,
        survey_return.c.township,
        survey_return.c.status,
        survey_return.c.problem_count,
        survey_return.c.receipt_number,
        survey_return.c.submitted_at,
        (survey_return.c.answers["registry_changed"].astext == "true").label("registry_change"),
    ).join(factory, factory.c.registration_number == survey_return.c.registration_number)
    query = _scope(query, year, county_code, township)
    if status:
        query = query.where(survey_return.c.status == status)
    page = keyset_page(query, [survey_return.c.id], cursor=cursor, limit=limit)
    return list((await session.execute(page)).all())


async def progress(session: AsyncSession, year: int, county_code: str | None) -> list[AnyRow]:
    status = survey_return.c.status
    query = select(
        survey_return.c.county_code,
        func.count().label("returns"),
        func.count(survey_return.c.first_submitted_at).label("filed"),
        func.count().filter(status == "flagged").label("flagged"),
        func.count().filter(status == "accepted").label("accepted"),
        func.count().filter(status == "reviewed").label("reviewed"),
    ).group_by(survey_return.c.county_code)
    query = _scope(query, year, county_code, None).order_by(survey_return.c.county_code)
    return list((await session.execute(query)).all())


def _was_flagged() -> Any:
    return exists().where(
        return_event.c.return_id == _previous.c.id,
        return_event.c.action.in_(("flag", "send_back")),
    )


async def chase_candidates(
    session: AsyncSession, year: int, county_code: str | None, township: str | None
) -> list[AnyRow]:
    """Non-filers with what last year's return says about them (risk inputs)."""
    explanation = _previous.c.answers["change_explanation"].astext
    query = (
        select(
            survey_return.c.id,
            survey_return.c.registration_number,
            factory.c.name,
            survey_return.c.township,
            survey_return.c.status,
            _previous.c.id.label("previous_id"),
            cast(_previous.c.answers["employees_total"].astext, Integer).label("employees"),
            func.date(func.timezone("Asia/Taipei", _previous.c.first_submitted_at)).label(
                "filed_on"
            ),
            _previous_campaign.c.closes_on.label("deadline"),
            case((func.length(func.trim(explanation)) > 0, True), else_=False).label("explained"),
            _was_flagged().label("was_flagged"),
        )
        .select_from(
            survey_return.join(
                factory, factory.c.registration_number == survey_return.c.registration_number
            )
            .outerjoin(
                _previous,
                and_(
                    _previous.c.registration_number == survey_return.c.registration_number,
                    _previous.c.survey_year == survey_return.c.survey_year - 1,
                ),
            )
            .outerjoin(
                _previous_campaign, _previous_campaign.c.survey_year == _previous.c.survey_year
            )
        )
        .where(survey_return.c.status.in_(NON_FILING))
    )
    return list((await session.execute(_scope(query, year, county_code, township))).all())


async def scope_of(session: AsyncSession, return_id: int) -> AnyRow | None:
    query = select(survey_return.c.id, survey_return.c.county_code, survey_return.c.status).where(
        survey_return.c.id == return_id
    )
    return (await session.execute(query)).first()


async def move(
    session: AsyncSession, return_id: int, from_statuses: tuple[str, ...], to_status: str
) -> AnyRow | None:
    """Change the status when it is one of ``from_statuses``; bumps the version (ETag)."""
    statement = (
        update(survey_return)
        .where(survey_return.c.id == return_id, survey_return.c.status.in_(from_statuses))
        .values(status=to_status, version=survey_return.c.version + 1, updated_at=func.now())
        .returning(survey_return.c.status, survey_return.c.version)
    )
    return (await session.execute(statement)).first()


async def add_event(
    session: AsyncSession,
    return_id: int,
    *,
    action: str,
    actor: str,
    role: str,
    comment: str | None,
) -> None:
    await session.execute(
        insert(return_event).values(
            return_id=return_id, action=action, actor=actor, actor_role=role, comment=comment
        )
    )


async def queue_reminders(
    session: AsyncSession, year: int, county_code: str | None, township: str | None
) -> int:
    """One outbox message per non-filer, in one INSERT ... SELECT (any county size)."""
    outbox = platform_tables.outbox
    payload = func.jsonb_build_object(
        literal_column("'return_id'"),
        survey_return.c.id,
        literal_column("'survey_year'"),
        survey_return.c.survey_year,
    )
    source = select(literal_column(f"'{REMINDER_TOPIC}'"), payload).where(
        survey_return.c.status.in_(NON_FILING)
    )
    source = _scope(source, year, county_code, township)
    result = await session.execute(
        insert(outbox).from_select(["topic", "payload"], source).returning(outbox.c.id)
    )
    return len(result.all())
