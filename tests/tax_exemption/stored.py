"""Test data written straight into the tax_exemption schema (certificates to match against)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tax_exemption.models import (
    certificate,
    certificate_item,
    declaration_batch,
    declaration_line,
    filing,
    ledger_entry,
)

CERTIFICATE_NO = "IDA1130000001"


async def seed_certificate(
    engine: AsyncEngine,
    business_id: str,
    *,
    number: str = CERTIFICATE_NO,
    balance: Decimal = Decimal(10),
    items: int = 1,
) -> list[int]:
    """An issued, active certificate of ``business_id`` with ``items`` machining centres."""
    async with engine.begin() as connection:
        filing_id = await connection.scalar(
            insert(filing)
            .values(
                kind="duty_exemption",
                business_id=business_id,
                agency="IDA",
                status="issued",
                channel="online",
                electronic=True,
                purpose="test",
                created_by="seed",
            )
            .returning(filing.c.id)
        )
        certificate_id = await connection.scalar(
            insert(certificate)
            .values(
                certificate_no=number,
                filing_id=filing_id,
                business_id=business_id,
                kind="duty_exemption",
                valid_from=date(2024, 1, 1),
                valid_until=date(2024, 12, 31),
                status="active",
                issued_by="seed",
            )
            .returning(certificate.c.id)
        )
        ids = []
        for n in range(1, items + 1):
            ids.append(
                await connection.scalar(
                    insert(certificate_item)
                    .values(
                        certificate_id=certificate_id,
                        item_no=n,
                        ccc_code="84571010003",
                        description=f"立式綜合加工機 VERTICAL MACHINING CENTER {n}",
                        model=f"VF-{n}SS",
                        spec="",
                        unit="SET",
                        approved_quantity=balance,
                        balance=balance,
                    )
                    .returning(certificate_item.c.id)
                )
            )
        return ids


async def balance_and_ledger(engine: AsyncEngine, item_id: int) -> tuple[Decimal, Decimal, Decimal]:
    """(approved, balance, sum of ledger entries) of one item."""
    async with engine.connect() as connection:
        approved, balance = (
            await connection.execute(
                select(certificate_item.c.approved_quantity, certificate_item.c.balance).where(
                    certificate_item.c.id == item_id
                )
            )
        ).one()
        drawn = await connection.scalar(
            select(func.coalesce(func.sum(ledger_entry.c.quantity), 0)).where(
                ledger_entry.c.certificate_item_id == item_id
            )
        )
    return approved, balance, Decimal(drawn or 0)


def declaration(n: int, business_id: str, **changes: Any) -> dict[str, Any]:
    line = {
        "declaration_no": f"AW13{n:06d}",
        "item_no": 1,
        "importer_ban": business_id,
        "ccc_code": "84571010003",
        "description": "立式綜合加工機 VERTICAL MACHINING CENTER 1",
        "goods_model": "VF-1SS",
        "goods_spec": "",
        "quantity": "2",
        "doc_unit": "SET",
        "origin_country": "US",
        "cited_certificate_no": CERTIFICATE_NO,
        "cited_item_no": 1,
        "declaration_date": "2024-06-01",
    }
    return {**line, **changes}


async def stored_batch(engine: AsyncEngine, business_id: str, first: int, count: int) -> int:
    """A received batch of ``count`` one-set lines of the firm citing item 1 (stored as
    ingestion would)."""
    async with engine.begin() as connection:
        batch_id = await connection.scalar(
            insert(declaration_batch)
            .values(source="json", submitted_by="t", status="received", line_count=count)
            .returning(declaration_batch.c.id)
        )
        rows = [
            {
                **declaration(n, business_id, quantity=Decimal(1)),
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
