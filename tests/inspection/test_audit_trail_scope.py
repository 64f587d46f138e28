"""The audit trail of an inspection record is read only by officers of BSMI, the agency owning
this deployment's records: for an officer of another agency the record, and so its trail, does
not exist (404), and a county surveyor reads no trail here at all (403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.audit_trails import assert_trail_hidden, trail_reads
from tests.inspection.conftest import FIRM_A
from tests.inspection.test_applications_api import DRAFT
from tests.inspection.test_certificates_api import issue
from tests.inspection.test_cns_marks_api import register as register_cns_mark
from tests.inspection.test_metrology_api import register as register_instrument
from tests.inspection.test_regulated_products_api import add as add_regulated_product

PROBLEM = "application/problem+json"
# A record of each audited type that certainly has no trail: what a foreign officer must see.
ABSENT = {
    "inspection_application": "999999",
    "safety_mark": "R99999",
    "certificate": "RC-NONE",
    "cns_mark": "999999",
    "regulated_product": "999999",
    "instrument": "XX0000-0000",
}


@pytest.fixture
def foreign_officer(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('officer', agency='IDA', subject='officer-ida')}"}


async def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _one_of_each(
    api: httpx.AsyncClient, firm_a: dict[str, str], officer: dict[str, str]
) -> dict[str, str]:
    """A record of every audited type, each with its creation in the trail."""
    application = await _created(await api.post("/applications", json=DRAFT, headers=firm_a))
    mark = {"mark_id": "R33001", "holder_business_id": FIRM_A, "holder_name": "大同"}
    assigned = await _created(await api.post("/safety-marks", json=mark, headers=officer))
    return {
        "inspection_application": str(application["id"]),
        "safety_mark": assigned["mark_id"],
        "certificate": (await issue(api, officer))["number"],
        "cns_mark": (await register_cns_mark(api, officer))["number"],
        "regulated_product": str((await add_regulated_product(api, officer))["id"]),
        "instrument": (await register_instrument(api, officer))["serial"],
    }


async def test_another_agency_reads_no_trail_of_ours(
    api: httpx.AsyncClient,
    firm_a: dict[str, str],
    officer: dict[str, str],
    foreign_officer: dict[str, str],
    db_engine: AsyncEngine,
) -> None:
    records = await _one_of_each(api, firm_a, officer)
    for record_type, record_id in records.items():
        await assert_trail_hidden(api, foreign_officer, record_type, record_id, ABSENT[record_type])
    assert await trail_reads(db_engine, "inspection") == []

    for record_type, record_id in records.items():
        own = await api.get(f"/audit/trail/{record_type}/{record_id}", headers=officer)
        assert own.status_code == 200, (record_type, own.text)
        assert own.json()["items"][-1]["record_id"] == record_id, record_type
    certificate = await api.get(f"/audit/trail/certificate/{records['certificate']}")
    assert certificate.status_code == 401
    assert await trail_reads(db_engine, "inspection") == [("officer-1", kind) for kind in records]


async def test_unknown_types_and_records_have_no_trail_to_read(
    api: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    for path in [
        "/audit/trail/certificate/RC-NONE",  # no such certificate
        "/audit/trail/inspection_application/not-a-number",
        "/audit/trail/filing/1",  # a type this service keeps no records of
        "/audit/trail/audit_event/1",
    ]:
        response = await api.get(path, headers=officer)
        assert response.status_code == 404, (path, response.text)
        assert response.headers["content-type"] == PROBLEM
    assert await trail_reads(db_engine, "inspection") == []


async def test_surveyors_and_firms_read_no_trail_here_and_admins_read_any(
    api: httpx.AsyncClient,
    firm_a: dict[str, str],
    officer: dict[str, str],
    token: Callable[..., str],
    db_engine: AsyncEngine,
) -> None:
    number = (await issue(api, officer))["number"]
    trail = f"/audit/trail/certificate/{number}"
    surveyor = {"Authorization": f"Bearer {token('surveyor', county='63000')}"}
    for headers in (surveyor, firm_a):
        refused = await api.get(trail, headers=headers)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == PROBLEM
    assert await trail_reads(db_engine, "inspection") == []
    admin = {"Authorization": f"Bearer {token('admin', subject='admin-1')}"}
    read = await api.get(trail, headers=admin)
    assert read.status_code == 200, read.text
    assert [event["action"] for event in read.json()["items"]] == ["certificate.issue"]
    assert await trail_reads(db_engine, "inspection") == [("admin-1", "certificate")]
