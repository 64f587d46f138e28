"""The pre-declaration check and the officers' review queue, on real PostgreSQL and Redis."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tax_exemption.models import platform_tables
from tests.tax_exemption.conftest import FIRM_A
from tests.tax_exemption.stored import (
    CERTIFICATE_NO,
    balance_and_ledger,
    declaration,
    seed_certificate,
)
from tests.tax_exemption.worker import run_worker_once

UNSURE = {"goods_model": "VF-1S", "cited_certificate_no": None, "cited_item_no": None}


async def test_precheck_explains_each_line_and_stores_nothing(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    firm_b: dict[str, str],
    db_engine: AsyncEngine,
) -> None:
    item_ids = await seed_certificate(db_engine, FIRM_A, items=2)
    lines = [
        declaration(1, FIRM_A, quantity="2"),
        declaration(2, FIRM_A, **UNSURE),
        declaration(3, FIRM_A, quantity="50"),
    ]
    response = await client.post("/declarations/check", json={"lines": lines}, headers=firm_a)
    assert response.status_code == 200, response.text
    clean, unsure, too_much = response.json()["lines"]

    assert clean["outcome"] == "auto_matched" and clean["problems"] == []
    assert clean["item"] == {"certificate_no": CERTIFICATE_NO, "item_no": 1}
    assert Decimal(clean["balance_left"]) == 8
    assert unsure["outcome"] == "needs_review"
    assert [c["item_no"] for c in unsure["candidates"]] == [1, 2]
    assert too_much["outcome"] == "refused"
    assert any("超過核准餘額" in problem for problem in too_much["problems"])
    for item_id in item_ids:
        assert await balance_and_ledger(db_engine, item_id) == (
            Decimal(10),
            Decimal(10),
            Decimal(0),
        )

    refused = await client.post("/declarations/check", json={"lines": lines}, headers=firm_b)
    assert refused.status_code == 403


async def _review_queue(
    client: httpx.AsyncClient,
    officer: dict[str, str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
) -> list[dict[str, Any]]:
    batch = {"lines": [declaration(n, FIRM_A, **UNSURE) for n in (1, 2)]}
    assert (
        await client.post("/declarations/batches", json=batch, headers=officer)
    ).status_code == 202
    await run_worker_once(db_engine, redis_url, settings_overrides)
    pending: list[dict[str, Any]] = (await client.get("/reviews", headers=officer)).json()["items"]
    return pending


async def _audit_actions(engine: AsyncEngine, record_id: str) -> list[str]:
    audit = platform_tables.audit_event
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(audit.c.action).where(
                audit.c.record_type == "declaration_line", audit.c.record_id == record_id
            )
        )
        return [row.action for row in rows]


async def test_officer_picks_another_candidate_or_refuses(
    client: httpx.AsyncClient,
    officer: dict[str, str],
    firm_a: dict[str, str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
) -> None:
    item_one, item_two = await seed_certificate(db_engine, FIRM_A, items=2)
    first, second = await _review_queue(client, officer, db_engine, redis_url, settings_overrides)
    assert first["review_status"] == "pending" and first["explanation"]["rule"]
    assert (await client.get("/reviews", headers=firm_a)).status_code == 403

    pick = {"certificate_no": CERTIFICATE_NO, "item_no": 2}
    confirmed = await client.post(f"/reviews/{first['id']}/confirm", json=pick, headers=officer)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["review_status"] == "confirmed"
    assert await balance_and_ledger(db_engine, item_two) == (Decimal(10), Decimal(8), Decimal(2))
    assert await balance_and_ledger(db_engine, item_one) == (Decimal(10), Decimal(10), Decimal(0))
    again = await client.post(f"/reviews/{first['id']}/confirm", json=pick, headers=officer)
    assert again.status_code == 409

    not_a_candidate = {"certificate_no": "IDA1130000099", "item_no": 1}
    bad = await client.post(
        f"/reviews/{second['id']}/confirm", json=not_a_candidate, headers=officer
    )
    assert bad.status_code == 422
    refused = await client.post(
        f"/reviews/{second['id']}/refuse", json={"reason": "型號不符"}, headers=officer
    )
    assert refused.json()["review_status"] == "refused"
    assert (await client.get("/reviews", headers=officer)).json()["items"] == []
    assert await _audit_actions(db_engine, str(first["id"])) == ["declaration_line.review_confirm"]
    assert await _audit_actions(db_engine, str(second["id"])) == ["declaration_line.review_refuse"]


async def test_kpis_come_from_live_data(
    client: httpx.AsyncClient,
    officer: dict[str, str],
    firm_a: dict[str, str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
) -> None:
    empty = (await client.get("/kpis", headers=officer)).json()
    assert (empty["filings"], empty["auto_match_rate"], empty["review_backlog"]) == (0, None, 0)
    await seed_certificate(db_engine, FIRM_A, items=2)  # an issued online filing
    batch = {"lines": [declaration(1, FIRM_A), declaration(2, FIRM_A, **UNSURE)]}
    await client.post("/declarations/batches", json=batch, headers=officer)
    await run_worker_once(db_engine, redis_url, settings_overrides)

    kpis = (await client.get("/kpis", headers=officer)).json()
    assert (kpis["filings"], kpis["share_online"], kpis["share_electronic"]) == (1, 1.0, 1.0)
    assert (kpis["lines_decided"], kpis["auto_match_rate"], kpis["review_backlog"]) == (2, 0.5, 1)
    assert (await client.get("/kpis", headers=firm_a)).status_code == 403
