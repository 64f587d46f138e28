"""A firm sees only its own: refund standards, notifications and the pre-declaration check reveal
nothing of another firm's cases, and officers of another agency find none of them."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tax_exemption.models import filing, platform_tables
from tests.tax_exemption.conftest import FIRM_A, FIRM_B, filing_body
from tests.tax_exemption.stored import CERTIFICATE_NO, declaration, seed_certificate
from tests.tax_exemption.worker import run_worker_once

PRODUCT = {
    "ccc_code": "8471.30.00.00-1",
    "description": "筆記型電腦 NOTEBOOK COMPUTER",
    "unit": "PCE",
    "materials": [
        {
            "ccc_code": "8542.31.00.00-3",
            "description": "中央處理器 CPU",
            "usage_per_unit": "1",
            "usage_unit": "PCE",
        }
    ],
}
HOOK_URL = "https://hooks.firm-a.example/moea"
HOOK = {
    "channels": ["webhook"],
    "webhook_url": HOOK_URL,
    "webhook_secret": "webhook-secret-of-firm-a",
}
REFUND_STANDARD = filing_body(kind="refund_standard", items=[], refund_products=[PRODUCT])


async def _stored_filing(engine: AsyncEngine, filing_id: int) -> tuple[Any, ...]:
    f = filing.c
    async with engine.connect() as connection:
        row = await connection.execute(
            select(f.status, f.version, f.decision_reason).where(f.id == filing_id)
        )
        return tuple(row.one())


async def test_a_refund_standard_is_decided_whole_and_seen_only_by_its_firm_and_agency(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    firm_b: dict[str, str],
    officer: dict[str, str],
    foreign_officer: dict[str, str],
    db_engine: AsyncEngine,
) -> None:
    created = await client.post("/filings", json=REFUND_STANDARD, headers=firm_a)
    assert created.status_code == 201, created.text
    filing_id = created.json()["id"]
    await client.post(f"/filings/{filing_id}/submit", headers=firm_a)
    await client.post(f"/filings/{filing_id}/review", headers=officer)
    before = await _stored_filing(db_engine, filing_id)

    by_item = {"items": [{"item_no": 1, "approved_quantity": "1"}]}
    refused = await client.post(f"/filings/{filing_id}/decision", json=by_item, headers=officer)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert await _stored_filing(db_engine, filing_id) == before

    for headers in (firm_b, foreign_officer):
        assert (await client.get(f"/filings/{filing_id}", headers=headers)).status_code == 404
        assert (await client.get("/filings", headers=headers)).json()["items"] == []
    stolen = await client.post(
        f"/filings/{filing_id}/decision", json={"approve": True}, headers=foreign_officer
    )
    assert stolen.status_code == 404
    assert await _stored_filing(db_engine, filing_id) == before

    whole = {"approve": True, "reason": "核退標準核定"}
    decided = await client.post(f"/filings/{filing_id}/decision", json=whole, headers=officer)
    assert decided.status_code == 200, decided.text
    assert (decided.json()["status"], decided.json()["decision_reason"]) == (
        "approved",
        "核退標準核定",
    )
    assert decided.json()["refund_products"][0]["materials"][0]["usage_unit"] == "PCE"


async def test_the_precheck_reveals_nothing_of_another_firms_certificate(
    client: httpx.AsyncClient, firm_b: dict[str, str], db_engine: AsyncEngine
) -> None:
    await seed_certificate(db_engine, FIRM_A, items=2)  # firm A's, with a balance of 10
    citing_theirs = declaration(1, FIRM_B)
    citing_none = declaration(1, FIRM_B, cited_certificate_no="IDA1139999999")
    theirs = await client.post(
        "/declarations/check", json={"lines": [citing_theirs]}, headers=firm_b
    )
    nothing = await client.post(
        "/declarations/check", json={"lines": [citing_none]}, headers=firm_b
    )
    assert theirs.status_code == 200, theirs.text
    verdict = theirs.json()["lines"][0]
    assert verdict["outcome"] != "auto_matched"
    assert (verdict["item"], verdict["balance_left"], verdict["candidates"]) == (None, None, [])
    assert CERTIFICATE_NO not in theirs.text and FIRM_A not in theirs.text
    # Word for word what a certificate that does not exist gets.
    assert theirs.json() == nothing.json()


async def test_notices_and_channels_are_the_firms_own(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    firm_b: dict[str, str],
    officer: dict[str, str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
) -> None:
    assert (
        await client.put("/notifications/preferences", json=HOOK, headers=firm_a)
    ).status_code == 200
    filing_id = (await client.post("/filings", json=filing_body(), headers=firm_a)).json()["id"]
    await client.post(f"/filings/{filing_id}/submit", headers=firm_a)
    delivered = httpx.MockTransport(lambda request: httpx.Response(200))
    await run_worker_once(db_engine, redis_url, settings_overrides, http_transport=delivered)
    assert [
        n["filing_id"] for n in (await client.get("/notifications", headers=firm_a)).json()
    ] == [filing_id]

    theirs = await client.get("/notifications/preferences", headers=firm_b)
    assert theirs.status_code == 404 and HOOK_URL not in theirs.text
    assert (await client.get("/notifications", headers=firm_b)).json() == []
    for path in ("/notifications", "/notifications/preferences"):
        assert (await client.get(path, headers=officer)).status_code == 403
    audit = platform_tables.audit_event.c
    async with db_engine.connect() as connection:
        reads = await connection.scalar(
            select(func.count()).where(audit.action == "notification_preference.read")
        )
    assert reads == 0
