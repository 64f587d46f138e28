"""Filings end to end on real PostgreSQL: the workflow, its audit trail and notices, and who
sees what (issue #4, first 'done when')."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tax_exemption.models import filing, platform_tables
from tests.tax_exemption.conftest import FIRM_A, filing_body

audit_event = platform_tables.audit_event
outbox = platform_tables.outbox


async def _audit_actions(engine: AsyncEngine, record_type: str, record_id: str) -> list[str]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(audit_event.c.action)
            .where(audit_event.c.record_type == record_type, audit_event.c.record_id == record_id)
            .order_by(audit_event.c.id)
        )
        return [row.action for row in rows]


async def _notices(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(outbox.c.payload).where(outbox.c.topic == "case.progress").order_by(outbox.c.id)
        )
        return [row.payload for row in rows]


async def _create(client: httpx.AsyncClient, headers: dict[str, str], **changes: Any) -> Any:
    response = await client.post("/filings", json=filing_body(**changes), headers=headers)
    assert response.status_code == 201, response.text
    return response


async def test_file_supplement_answer_partial_approval_and_certificate(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    firm_b: dict[str, str],
    officer: dict[str, str],
    db_engine: AsyncEngine,
) -> None:
    created = await _create(client, {**firm_a, "Idempotency-Key": "filing-1"})
    filing_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert created.headers["location"].endswith(f"/filings/{filing_id}")
    # A retry with the same key replays the first answer: still one filing.
    retry = await client.post(
        "/filings", json=filing_body(), headers={**firm_a, "Idempotency-Key": "filing-1"}
    )
    assert retry.json()["id"] == filing_id and retry.headers["idempotent-replayed"] == "true"

    etag = created.headers["etag"]
    submitted = await client.post(
        f"/filings/{filing_id}/submit", headers={**firm_a, "If-Match": etag}
    )
    assert submitted.json()["status"] == "submitted"
    steps = [
        (officer, "review", None, "under_review"),
        (
            officer,
            "supplement-requests",
            {"message": "請補附型錄第 2 項規格"},
            "supplement_requested",
        ),
        (firm_a, "supplement-answers", {"message": "已補附規格表"}, "under_review"),
    ]
    for headers, path, body, status in steps:
        response = await client.post(f"/filings/{filing_id}/{path}", json=body, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status

    decision = {
        "items": [
            {"item_no": 1, "approved_quantity": "4"},
            {"item_no": 2, "rejection_reason": "國內已有產製"},
            {"item_no": 3, "approved_quantity": "10"},
        ],
        "reason": "部分核准",
    }
    decided = await client.post(f"/filings/{filing_id}/decision", json=decision, headers=officer)
    assert decided.json()["status"] == "approved"
    assert [i["decision"] for i in decided.json()["items"]] == ["approved", "rejected", "approved"]

    issued = await client.post(
        f"/filings/{filing_id}/certificate",
        json={"valid_from": "2025-01-01", "valid_until": "2025-12-31"},
        headers=officer,
    )
    assert issued.status_code == 201, issued.text
    certificate = issued.json()
    number = certificate["certificate_no"]
    balances = [(i["item_no"], i["approved_quantity"], i["balance"]) for i in certificate["items"]]
    assert balances == [(1, "4.000", "4.000"), (3, "10.000", "10.000")]

    final = (await client.get(f"/filings/{filing_id}", headers=firm_a)).json()
    assert final["status"] == "issued" and final["certificate_no"] == number
    assert final["supplements"][0]["answer"] == "已補附規格表"
    assert final["contact"]["name"] == "王小明"

    transitions = [
        "filing.submit",
        "filing.start_review",
        "filing.request_supplement",
        "filing.answer_supplement",
        "filing.approve",
        "filing.issue",
    ]
    actions = await _audit_actions(db_engine, "filing", str(filing_id))
    assert [a for a in actions if a in transitions] == transitions
    assert actions[0] == "filing.create"
    assert await _audit_actions(db_engine, "certificate", number) == ["certificate.issue"]
    notices = await _notices(db_engine)
    assert [n["event"] for n in notices] == [t.removeprefix("filing.") for t in transitions]
    assert {n["business_id"] for n in notices} == {FIRM_A}
    assert notices[-1]["certificate_no"] == number

    # Another firm's token sees none of it.
    assert (await client.get(f"/filings/{filing_id}", headers=firm_b)).status_code == 404
    assert (await client.get(f"/certificates/{number}", headers=firm_b)).status_code == 404
    assert (await client.get("/filings", headers=firm_b)).json()["items"] == []
    answer = await client.post(
        f"/filings/{filing_id}/supplement-answers", json={"message": "x"}, headers=firm_b
    )
    assert answer.status_code == 404
    listed = (await client.get("/filings", headers=firm_a)).json()["items"]
    assert [f["id"] for f in listed] == [filing_id]


async def test_steps_out_of_order_get_409_and_change_nothing(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    officer: dict[str, str],
    db_engine: AsyncEngine,
) -> None:
    filing_id = (await _create(client, firm_a)).json()["id"]
    # An officer cannot review a draft, nor decide it; a firm cannot answer an unasked question.
    for headers, path, body in [
        (officer, "review", None),
        (officer, "decision", {"items": [{"item_no": 1, "approved_quantity": "1"}]}),
        (firm_a, "supplement-answers", {"message": "?"}),
    ]:
        response = await client.post(f"/filings/{filing_id}/{path}", json=body, headers=headers)
        assert response.status_code == 409, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    after = (await client.get(f"/filings/{filing_id}", headers=firm_a)).json()
    assert (after["status"], after["version"]) == ("draft", 2)  # creation stored the contact
    assert await _notices(db_engine) == []


async def test_draft_edits_need_the_current_etag(
    client: httpx.AsyncClient, firm_a: dict[str, str]
) -> None:
    created = await _create(client, firm_a)
    filing_id, etag = created.json()["id"], created.headers["etag"]
    url = f"/filings/{filing_id}"
    edited = filing_body(purpose="改為研發用途")

    missing = await client.put(url, json=edited, headers=firm_a)
    stale = await client.put(url, json=edited, headers={**firm_a, "If-Match": '"filing-1-v0"'})
    assert (missing.status_code, stale.status_code) == (428, 412)
    assert (await client.get(url, headers=firm_a)).json()["purpose"] == "擴充產線"

    saved = await client.put(url, json=edited, headers={**firm_a, "If-Match": etag})
    assert saved.status_code == 200 and saved.json()["purpose"] == "改為研發用途"
    assert saved.headers["etag"] != etag
    again = await client.put(url, json=edited, headers={**firm_a, "If-Match": etag})
    assert again.status_code == 412


async def test_bad_filings_are_refused_and_store_nothing(
    client: httpx.AsyncClient, firm_a: dict[str, str], db_engine: AsyncEngine
) -> None:
    bad_bodies = [
        filing_body(items=[{**filing_body()["items"][0], "ccc_code": "8457101000"}]),
        filing_body(items=[{**filing_body()["items"][0], "quantity": "1e15"}]),
        filing_body(items=[{**filing_body()["items"][0], "unit": "BOGUS"}]),
        filing_body(business_id="12345678"),  # fails the mod-5 checksum
        filing_body(items=[]),
    ]
    for body in bad_bodies:
        response = await client.post("/filings", json=body, headers=firm_a)
        assert response.status_code == 422, response.text
        assert response.json()["errors"]
    async with db_engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(filing)) == 0


async def test_agents_act_only_with_a_live_mandate(
    client: httpx.AsyncClient, firm_a: dict[str, str], broker: dict[str, str]
) -> None:
    refused = await client.post("/filings", json=filing_body(business_id=FIRM_A), headers=broker)
    assert refused.status_code == 403

    granted = await client.post("/mandates", json={"agent_business_id": "88117125"}, headers=firm_a)
    assert granted.status_code == 201
    filed = await _create(client, broker, business_id=FIRM_A)
    assert filed.json()["agent_business_id"] == "88117125"
    # The firm sees what its agent filed.
    assert (await client.get(f"/filings/{filed.json()['id']}", headers=firm_a)).status_code == 200

    revoked = await client.delete(f"/mandates/{granted.json()['id']}", headers=firm_a)
    assert revoked.status_code == 200
    gone = await client.get(f"/filings/{filed.json()['id']}", headers=broker)
    assert gone.status_code == 404


async def test_contact_person_is_encrypted_at_rest(
    client: httpx.AsyncClient, firm_a: dict[str, str], db_engine: AsyncEngine
) -> None:
    filing_id = (await _create(client, firm_a)).json()["id"]
    async with db_engine.connect() as connection:
        dump = await connection.scalar(
            text("SELECT row_to_json(f)::text FROM tax_exemption.filing f WHERE id = :id"),
            {"id": filing_id},
        )
    assert dump is not None
    for plaintext in ("王小明", "2345-6789", "wang@example.com.tw"):
        assert plaintext not in dump
