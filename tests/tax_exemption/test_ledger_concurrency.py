"""The balance ledger under concurrency, on real PostgreSQL: never below zero, sums exact."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tax_exemption.matching import ledger
from tax_exemption.matching.service import match_stored_batch
from tax_exemption.models import declaration_batch, declaration_line
from tests.tax_exemption.conftest import FIRM_A
from tests.tax_exemption.stored import balance_and_ledger, declaration, seed_certificate

pytestmark = pytest.mark.usefixtures("clean_backends")


async def _draw_one(engine: AsyncEngine, item_id: int) -> bool:
    async with AsyncSession(engine) as session, session.begin():
        return await ledger.draw(session, ledger.Draw(item_id, None, Decimal(1))) is not None


async def test_fifty_concurrent_drawdowns_never_overdraw(db_engine: AsyncEngine) -> None:
    [item_id] = await seed_certificate(db_engine, FIRM_A, balance=Decimal(30))

    results = await asyncio.gather(*(_draw_one(db_engine, item_id) for _ in range(50)))

    assert Counter(results) == {True: 30, False: 20}
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(30), Decimal(0), Decimal(30))


async def _stored_batch(engine: AsyncEngine, first: int, count: int) -> int:
    """A received batch of ``count`` one-set lines citing item 1 (stored as ingestion would)."""
    async with engine.begin() as connection:
        batch_id = await connection.scalar(
            insert(declaration_batch)
            .values(source="json", submitted_by="t", status="received", line_count=count)
            .returning(declaration_batch.c.id)
        )
        rows = [
            {
                **declaration(n, FIRM_A, quantity=Decimal(1)),
                "declaration_date": date(2024, 6, 1),
                "batch_id": batch_id,
                "version": 1,
                "is_current": True,
                "kind": "original",
                "content_hash": n.to_bytes(32, "big"),
            }
            for n in range(first, first + count)
        ]
        await connection.execute(insert(declaration_line), rows)
    assert batch_id is not None
    return int(batch_id)


async def _match(engine: AsyncEngine, batch_id: int) -> Counter[str]:
    async with AsyncSession(engine) as session, session.begin():
        return await match_stored_batch(session, batch_id)


async def test_concurrent_batches_share_one_item_without_overdrawing(
    db_engine: AsyncEngine,
) -> None:
    [item_id] = await seed_certificate(db_engine, FIRM_A, balance=Decimal(30))
    batches = [await _stored_batch(db_engine, 100 * b, 5) for b in range(10)]

    outcomes = await asyncio.gather(*(_match(db_engine, b) for b in batches))

    total = sum(outcomes, Counter())
    assert total["auto_matched"] == 30 and sum(total.values()) == 50
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(30), Decimal(0), Decimal(30))
    # A re-run of a matched batch (a retried job) changes nothing.
    assert await _match(db_engine, batches[0]) == Counter()
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(30), Decimal(0), Decimal(30))
