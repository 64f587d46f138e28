"""The ledger's references hold: what a drawdown points at cannot be deleted under it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tax_exemption.matching import ledger
from tax_exemption.models import certificate_item
from tests.tax_exemption.conftest import FIRM_A
from tests.tax_exemption.stored import balance_and_ledger, seed_certificate

pytestmark = pytest.mark.usefixtures("clean_backends")


async def test_a_drawn_item_cannot_be_deleted(db_engine: AsyncEngine) -> None:
    [item_id] = await seed_certificate(db_engine, FIRM_A, balance=Decimal(10))
    async with AsyncSession(db_engine) as session, session.begin():
        assert await ledger.draw(session, ledger.Draw(item_id, None, Decimal(4))) == Decimal(6)

    with pytest.raises(DBAPIError, match="violates foreign key constraint") as refused:
        async with db_engine.begin() as connection:
            await connection.execute(delete(certificate_item))

    assert getattr(refused.value.orig, "sqlstate", None) == "23503"
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(6), Decimal(4))
