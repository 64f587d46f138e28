"""The audit trail of a tax_exemption record is read only by officers of the agency owning it:
for an officer of another agency the record, and so its trail, does not exist (404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tax_exemption.app import MANIFEST
from tax_exemption.models import platform_tables
from tests.audit_trails import assert_trail_hidden
from tests.tax_exemption.conftest import BROKER, FIRM_A, filing_body
from tests.tax_exemption.stored import declaration

APPROVE_ALL = {"items": [{"item_no": n, "approved_quantity": "1"} for n in (1, 2, 3)]}
VALIDITY = {"valid_from": "2025-01-01", "valid_until": "2025-12-31"}
PREFERENCES = {"channels": ["email"], "email": "tax@example.com.tw"}
# A record of each type that is certainly not stored: its 404 is what a foreign officer must see.
ABSENT = {
    "filing": "999999",
    "certificate": "IDA1139999999",
    "mandate": "999999",
    "notification_preference": "12345675",
    "declaration_batch": "999999",
    "declaration_line": "999999",
}


async def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201, 202), response.text
    body: dict[str, Any] = response.json()
    return body


async def _one_of_each(
    client: httpx.AsyncClient, firm_a: dict[str, str], officer: dict[str, str]
) -> dict[str, str]:
    """A record of every audited type, all owned by this deployment's agency (IDA)."""
    filing_id = (await _ok(await client.post("/filings", json=filing_body(), headers=firm_a)))["id"]
    for headers, path, body in [
        (firm_a, "submit", None),
        (officer, "review", None),
        (officer, "decision", APPROVE_ALL),
        (officer, "certificate", VALIDITY),
    ]:
        issued = await _ok(
            await client.post(f"/filings/{filing_id}/{path}", json=body, headers=headers)
        )
    mandate = await _ok(
        await client.post("/mandates", json={"agent_business_id": BROKER}, headers=firm_a)
    )
    await _ok(await client.put("/notifications/preferences", json=PREFERENCES, headers=firm_a))
    batch = {"lines": [declaration(1, FIRM_A)]}
    batch_id = (await _ok(await client.post("/declarations/batches", json=batch, headers=officer)))[
        "id"
    ]
    lines = await _ok(await client.get(f"/declarations/batches/{batch_id}/lines", headers=officer))
    return {
        "filing": str(filing_id),
        "certificate": issued["certificate_no"],
        "mandate": str(mandate["id"]),
        "notification_preference": FIRM_A,
        "declaration_batch": str(batch_id),
        "declaration_line": str(lines["items"][0]["id"]),
    }


async def _trail_reads(engine: AsyncEngine) -> list[tuple[str, str, str]]:
    audit = platform_tables.audit_event.c
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(audit.actor, audit.record_type, audit.record_id)
            .where(audit.action == "audit.trail.read")
            .order_by(audit.id)
        )
        return [(row.actor, row.record_type, row.record_id) for row in rows]


async def test_another_agency_reads_no_trail_of_ours(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    officer: dict[str, str],
    foreign_officer: dict[str, str],
    db_engine: AsyncEngine,
) -> None:
    records = await _one_of_each(client, firm_a, officer)
    for record_type, record_id in records.items():
        await assert_trail_hidden(
            client, foreign_officer, record_type, record_id, ABSENT[record_type]
        )
    assert await _trail_reads(db_engine) == []

    for record_type, record_id in records.items():
        own = await client.get(f"/audit/trail/{record_type}/{record_id}", headers=officer)
        assert own.status_code == 200, (record_type, own.text)
        # Every record but the line (audited once reviewed) has events to show.
        assert bool(own.json()["items"]) is (record_type != "declaration_line"), record_type
    filing_trail = await client.get(f"/audit/trail/filing/{records['filing']}", headers=officer)
    actions = [event["action"] for event in filing_trail.json()["items"]]
    assert actions[-1] == "filing.create" and "filing.issue" in actions
    assert [reader for reader, _, _ in await _trail_reads(db_engine)] == ["officer-lin"] * 7


async def test_records_that_are_not_ours_or_not_cases_have_no_trail_to_read(
    client: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    for path in [
        "/audit/trail/filing/999999",  # no such filing
        "/audit/trail/filing/not-a-number",
        "/audit/trail/certificate/IDA1139999999",
        "/audit/trail/audit_event/1",  # a type this service keeps no records of
    ]:
        response = await client.get(path, headers=officer)
        assert response.status_code == 404, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert await _trail_reads(db_engine) == []


async def test_a_firm_reads_no_trail_not_even_of_its_own_filing(
    client: httpx.AsyncClient, firm_a: dict[str, str], db_engine: AsyncEngine
) -> None:
    filing_id = (await _ok(await client.post("/filings", json=filing_body(), headers=firm_a)))["id"]
    response = await client.get(f"/audit/trail/filing/{filing_id}", headers=firm_a)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert await _trail_reads(db_engine) == []


async def test_each_agency_reads_the_trail_of_its_own_lines_only(
    client: httpx.AsyncClient,
    officer: dict[str, str],
    foreign_officer: dict[str, str],
    service_client_factory: Callable[..., Any],
    db_engine: AsyncEngine,
) -> None:
    # A batch that came in through a deployment whose deciding agency is BSMI, same schema.
    async with service_client_factory(MANIFEST, agency="BSMI") as bsmi:
        theirs = await bsmi.post(
            "/declarations/batches",
            json={"lines": [declaration(1, FIRM_A)]},
            headers=foreign_officer,
        )
    trail = f"/audit/trail/declaration_batch/{(await _ok(theirs))['id']}"
    assert (await client.get(trail, headers=officer)).status_code == 404
    read = await client.get(trail, headers=foreign_officer)
    assert read.status_code == 200, read.text
    assert [event["action"] for event in read.json()["items"]] == ["declaration_batch.ingest"]
    assert [reader for reader, _, _ in await _trail_reads(db_engine)] == ["officer-chen"]
