"""A batch's drawdowns (``ledger.draw_many``): by item totals, in the session's transaction."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tax_exemption.matching import ledger
from tax_exemption.models import ledger_entry
from tests.tax_exemption.conftest import FIRM_A
from tests.tax_exemption.stored import balance_and_ledger, seed_certificate
from tests.thread_calls import ThreadCalls

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


async def test_entries_past_a_statement_s_page_are_all_written_in_order(
    db_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger, "ENTRIES_PER_STATEMENT", 2)
    threads = ThreadCalls(monkeypatch)
    threads.watch(ledger, "prepared_draws")
    first, second = await seed_certificate(db_engine, FIRM_A, balance=Decimal(10), items=2)
    draws = ledger.Drawdowns(
        item_ids=[first, second, first, first, second],
        line_ids=[None] * 5,
        quantities=[Decimal("1.5"), Decimal(2), Decimal(3), Decimal(1), Decimal(4)],
    )
    async with AsyncSession(db_engine) as session, session.begin():
        assert await ledger.draw_many(session, draws)

    assert threads.counts() == {"prepared_draws": 1}
    assert threads.on_thread(threading.current_thread()) == []  # the sums ran off the loop
    async with db_engine.connect() as connection:
        entries = (
            await connection.execute(
                select(ledger_entry.c.certificate_item_id, ledger_entry.c.quantity).order_by(
                    ledger_entry.c.id
                )
            )
        ).all()
    assert [tuple(entry) for entry in entries] == list(
        zip(draws.item_ids, draws.quantities, strict=True)
    )
    assert await balance_and_ledger(db_engine, first) == (
        Decimal(10),
        Decimal("4.5"),
        Decimal("5.5"),
    )
    assert await balance_and_ledger(db_engine, second) == (Decimal(10), Decimal(4), Decimal(6))
