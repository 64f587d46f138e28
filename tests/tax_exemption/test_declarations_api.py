"""Declaration batches on real PostgreSQL and Redis: idempotent ingestion, versions that
supersede and reverse drawdowns, matching by the worker, and uploads refused whole."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tax_exemption.models import declaration_batch, declaration_line
from tests.tax_exemption.conftest import FIRM_A
from tests.tax_exemption.stored import balance_and_ledger, declaration, seed_certificate
from tests.tax_exemption.worker import run_worker_once

HEADER = (
    "DECLNO,ITEM_NO,SHPR_BAN_ID,CCC_CODE,DESCRIPTION,GOODS_MODEL,QTY,DOC_UM,ORG_COUNTRY,"
    "CERT_NO,CERT_NO_ITEM,DECL_DATE"
)
CSV_LINE = (
    "AW13000009,1,04595257,8457.10.10.00-3,立式綜合加工機 VERTICAL MACHINING CENTER 1,"
    "VF-1SS,3,SET,US,IDA1130000001,1,113.06.01"
)


async def _counts(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as connection:
        batches = await connection.scalar(select(func.count()).select_from(declaration_batch))
        lines = await connection.scalar(select(func.count()).select_from(declaration_line))
    return batches or 0, lines or 0


async def _current(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(declaration_line)
            .where(declaration_line.c.is_current)
            .order_by(declaration_line.c.declaration_no)
        )
        return list(rows)


async def test_a_batch_ingested_twice_is_stored_and_drawn_once(
    client: httpx.AsyncClient,
    officer: dict[str, str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
) -> None:
    [item_id] = await seed_certificate(db_engine, FIRM_A)
    batch = {"lines": [declaration(n, FIRM_A) for n in (1, 2, 3)]}

    first = await client.post("/declarations/batches", json=batch, headers=officer)
    assert first.status_code == 202, first.text
    assert first.json()["counts"]["new"] == 3 and first.json()["status"] == "received"
    assert await run_worker_once(db_engine, redis_url, settings_overrides) == 1
    matched = await client.get(f"/declarations/batches/{first.json()['id']}", headers=officer)
    assert matched.json()["status"] == "matched"
    assert matched.json()["counts"]["auto_matched"] == 3

    second = await client.post("/declarations/batches", json=batch, headers=officer)
    assert second.json()["counts"] == {
        "new": 0,
        "duplicate": 3,
        "amended": 0,
        "cancelled": 0,
        "reversals": 0,
    }
    assert second.json()["status"] == "matched"
    assert await run_worker_once(db_engine, redis_url, settings_overrides) == 0

    assert await _counts(db_engine) == (2, 3)
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(4), Decimal(6))
    lines = await _current(db_engine)
    assert {line.outcome for line in lines} == {"auto_matched"}
    assert {line.matched_item_id for line in lines} == {item_id}


async def test_an_amendment_reverses_and_redoes_the_drawdown(
    client: httpx.AsyncClient,
    officer: dict[str, str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
) -> None:
    [item_id] = await seed_certificate(db_engine, FIRM_A)

    async def ingest(line: dict[str, Any]) -> dict[str, Any]:
        response = await client.post(
            "/declarations/batches", json={"lines": [line]}, headers=officer
        )
        assert response.status_code == 202, response.text
        await run_worker_once(db_engine, redis_url, settings_overrides)
        body: dict[str, Any] = response.json()
        return body

    await ingest(declaration(1, FIRM_A, quantity="2"))
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(8), Decimal(2))

    amended = await ingest(declaration(1, FIRM_A, quantity="5"))
    assert amended["counts"]["amended"] == 1 and amended["counts"]["reversals"] == 1
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(5), Decimal(5))
    [current] = await _current(db_engine)
    assert (current.version, current.kind, current.matched_quantity) == (2, "amendment", 5)

    cancelled = await ingest(declaration(1, FIRM_A, quantity="5", action="cancel"))
    assert cancelled["counts"]["cancelled"] == 1
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(10), Decimal(0))
    [current] = await _current(db_engine)
    assert (current.version, current.kind, current.outcome) == (3, "cancellation", None)
    assert await _counts(db_engine) == (3, 3)


async def test_a_csv_in_the_customs_layout_is_ingested(
    client: httpx.AsyncClient,
    officer: dict[str, str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
) -> None:
    [item_id] = await seed_certificate(db_engine, FIRM_A)
    body = f"{HEADER}\n{CSV_LINE}\n".encode()
    response = await client.post(
        "/declarations/batches/csv?filename=day1.csv",
        content=body,
        headers={**officer, "Content-Type": "text/csv"},
    )
    assert response.status_code == 202, response.text
    assert response.json()["filename"] == "day1.csv"
    await run_worker_once(db_engine, redis_url, settings_overrides)
    [line] = await _current(db_engine)
    assert str(line.declaration_date) == "2024-06-01"  # ROC 113.06.01
    assert (line.ccc_code, line.outcome) == ("84571010003", "auto_matched")
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(7), Decimal(3))


async def test_bad_uploads_are_refused_whole_and_change_nothing(
    client: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    csv_headers = {**officer, "Content-Type": "text/csv"}
    good = CSV_LINE
    uploads = {
        "wrong columns": f"DECLNO,ITEM,WHAT\n{good}\n",
        "bad CCC shape": f"{HEADER}\n{good.replace('8457.10.10.00-3', '8457.10')}\n",
        "absurd quantity": f"{HEADER}\n{good.replace(',3,SET', ',9e20,SET')}\n",
        "malformed CSV": f'{HEADER}\n"AW13000009,1,04595257\n',
        "field count": f"{HEADER}\n{good},EXTRA\n",
        "not UTF-8": None,
    }
    for name, text in uploads.items():
        content = b"\xff\xfe\x00bad" if text is None else text.encode()
        response = await client.post(
            "/declarations/batches/csv", content=content, headers=csv_headers
        )
        assert response.status_code == 422, (name, response.text)
        assert response.json()["errors"], name
    wrong_ban = good.replace("AW13000009", "AW13000010").replace("04595257", "12345678")
    mixed = f"{HEADER}\n{good}\n{wrong_ban}\n"
    response = await client.post(
        "/declarations/batches/csv", content=mixed.encode(), headers=csv_headers
    )
    assert response.status_code == 422
    assert [e["loc"][:2] for e in response.json()["errors"]] == [["line", 3]]

    oversize = (HEADER + "\n").encode() + b"x" * (50 * 1024 * 1024)
    too_big = await client.post("/declarations/batches/csv", content=oversize, headers=csv_headers)
    assert too_big.status_code == 413

    repeated = {"lines": [declaration(1, FIRM_A), declaration(1, FIRM_A)]}
    response = await client.post("/declarations/batches", json=repeated, headers=officer)
    assert response.status_code == 422
    assert await _counts(db_engine) == (0, 0)


async def test_only_officers_ingest(
    client: httpx.AsyncClient, firm_a: dict[str, str], db_engine: AsyncEngine
) -> None:
    batch = {"lines": [declaration(1, FIRM_A)]}
    assert (await client.post("/declarations/batches", json=batch)).status_code == 401
    assert (
        await client.post("/declarations/batches", json=batch, headers=firm_a)
    ).status_code == 403
    assert await _counts(db_engine) == (0, 0)
