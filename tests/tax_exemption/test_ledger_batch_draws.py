"""A batch's drawdowns (``ledger.draw_many``): by item totals, in the session's transaction."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tax_exemption.matching import ledger
from tests.tax_exemption.conftest import FIRM_A
from tests.tax_exemption.stored import balance_and_ledger, seed_certificate

pytestmark = pytest.mark.usefixtures("clean_backends")


def _draws(item_id: int, *quantities: int) -> ledger.Drawdowns:
    return ledger.Drawdowns(
        item_ids=[item_id] * len(quantities),
        line_ids=[None] * len(quantities),
        quantities=[Decimal(q) for q in quantities],
    )


async def test_each_item_is_drawn_by_its_total(db_engine: AsyncEngine) -> None:
    [item_id] = await seed_certificate(db_engine, FIRM_A, balance=Decimal(10))
    async with AsyncSession(db_engine) as session, session.begin():
        assert await ledger.draw_many(session, _draws(item_id, 3, 4))

    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(3), Decimal(7))


async def test_entries_that_fit_alone_but_not_together_are_refused(db_engine: AsyncEngine) -> None:
    [item_id] = await seed_certificate(db_engine, FIRM_A, balance=Decimal(10))
    async with AsyncSession(db_engine) as session, session.begin():
        assert not await ledger.draw_many(session, _draws(item_id, 6, 6))
        await session.rollback()

    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(10), Decimal(0))


async def test_a_rolled_back_session_leaves_no_drawdown(db_engine: AsyncEngine) -> None:
    """The statements go to the driver under the session, even as the session's first ones."""
    [item_id] = await seed_certificate(db_engine, FIRM_A, balance=Decimal(10))
    async with AsyncSession(db_engine) as session, session.begin():
        assert await ledger.draw_many(session, _draws(item_id, 4))
        await session.rollback()

    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(10), Decimal(0))
