"""The issue's scenario, end to end over HTTP on real PostgreSQL and Redis.

A factory opens its invitation, sees last year's answers, saves a draft in two tabs (the second
save gets 412), fixes the problems the server lists, submits twice with one Idempotency-Key and
gets one receipt; a surveyor of another county cannot see the return.
"""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from investment.returns.receipts import is_valid_receipt
from tests.investment.conftest import bearer

KEELUNG = "10017"
KINMEN = "09020"


async def last_year_filer(engine: AsyncEngine) -> dict[str, Any]:
    """A Keelung factory whose 2025 return was filed (so 2026 prefills from it)."""
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT r.id, r.registration_number, p.id AS previous_id, p.answers "
                    "FROM investment.survey_return r JOIN investment.survey_return p "
                    "ON p.registration_number = r.registration_number AND p.survey_year = 2025 "
                    "WHERE r.survey_year = 2026 AND r.county_code = :county "
                    "AND p.first_submitted_at IS NOT NULL ORDER BY r.id LIMIT 1"
                ),
                {"county": KEELUNG},
            )
        ).one()
    return dict(row._mapping)


async def stored(engine: AsyncEngine, return_id: int) -> dict[str, Any]:
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT status, version, answers, submission_count, receipt_number "
                    "FROM investment.survey_return WHERE id = :id"
                ),
                {"id": return_id},
            )
        ).one()
    return dict(row._mapping)


async def open_invitation(
    client: httpx.AsyncClient, token: Any, registration_number: str
) -> dict[str, Any]:
    officer = bearer(token("officer", agency="IDA"))
    issued = await client.post(
        "/campaigns/2026/invitations",
        json={"registration_numbers": [registration_number]},
        headers=officer,
    )
    assert issued.status_code == 201, issued.text
    [invitation] = issued.json()["invitations"]
    redeemed = await client.post("/invitations/redeem", json={"code": invitation["code"]})
    assert redeemed.status_code == 200, redeemed.text
    again = await client.post("/invitations/redeem", json={"code": invitation["code"]})
    assert again.status_code == 404  # single use
    return {"code": invitation["code"], **redeemed.json()}


def fixed_answers(view: dict[str, Any], last_year: dict[str, Any]) -> dict[str, Any]:
    """The prefilled answers plus this year's figures (last year's again): a sound return."""
    answers = dict(view["answers"])
    answers.update(operating_status="operating", months_operated=12, registry_changed=False)
    answers.update(
        revenue_total=last_year["revenue_total"], electricity_kwh=last_year["electricity_kwh"]
    )
    return answers


