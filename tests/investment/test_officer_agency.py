"""Only officers of IDA, the agency owning this deployment's records, run its campaigns and their
central review, issue invitations and read returns: an officer of another agency finds no
campaign or return (404) and may not open one (403), and nothing changes. Surveyors stay scoped by
county, admins unscoped, and the public reads of campaigns stay open to anyone."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.investment.conftest import bearer
from tests.investment.test_filing_api import KEELUNG
from tests.investment.test_surveyors_api import file_one
from tests.schema_state import schema_state

PROBLEM = "application/problem+json"
FORM_2026 = resources.files("investment.survey").joinpath("forms", "factory_survey-2026.json")
NEW_CAMPAIGN = {
    "survey_year": 2027,
    "opens_on": "2027-03-01",
    "closes_on": "2027-05-31",
    "form": {**json.loads(FORM_2026.read_text("utf-8")), "version": "2027.1", "survey_year": 2027},
}
Call = tuple[str, str, dict[str, Any] | None]


async def _accepted_return(client: httpx.AsyncClient, engine: AsyncEngine, token: Any) -> int:
    """A Keelung return filed and accepted by its surveyor: ready for the central review."""
    return_id = int((await file_one(client, engine, token))["id"])
    surveyor = bearer(token("surveyor", county=KEELUNG))
    accepted = await client.post(f"/returns/{return_id}/accept", json={}, headers=surveyor)
    assert accepted.status_code == 200, accepted.text
    return return_id


async def _export(client: httpx.AsyncClient, token: Any) -> int:
    surveyor = bearer(token("surveyor", county=KEELUNG))
    requested = await client.post("/campaigns/2026/exports", json={}, headers=surveyor)
    assert requested.status_code == 202, requested.text
    return int(requested.json()["id"])


def _record_calls(return_id: int, export_id: int) -> list[Call]:
    """Reads and writes addressing a campaign, return or export: 404, as for a missing one."""
    return [
        ("GET", "/campaigns/2026/work-list", None),
        ("GET", "/campaigns/2026/progress", None),
        ("GET", "/campaigns/2026/chase-list", None),
        ("POST", "/campaigns/2026/reminders", {}),
        ("POST", "/campaigns/2026/returns", None),
        ("POST", "/campaigns/2026/exports", {}),
        ("GET", f"/exports/{export_id}", None),
        ("GET", f"/exports/{export_id}/content", None),
        ("POST", f"/returns/{return_id}/flag", {"comment": "用電量請再確認"}),
        ("POST", f"/returns/{return_id}/review", {"decision": "approve"}),
        ("POST", "/returns/999999999/review", {"decision": "approve"}),
        ("POST", "/campaigns/2026/invitations", {"county_code": KEELUNG}),
        ("GET", f"/returns/{return_id}", None),
    ]


async def test_an_officer_of_another_agency_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    return_id = await _accepted_return(client, db_engine, token)
    export_id = await _export(client, token)
    foreign = bearer(token("officer", agency="BSMI", subject="officer-bsmi"))
    before = await schema_state(db_engine, "investment")
    expected = [(call, 404) for call in _record_calls(return_id, export_id)]
    expected.append((("POST", "/campaigns", NEW_CAMPAIGN), 403))
    # Only the factory files: every officer is refused a return's writes, whoever owns it.
    expected.append((("POST", f"/returns/{return_id}/submit", None), 403))
    for (method, path, body), status in expected:
        response = await client.request(method, path, json=body, headers=foreign)
        assert response.status_code == status, (method, path, response.text)
        assert response.headers["content-type"] == PROBLEM, (method, path)
    assert await schema_state(db_engine, "investment") == before
    for path in ["/campaigns", "/campaigns/2026", "/campaigns/2026/form"]:
        public = await client.get(path, headers=foreign)
        assert public.status_code == 200, (path, public.text)


async def test_the_owning_agencys_officer_and_admins_still_review(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    return_id = await _accepted_return(client, db_engine, token)
    officer = bearer(token("officer", agency="IDA"))
    progress = await client.get("/campaigns/2026/progress", headers=officer)
    assert progress.status_code == 200 and len(progress.json()) == 4
    reviewed = await client.post(
        f"/returns/{return_id}/review", json={"decision": "approve"}, headers=officer
    )
    assert reviewed.json()["status"] == "reviewed"
    admin = bearer(token("admin", subject="admin-1"))
    opened = await client.post("/campaigns", json=NEW_CAMPAIGN, headers=admin)
    assert opened.status_code == 201, opened.text
    assert opened.json()["survey_year"] == 2027


async def test_the_owning_agencys_officer_reads_returns_and_issues_invitations(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    return_id = await _accepted_return(client, db_engine, token)
    officer = bearer(token("officer", agency="IDA"))
    opened = await client.get(f"/returns/{return_id}", headers=officer)
    assert opened.status_code == 200, opened.text
    assert opened.json()["status"] == "accepted"
    issued = await client.post(
        "/campaigns/2026/invitations", json={"county_code": KEELUNG, "limit": 2}, headers=officer
    )
    assert issued.status_code == 201, issued.text
    assert len(issued.json()["invitations"]) == 2
