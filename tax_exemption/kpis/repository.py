"""The aggregate queries behind the indicators (one round trip each)."""

from __future__ import annotations

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tax_exemption.models import declaration_line, filing


async def filing_counts(session: AsyncSession, agency: str) -> Row[int, int, int]:
    f = filing.c
    statement = select(
        func.count(),
        func.count().filter(f.channel == "online"),
        func.count().filter(f.electronic),
    ).where(f.agency == agency, f.status != "draft")
    return (await session.execute(statement)).one()


async def line_counts(session: AsyncSession, agency: str) -> Row[int, int, int, int]:
    line = declaration_line.c
    statement = select(
        func.count(),
        func.count().filter(line.outcome == "auto_matched"),
        func.count().filter(line.review_status == "pending"),
        func.count().filter(line.outcome == "refused"),
    ).where(line.agency == agency, line.is_current, line.outcome.is_not(None))
    return (await session.execute(statement)).one()