async def test_a_factory_files_its_return(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    factory = await last_year_filer(db_engine)
    session = await open_invitation(client, token, factory["registration_number"])
    filing = {"Filing-Token": session["filing_token"]}
    assert session["return_id"] == factory["id"]

    opened = await client.get(f"/returns/{factory['id']}", headers=filing)
    assert opened.status_code == 200, opened.text
    view = opened.json()
    assert view["status"] == "not_started"
    assert view["answers"]["contact_name"] == f"聯絡人{factory['previous_id']}"
    assert view["sources"]["contact_name"] == "last_year"
    assert view["sources"]["factory_name"] == "registry"
    assert view["answers"]["employees_total"] == factory["answers"]["employees_total"]
    etag = opened.headers["ETag"]

    # Two tabs hold the same ETag; the first save wins, the second is told it is stale.
    broken = {**fixed_answers(view, factory["answers"]), "employees_male": 0, "employees_female": 0}
    del broken["contact_phone"]
    first = await client.put(
        f"/returns/{factory['id']}/draft",
        json={"answers": broken},
        headers={**filing, "If-Match": etag},
    )
    assert first.status_code == 200, first.text
    assert {p["field"] for p in first.json()["problems"]} == {"contact_phone", "employees_total"}
    second = await client.put(
        f"/returns/{factory['id']}/draft",
        json={"answers": fixed_answers(view, factory["answers"])},
        headers={**filing, "If-Match": etag},
    )
    assert second.status_code == 412
    assert (await stored(db_engine, factory["id"]))["answers"]["employees_male"] == 0

    # Submitting the invalid draft: every problem at once, with its field; nothing changes.
    refused = await client.post(f"/returns/{factory['id']}/submit", headers=filing)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    fields = {tuple(error["loc"]) for error in refused.json()["errors"]}
    assert fields == {("body", "answers", "contact_phone"), ("body", "answers", "employees_total")}
    assert (await stored(db_engine, factory["id"]))["status"] == "draft"

    fixed = await client.put(
        f"/returns/{factory['id']}/draft",
        json={"answers": fixed_answers(view, factory["answers"])},
        headers={**filing, "If-Match": first.headers["ETag"]},
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["problems"] == []

    submit_headers = {**filing, "Idempotency-Key": "submit-2026-once"}
    receipt = await client.post(f"/returns/{factory['id']}/submit", headers=submit_headers)
    assert receipt.status_code == 201, receipt.text
    retry = await client.post(f"/returns/{factory['id']}/submit", headers=submit_headers)
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["receipt_number"] == receipt.json()["receipt_number"]
    assert is_valid_receipt(receipt.json()["receipt_number"])
    row = await stored(db_engine, factory["id"])
    assert (row["status"], row["submission_count"]) == ("submitted", 1)
    assert row["receipt_number"] == receipt.json()["receipt_number"]
    assert "contact_name" not in row["answers"]  # personal answers are stored encrypted

    other = bearer(token("surveyor", county=KINMEN))
    assert (await client.get(f"/returns/{factory['id']}", headers=other)).status_code == 404
    listed = await client.get(
        "/campaigns/2026/work-list", params={"county_code": KEELUNG}, headers=other
    )
    assert listed.status_code == 403
    own = await client.get("/campaigns/2026/work-list", headers=other)
    assert factory["id"] not in {item["id"] for item in own.json()["items"]}
    local = bearer(token("surveyor", county=KEELUNG))
    seen = await client.get(
        "/campaigns/2026/work-list", params={"status": "submitted"}, headers=local
    )
    assert [item["id"] for item in seen.json()["items"]] == [factory["id"]]


async def test_reads_of_a_return_are_audited(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    factory = await last_year_filer(db_engine)
    session = await open_invitation(client, token, factory["registration_number"])
    opened = await client.get(
        f"/returns/{factory['id']}", headers={"Filing-Token": session["filing_token"]}
    )
    assert opened.status_code == 200
    async with db_engine.connect() as connection:
        actors = (
            await connection.execute(
                text(
                    "SELECT actor FROM investment.audit_event "
                    "WHERE action = 'return.read' AND record_id = :id"
                ),
                {"id": str(factory["id"])},
            )
        ).scalars()
        assert list(actors) == [f"filing-session:{factory['id']}"]


async def test_another_return_with_a_filing_token_is_not_found(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    factory = await last_year_filer(db_engine)
    session = await open_invitation(client, token, factory["registration_number"])
    other_id = factory["id"] + 1
    response = await client.get(
        f"/returns/{other_id}", headers={"Filing-Token": session["filing_token"]}
    )
    assert response.status_code == 404
    forged = session["filing_token"].replace(f".{factory['id']}.", f".{other_id}.")
    response = await client.get(f"/returns/{other_id}", headers={"Filing-Token": forged})
    assert response.status_code == 401


async def test_a_draft_save_needs_if_match_and_changes_nothing_without(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    factory = await last_year_filer(db_engine)
    session = await open_invitation(client, token, factory["registration_number"])
    response = await client.put(
        f"/returns/{factory['id']}/draft",
        json={"answers": {"employees_total": 3}},
        headers={"Filing-Token": session["filing_token"]},
    )
    assert response.status_code == 428
    assert (await stored(db_engine, factory["id"]))["version"] == 0


async def test_the_filing_routes_document_both_ways_in(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["FilingToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Filing-Token",
        "description": schemes["FilingToken"]["description"],
    }
    paths = spec["paths"]
    for operation in (
        paths["/returns/{return_id}"]["get"],
        paths["/returns/{return_id}/draft"]["put"],
        paths["/returns/{return_id}/submit"]["post"],
    ):
        assert {"FilingToken": []} in operation["security"]
        assert {"HTTPBearer": []} in operation["security"]
