"""Indicators of the plan: share online, share electronic, auto-match rate, review backlog."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tax_exemption.kpis import repository
from tax_exemption.kpis.schemas import KpisOut


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


async def indicators(session: AsyncSession, agency: str) -> KpisOut:
    filings, online, electronic = await repository.filing_counts(session, agency)
    decided, auto, backlog, refused = await repository.line_counts(session, agency)
    return KpisOut(
        filings=filings,
        share_online=_share(online, filings),
        share_electronic=_share(electronic, filings),
        lines_decided=decided,
        auto_match_rate=_share(auto, decided),
        review_backlog=backlog,
        refused=refused,
    )
