"""The audit trail of an investment record is read by officers of IDA, the agency owning this
deployment's records, and by a county surveyor only for a return or export of his county: for
anyone else the record, and so its trail, does not exist (404), as for a missing record."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.audit_trails import assert_trail_hidden, trail_reads
from tests.investment.conftest import bearer
from tests.investment.test_filing_api import KEELUNG, KINMEN, last_year_filer, open_invitation

PROBLEM = "application/problem+json"
# A record of each audited type that certainly is not stored: what an outsider must see.
ABSENT = {
    "survey_return": "999999999",
    "survey_export": "999999999",
    "campaign": "2099",
    "registry_import": "999999999",
}


async def _one_of_each(
    client: httpx.AsyncClient, engine: AsyncEngine, token: Any
) -> dict[str, str]:
    """A Keelung return and export, this year's campaign and the registry's import run."""
    factory = await last_year_filer(engine)
    await open_invitation(client, token, factory["registration_number"])
    surveyor = bearer(token("surveyor", county=KEELUNG))
    export = await client.post("/campaigns/2026/exports", json={}, headers=surveyor)
    assert export.status_code == 202, export.text
    async with engine.connect() as connection:
        run = await connection.scalar(text("SELECT max(id) FROM investment.registry_import"))
    return {
        "survey_return": str(factory["id"]),
        "survey_export": str(export.json()["id"]),
        "campaign": "2026",
        "registry_import": str(run),
    }


async def test_officers_of_another_agency_read_no_trail_of_ours(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    records = await _one_of_each(client, db_engine, token)
    foreign = bearer(token("officer", agency="BSMI", subject="officer-bsmi"))
    for record_type, record_id in records.items():
        await assert_trail_hidden(client, foreign, record_type, record_id, ABSENT[record_type])
    assert await trail_reads(db_engine, "investment") == []

    officer = bearer(token("officer", agency="IDA", subject="officer-ida"))
    for record_type, record_id in records.items():
        own = await client.get(f"/audit/trail/{record_type}/{record_id}", headers=officer)
        assert own.status_code == 200, (record_type, own.text)
    trail = await client.get(f"/audit/trail/campaign/{records['campaign']}", headers=officer)
    # Newest first, and the officer's own first read of the campaign's trail is in it.
    actions = [event["action"] for event in trail.json()["items"]]
    assert actions == ["audit.trail.read", "invitation.issue"]
    reads = [("officer-ida", kind) for kind in records]
    assert await trail_reads(db_engine, "investment") == [*reads, ("officer-ida", "campaign")]


async def test_a_surveyor_reads_the_trails_of_his_countys_returns_and_exports_only(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    records = await _one_of_each(client, db_engine, token)
    kinmen = bearer(token("surveyor", county=KINMEN, subject="surveyor-kinmen"))
    keelung = bearer(token("surveyor", county=KEELUNG, subject="surveyor-keelung"))
    for record_type, record_id in records.items():
        await assert_trail_hidden(client, kinmen, record_type, record_id, ABSENT[record_type])
    # Campaigns and registry imports are national: no county's surveyor reads their trails.
    for record_type in ("campaign", "registry_import"):
        await assert_trail_hidden(
            client, keelung, record_type, records[record_type], ABSENT[record_type]
        )
    assert await trail_reads(db_engine, "investment") == []

    trail = f"/audit/trail/survey_return/{records['survey_return']}"
    read = await client.get(trail, headers=keelung)
    assert read.status_code == 200, read.text
    assert [event["action"] for event in read.json()["items"]] == ["invitation.redeem"]
    export = f"/audit/trail/survey_export/{records['survey_export']}"
    read = await client.get(export, headers=keelung)
    assert [event["action"] for event in read.json()["items"]] == ["export.request"]
    assert await trail_reads(db_engine, "investment") == [
        ("surveyor-keelung", "survey_return"),
        ("surveyor-keelung", "survey_export"),
    ]


async def test_unknown_types_and_records_have_no_trail_to_read(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    officer = bearer(token("officer", agency="IDA"))
    for path in [
        "/audit/trail/survey_return/999999999",  # no such return
        "/audit/trail/survey_return/not-a-number",
        "/audit/trail/survey_return/99999999999999999999",  # past bigint
        "/audit/trail/campaign/40000",  # past the year's smallint
        "/audit/trail/campaign/0",
        "/audit/trail/filing/1",  # a type this service keeps no records of
    ]:
        response = await client.get(path, headers=officer)
        assert response.status_code == 404, (path, response.text)
        assert response.headers["content-type"] == PROBLEM
    firm = bearer(token("firm", business_id="04595257"))
    refused = await client.get("/audit/trail/campaign/2026", headers=firm)
    assert refused.status_code == 403
    assert await trail_reads(db_engine, "investment") == []
