"""The balance ledger under concurrency, on real PostgreSQL: never below zero, sums exact."""

from __future__ import annotations

import asyncio
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tax_exemption.matching import ledger
from tax_exemption.matching.service import match_stored_batch
from tests.tax_exemption.conftest import FIRM_A
from tests.tax_exemption.stored import balance_and_ledger, seed_certificate, stored_batch

pytestmark = pytest.mark.usefixtures("clean_backends")


async def _draw_one(engine: AsyncEngine, item_id: int) -> bool:
    async with AsyncSession(engine) as session, session.begin():
        return await ledger.draw(session, ledger.Draw(item_id, None, Decimal(1))) is not None


async def test_fifty_concurrent_drawdowns_never_overdraw(db_engine: AsyncEngine) -> None:
    [item_id] = await seed_certificate(db_engine, FIRM_A, balance=Decimal(30))

    results = await asyncio.gather(*(_draw_one(db_engine, item_id) for _ in range(50)))

    assert Counter(results) == {True: 30, False: 20}
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(30), Decimal(0), Decimal(30))


async def _match(engine: AsyncEngine, batch_id: int) -> Counter[str]:
    async with AsyncSession(engine) as session, session.begin():
        return await match_stored_batch(session, batch_id)


async def test_concurrent_batches_share_one_item_without_overdrawing(
    db_engine: AsyncEngine,
) -> None:
    [item_id] = await seed_certificate(db_engine, FIRM_A, balance=Decimal(30))
    batches = [await stored_batch(db_engine, FIRM_A, 100 * b, 5) for b in range(10)]

    outcomes = await asyncio.gather(*(_match(db_engine, b) for b in batches))

    total = sum(outcomes, Counter())
    assert total["auto_matched"] == 30 and sum(total.values()) == 50
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(30), Decimal(0), Decimal(30))
    # A re-run of a matched batch (a retried job) changes nothing.
    assert await _match(db_engine, batches[0]) == Counter()
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(30), Decimal(0), Decimal(30))
