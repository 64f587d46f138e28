"""Marks and certificates registry through the API: issue, officer actions, audit, PII."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.inspection.conftest import FIRM_A

CERTIFICATE = {
    "kind": "RC",
    "holder_business_id": FIRM_A,
    "holder_name": "大同電器股份有限公司",
    "contact_name": "王小明",
    "contact_phone": "02-2345-6789",
    "product_name": "電熱水瓶",
    "models": ["TH-100", "TH-200"],
    "standards": ["CNS 60335-1"],
    "valid_from": "2025-01-01",
    "valid_until": "2027-12-31",
}


async def count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text(f"SELECT count(*) FROM inspection.{table}")))


async def issue(api: httpx.AsyncClient, officer: dict[str, str], **changes: Any) -> dict[str, Any]:
    response = await api.post("/certificates", json={**CERTIFICATE, **changes}, headers=officer)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_issue_assigns_a_number_and_audits(
    api: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    body = await issue(api, officer)
    assert re.fullmatch(r"RC114[0-9]{6}", body["number"])  # ROC year 114 = 2025
    assert body["status"] == "valid"
    assert [event["action"] for event in body["history"]] == ["issue"]
    async with db_engine.connect() as connection:
        actions = (
            await connection.scalars(text("SELECT action FROM inspection.audit_event ORDER BY id"))
        ).all()
    assert actions == ["certificate.issue"]


async def test_contact_is_encrypted_at_rest_and_its_read_audited(
    api: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    number = (await issue(api, officer))["number"]
    async with db_engine.connect() as connection:
        stored = await connection.scalar(text("SELECT contact_name FROM inspection.certificate"))
    assert isinstance(stored, bytes)
    assert "王小明".encode() not in stored
    response = await api.get(f"/certificates/{number}/contact", headers=officer)
    assert response.json() == {"contact_name": "王小明", "contact_phone": "02-2345-6789"}
    async with db_engine.connect() as connection:
        read = await connection.scalar(
            text(
                "SELECT count(*) FROM inspection.audit_event "
                "WHERE action = 'certificate.contact.read'"
            )
        )
    assert read == 1


async def test_officer_actions_follow_the_status_rules(
    api: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    number = (await issue(api, officer))["number"]
    path = f"/certificates/{number}/actions"
    suspended = await api.post(
        f"{path}/suspend", json={"reason": "test report withdrawn"}, headers=officer
    )
    assert suspended.json()["status"] == "suspended"
    lifted = await api.post(f"{path}/lift_suspension", json={}, headers=officer)
    assert lifted.json()["status"] == "valid"
    revoked = await api.post(f"{path}/revoke", json={"reason": "fraud"}, headers=officer)
    assert revoked.json()["status"] == "revoked"
    events_before = await count(db_engine, "certificate_event")
    refused = await api.post(f"{path}/lift_suspension", json={}, headers=officer)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert await count(db_engine, "certificate_event") == events_before == 4


async def test_suspend_needs_a_reason_and_changes_nothing_without_one(
    api: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    number = (await issue(api, officer))["number"]
    audits = await count(db_engine, "audit_event")
    response = await api.post(f"/certificates/{number}/actions/suspend", json={}, headers=officer)
    assert response.status_code == 422
    assert await count(db_engine, "certificate_event") == 1
    assert await count(db_engine, "audit_event") == audits


async def test_only_officers_issue_and_firms_see_only_their_own(
    api: httpx.AsyncClient,
    officer: dict[str, str],
    firm_a: dict[str, str],
    firm_b: dict[str, str],
    db_engine: AsyncEngine,
) -> None:
    refused = await api.post("/certificates", json=CERTIFICATE, headers=firm_a)
    assert refused.status_code == 403
    assert await count(db_engine, "certificate") == 0
    number = (await issue(api, officer))["number"]
    assert (await api.get(f"/certificates/{number}", headers=firm_a)).status_code == 200
    assert (await api.get(f"/certificates/{number}", headers=firm_b)).status_code == 404


async def test_a_mark_must_be_assigned_to_the_holder_first(
    api: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    unknown = await api.post(
        "/certificates", json={**CERTIFICATE, "mark_id": "R33001"}, headers=officer
    )
    assert unknown.status_code == 422
    assert await count(db_engine, "certificate") == 0
    mark = {"mark_id": "r-33001", "holder_business_id": FIRM_A, "holder_name": "大同"}
    assigned = await api.post("/safety-marks", json=mark, headers=officer)
    assert assigned.json()["mark_id"] == "R33001"
    assert (await issue(api, officer, mark_id="R33001"))["mark_id"] == "R33001"
