"""Inspection applications through the API: every scheme end to end, re-inspection rules,
object-level access, Idempotency-Key, If-Match, and bad input that changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.inspection.conftest import FIRM_A, SettableClock
from tests.inspection.test_certificates_api import count, issue

DRAFT: dict[str, Any] = {
    "scheme": "batch",
    "applicant_name": "大同電器股份有限公司",
    "ccc_code": "8516.10.00.00-7",
    "product_name": "電熱水瓶",
    "quantity": 500,
    "unit": "PCE",
    "port": "基隆港",
}
DOCUMENTS = {
    "batch": ["application_form", "shipment_documents", "product_catalogue"],
    "monitoring": ["application_form", "shipment_documents", "product_catalogue"],
    "type_approval_batch": [
        "application_form",
        "shipment_documents",
        "type_approval_certificate",
    ],
    "rpc": [
        "application_form",
        "type_test_report",
        "technical_file",
        "declaration_of_conformity_to_type",
    ],
    "doc": ["declaration_of_conformity", "type_test_report", "technical_file"],
}
FIRM = "firm"
OFFICER = "officer"
Steps = list[tuple[str, str, dict[str, Any]]]


class Parties:
    def __init__(self, api: httpx.AsyncClient, firm: dict[str, str], officer: dict[str, str]):
        self.api = api
        self.headers = {FIRM: firm, OFFICER: officer}

    async def create(self, key: str | None = None, **changes: Any) -> dict[str, Any]:
        headers = {**self.headers[FIRM], **({"Idempotency-Key": key} if key else {})}
        response = await self.api.post("/applications", json={**DRAFT, **changes}, headers=headers)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def attach(self, application_id: int, kinds: list[str]) -> None:
        for kind in kinds:
            document = {
                "kind": kind,
                "filename": f"{kind}.pdf",
                "media_type": "application/pdf",
                "size_bytes": 1024,
                "sha256": "a" * 64,
            }
            response = await self.api.post(
                f"/applications/{application_id}/documents",
                json=document,
                headers=self.headers[FIRM],
            )
            assert response.status_code == 201, response.text

    async def act(self, who: str, application_id: int, action: str, **body: Any) -> httpx.Response:
        return await self.api.post(
            f"/applications/{application_id}/actions/{action}", json=body, headers=self.headers[who]
        )

    async def run(
        self, application_id: int, steps: list[tuple[str, str, dict[str, Any]]]
    ) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for who, action, payload in steps:
            response = await self.act(who, application_id, action, **payload)
            assert response.status_code == 200, (action, response.text)
            body = response.json()
        return body


@pytest.fixture
def parties(api: httpx.AsyncClient, firm_a: dict[str, str], officer: dict[str, str]) -> Parties:
    return Parties(api, firm_a, officer)


async def assign_mark(parties: Parties, mark_id: str) -> None:
    mark = {"mark_id": mark_id, "holder_business_id": FIRM_A, "holder_name": "大同"}
    response = await parties.api.post("/safety-marks", json=mark, headers=parties.headers[OFFICER])
    assert response.status_code == 201


async def scheme_setup(parties: Parties, scheme: str) -> dict[str, Any]:
    """What each scheme needs before it can run: a type approval, RPC modules, a mark."""
    if scheme == "type_approval_batch":
        approval = await issue(parties.api, parties.headers[OFFICER], kind="TA")
        return {"type_approval_number": approval["number"]}
    if scheme == "rpc":
        await assign_mark(parties, "R33001")
        return {"rpc_modules": "2+3"}
    if scheme == "doc":
        await assign_mark(parties, "D33001")
    return {}


SAMPLE_AND_TEST: Steps = [
    (FIRM, "submit", {}),
    (OFFICER, "accept", {}),
    (OFFICER, "start_sampling", {}),
    (OFFICER, "start_testing", {}),
    (OFFICER, "pass", {}),
]
ON_DOCUMENTS: Steps = [(FIRM, "submit", {}), (OFFICER, "accept", {})]
PATHS: dict[str, tuple[list[tuple[str, str, dict[str, Any]]], str, str]] = {
    # scheme: (steps, certificate prefix, an action the scheme refuses once accepted)
    "batch": (SAMPLE_AND_TEST, "IC", "pass"),
    "monitoring": ([*ON_DOCUMENTS, (OFFICER, "pass", {})], "IC", "start_testing"),
    "type_approval_batch": ([*ON_DOCUMENTS, (OFFICER, "pass", {})], "IC", "start_testing"),
    "rpc": ([*ON_DOCUMENTS, (OFFICER, "pass", {"mark_id": "R33001"})], "RC", "start_sampling"),
    "doc": ([*ON_DOCUMENTS, (OFFICER, "pass", {"mark_id": "D33001"})], "DC", "start_testing"),
}


@pytest.mark.parametrize("scheme", sorted(PATHS))
async def test_each_scheme_runs_end_to_end_with_its_own_transitions(
    parties: Parties, scheme: str, db_engine: AsyncEngine
) -> None:
    steps, prefix, refused_action = PATHS[scheme]
    draft = await parties.create(scheme=scheme, **await scheme_setup(parties, scheme))
    await parties.attach(draft["id"], DOCUMENTS[scheme])
    accepted = await parties.run(draft["id"], steps[:2])
    assert accepted["stage"] == "accepted"
    refused = await parties.act(OFFICER, draft["id"], refused_action)
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"].startswith("not_allowed_in_stage")
    passed = await parties.run(draft["id"], steps[2:])
    assert passed["stage"] == "passed"
    assert passed["certificate_number"].startswith(prefix)
    check = await parties.api.get(f"/public-checks/certificate/{passed['certificate_number']}")
    assert (check.json()["status"], check.json()["holder"]) == ("valid", DRAFT["applicant_name"])
    assert await count(db_engine, "outbox") == len(steps)
    assert await count(db_engine, "application_event") == len(steps)


async def test_roles_are_enforced_per_action(parties: Parties, db_engine: AsyncEngine) -> None:
    draft = await parties.create()
    await parties.attach(draft["id"], DOCUMENTS["batch"])
    assert (await parties.act(OFFICER, draft["id"], "submit")).status_code == 403
    await parties.run(draft["id"], [(FIRM, "submit", {})])
    assert (await parties.act(FIRM, draft["id"], "accept")).status_code == 403
    assert await count(db_engine, "application_event") == 1


async def test_submit_needs_the_schemes_documents(parties: Parties, db_engine: AsyncEngine) -> None:
    draft = await parties.create()
    await parties.attach(draft["id"], ["application_form"])
    response = await parties.act(FIRM, draft["id"], "submit")
    assert response.status_code == 409
    assert "product_catalogue" in response.json()["detail"]
    assert (
        await parties.api.get(f"/applications/{draft['id']}", headers=parties.headers[FIRM])
    ).json()["stage"] == "draft"
    assert await count(db_engine, "outbox") == 0


async def failed_batch(parties: Parties) -> int:
    draft = await parties.create()
    await parties.attach(draft["id"], DOCUMENTS["batch"])
    failing = [*SAMPLE_AND_TEST[:4], (OFFICER, "fail", {"reason": "leakage current too high"})]
    failed = await parties.run(draft["id"], failing)
    assert failed["stage"] == "failed"
    assert failed["failure"]["reinspection_last_day"] == "2025-03-18"  # served 3 March (Taipei)
    application_id: int = draft["id"]
    return application_id


async def test_one_reinspection_within_fifteen_days_and_not_a_second(
    parties: Parties, clock: SettableClock, db_engine: AsyncEngine
) -> None:
    application_id = await failed_batch(parties)
    clock.advance(days=15, hours=13, minutes=59)  # 23:59 Taipei on 18 March, day 15
    again = await parties.act(FIRM, application_id, "request_reinspection")
    assert again.status_code == 200
    assert (again.json()["stage"], again.json()["reinspections_used"]) == ("accepted", 1)
    retest = [*SAMPLE_AND_TEST[2:4], (OFFICER, "fail", {"reason": "still too high"})]
    await parties.run(application_id, retest)
    events = await count(db_engine, "application_event")
    second = await parties.act(FIRM, application_id, "request_reinspection")
    assert second.status_code == 409
    assert second.json()["detail"].startswith("reinspection_already_used")
    assert await count(db_engine, "application_event") == events


async def test_no_reinspection_on_day_sixteen(
    parties: Parties, clock: SettableClock, db_engine: AsyncEngine
) -> None:
    application_id = await failed_batch(parties)
    clock.advance(days=15, hours=14)  # 00:00 Taipei on 19 March, day 16
    outbox = await count(db_engine, "outbox")
    late = await parties.act(FIRM, application_id, "request_reinspection")
    assert late.status_code == 409
    assert late.json()["detail"].startswith("reinspection_deadline_passed")
    assert await count(db_engine, "outbox") == outbox
    current = await parties.api.get(
        f"/applications/{application_id}", headers=parties.headers[FIRM]
    )
    assert (current.json()["stage"], current.json()["reinspections_used"]) == ("failed", 0)


async def test_rpc_refusal_offers_no_reinspection(parties: Parties) -> None:
    draft = await parties.create(scheme="驗證登錄", **await scheme_setup(parties, "rpc"))
    await parties.attach(draft["id"], DOCUMENTS["rpc"])
    await parties.run(draft["id"], [*ON_DOCUMENTS, (OFFICER, "fail", {"reason": "report invalid"})])
    response = await parties.act(FIRM, draft["id"], "request_reinspection")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("reinspection_not_offered")


async def test_a_firm_sees_only_its_own_applications(
    parties: Parties, firm_b: dict[str, str]
) -> None:
    mine = await parties.create()
    api = parties.api
    assert (await api.get(f"/applications/{mine['id']}", headers=firm_b)).status_code == 404
    other = await api.post(f"/applications/{mine['id']}/actions/withdraw", json={}, headers=firm_b)
    assert other.status_code == 404
    assert (await api.get("/applications", headers=firm_b)).json()["items"] == []
    listed = (await api.get("/applications", headers=parties.headers[FIRM])).json()["items"]
    assert [item["id"] for item in listed] == [mine["id"]]
    officer_view = await api.get("/applications?stage=draft", headers=parties.headers[OFFICER])
    assert [item["id"] for item in officer_view.json()["items"]] == [mine["id"]]


async def test_idempotency_key_creates_one_application(
    parties: Parties, db_engine: AsyncEngine
) -> None:
    first = await parties.create(key="draft-2025-0001")
    retry = await parties.create(key="draft-2025-0001")
    assert retry["id"] == first["id"]
    assert await count(db_engine, "inspection_application") == 1


async def test_drafts_are_edited_with_if_match(parties: Parties, db_engine: AsyncEngine) -> None:
    draft = await parties.create()
    url = f"/applications/{draft['id']}"
    headers = parties.headers[FIRM]
    read = await parties.api.get(url, headers=headers)
    tag = read.headers["ETag"]
    missing = await parties.api.patch(url, json={"quantity": 600}, headers=headers)
    assert missing.status_code == 428
    edited = await parties.api.patch(
        url, json={"quantity": 600}, headers={**headers, "If-Match": tag}
    )
    assert edited.status_code == 200
    assert edited.json()["quantity"] == 600
    assert edited.headers["ETag"] != tag
    stale = await parties.api.patch(
        url, json={"quantity": 700}, headers={**headers, "If-Match": tag}
    )
    assert stale.status_code == 412
    assert (await parties.api.get(url, headers=headers)).json()["quantity"] == 600


@pytest.mark.parametrize(
    "changes",
    [
        {"scheme": "inspection by vibes"},
        {"ccc_code": "8516.10"},
        {"ccc_code": "ABCDEFGHIJK"},
        {"rpc_modules": "2+9", "scheme": "rpc"},
        {"quantity": 0},
    ],
)
async def test_bad_input_is_refused_and_changes_nothing(
    api: httpx.AsyncClient, firm_a: dict[str, str], db_engine: AsyncEngine, changes: dict[str, Any]
) -> None:
    response = await api.post("/applications", json={**DRAFT, **changes}, headers=firm_a)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await count(db_engine, "inspection_application") == 0
    assert await count(db_engine, "audit_event") == 0


async def test_a_late_failure_notice_is_refused(parties: Parties, db_engine: AsyncEngine) -> None:
    draft = await parties.create()
    await parties.attach(draft["id"], DOCUMENTS["batch"])
    await parties.run(draft["id"], SAMPLE_AND_TEST[:4])
    future = "2025-04-01T00:00:00+08:00"
    response = await parties.act(OFFICER, draft["id"], "fail", reason="x", served_at=future)
    assert response.status_code == 422
    assert await count(db_engine, "application_event") == 4
