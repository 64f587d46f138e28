"""Every query of invitations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from investment.db_types import AnyRow
from investment.models import invitation, survey_return

FILING_STATUSES = ("not_started", "draft", "flagged")


async def invitable_returns(
    session: AsyncSession,
    year: int,
    *,
    county_code: str | None,
    township: str | None,
    registration_numbers: Sequence[str] | None,
    limit: int,
) -> list[AnyRow]:
    """Returns still to be filed, in id order (a re-issue for one factory names it)."""
    query = select(survey_return.c.id, survey_return.c.registration_number).where(
        survey_return.c.survey_year == year,
        survey_return.c.status.in_(FILING_STATUSES),
    )
    if county_code:
        query = query.where(survey_return.c.county_code == county_code)
    if township:
        query = query.where(survey_return.c.township == township)
    if registration_numbers:
        query = query.where(survey_return.c.registration_number.in_(registration_numbers))
    query = query.order_by(survey_return.c.id).limit(limit)
    return list((await session.execute(query)).all())


async def expire_unused(session: AsyncSession, return_ids: Sequence[int]) -> None:
    """A new code replaces the old: an unused earlier code stops working."""
    await session.execute(
        update(invitation)
        .where(
            invitation.c.return_id.in_(return_ids),
            invitation.c.used_at.is_(None),
            invitation.c.expires_at > func.now(),
        )
        .values(expires_at=func.now())
    )


async def insert_invitations(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(invitation), list(rows))


async def redeem(session: AsyncSession, code_hash: bytes) -> AnyRow | None:
    """Mark an unused, unexpired code used; its return, or None. One statement, so two
    concurrent redemptions of one code cannot both succeed."""
    statement = (
        update(invitation)
        .where(
            invitation.c.code_hash == code_hash,
            invitation.c.used_at.is_(None),
            invitation.c.expires_at > func.now(),
            survey_return.c.id == invitation.c.return_id,
        )
        .values(used_at=func.now())
        .returning(
            invitation.c.return_id,
            survey_return.c.survey_year,
            survey_return.c.registration_number,
        )
    )
    return (await session.execute(statement)).first()


def expiry(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
