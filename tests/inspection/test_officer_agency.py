"""Only officers of BSMI, the agency owning this deployment's records, work them: an officer of
another agency finds no record (404) and may not act on a collection (403), and nothing changes;
the public routes stay open to him as to anyone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.inspection.test_applications_api import DOCUMENTS, FIRM, OFFICER, Parties
from tests.inspection.test_certificates_api import CERTIFICATE, issue
from tests.inspection.test_cns_marks_api import CNS_MARK
from tests.inspection.test_cns_marks_api import register as register_cns_mark
from tests.inspection.test_metrology_api import TAXI_METER
from tests.inspection.test_metrology_api import register as register_instrument
from tests.inspection.test_regulated_products_api import HEADING
from tests.inspection.test_regulated_products_api import add as add_regulated_product
from tests.schema_state import schema_state

PROBLEM = "application/problem+json"
Call = tuple[str, str, dict[str, Any] | None]


@pytest.fixture
def parties(api: httpx.AsyncClient, firm_a: dict[str, str], officer: dict[str, str]) -> Parties:
    return Parties(api, firm_a, officer)


@pytest.fixture
def foreign_officer(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('officer', agency='IDA', subject='officer-ida')}"}


async def _records(parties: Parties) -> dict[str, Any]:
    """One record of each kind an officer works, each in a state an officer may act on."""
    api, officer = parties.api, parties.headers[OFFICER]
    draft = await parties.create()
    await parties.attach(draft["id"], DOCUMENTS["batch"])
    await parties.run(draft["id"], [(FIRM, "submit", {})])
    instrument = await register_instrument(api, officer)
    applied = await api.post(
        f"/instruments/{instrument['serial']}/verifications",
        json={"kind": "initial"},
        headers=officer,
    )
    assert applied.status_code == 201, applied.text
    return {
        "application": draft["id"],
        "certificate": (await issue(api, officer))["number"],
        "cns_mark": (await register_cns_mark(api, officer))["number"],
        "instrument": instrument["serial"],
        "verification": applied.json()["verifications"][0]["id"],
        "regulated_product": (await add_regulated_product(api, officer))["id"],
    }


def _record_calls(ids: dict[str, Any]) -> list[Call]:
    """Reads and writes addressing one record: 404, as for a record that does not exist."""
    certificate = f"/certificates/{ids['certificate']}"
    return [
        ("GET", f"/applications/{ids['application']}", None),
        ("POST", f"/applications/{ids['application']}/actions/accept", {}),
        ("GET", certificate, None),
        ("GET", f"{certificate}/contact", None),
        ("POST", f"{certificate}/actions/suspend", {"reason": "test report withdrawn"}),
        ("POST", "/certificates/RC-NONE/actions/suspend", {"reason": "no such certificate"}),
        ("POST", f"/cns-marks/{ids['cns_mark']}/actions/suspend", {"reason": "audit"}),
        ("GET", f"/instruments/{ids['instrument']}", None),
        ("POST", f"/instruments/{ids['instrument']}/verifications", {"kind": "initial"}),
        (
            "POST",
            f"/verifications/{ids['verification']}/result",
            {"result": "passed", "verified_on": "2025-03-01", "sticker_number": "S-1"},
        ),
        (
            "POST",
            f"/regulated-products/{ids['regulated_product']}/end",
            {"effective_until": "2025-02-28"},
        ),
    ]


COLLECTION_CALLS: list[Call] = [
    ("GET", "/applications", None),
    ("POST", "/certificates", {**CERTIFICATE, "product_name": "另一個產品"}),
    (
        "POST",
        "/safety-marks",
        {"mark_id": "R33009", "holder_business_id": "04595257", "holder_name": "大同"},
    ),
    ("POST", "/cns-marks", {**CNS_MARK, "number": "第 099999 號"}),
    ("POST", "/instruments", {**TAXI_METER, "serial": "TM2025-0099"}),
    ("POST", "/regulated-products", {**HEADING, "ccc_prefix": "8509"}),
]


async def test_an_officer_of_another_agency_is_refused_and_changes_nothing(
    parties: Parties, foreign_officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    ids = await _records(parties)
    before = await schema_state(db_engine, "inspection")
    expected = [(call, 404) for call in _record_calls(ids)] + [(c, 403) for c in COLLECTION_CALLS]
    for (method, path, body), status in expected:
        response = await parties.api.request(method, path, json=body, headers=foreign_officer)
        assert response.status_code == status, (method, path, response.text)
        assert response.headers["content-type"] == PROBLEM, (method, path)
    assert await schema_state(db_engine, "inspection") == before


async def test_the_public_routes_stay_open_to_an_officer_of_another_agency(
    parties: Parties, foreign_officer: dict[str, str]
) -> None:
    ids = await _records(parties)
    for path in [
        f"/cns-marks/{ids['cns_mark']}",
        "/cns-marks/search?firm=東和",
        "/regulated-products/lookup?ccc_code=8516.10.00.00-7",
        f"/public-checks/certificate/{ids['certificate']}",
    ]:
        response = await parties.api.get(path, headers=foreign_officer)
        assert response.status_code == 200, (path, response.text)


async def test_the_owning_agencys_officer_still_works_the_records(
    parties: Parties, db_engine: AsyncEngine
) -> None:
    ids = await _records(parties)
    officer = parties.headers[OFFICER]
    before = await schema_state(db_engine, "inspection")
    listed = await parties.api.get("/applications", headers=officer)
    assert [item["id"] for item in listed.json()["items"]] == [ids["application"]]
    accepted = await parties.act(OFFICER, ids["application"], "accept")
    assert accepted.json()["stage"] == "accepted"
    suspended = await parties.api.post(
        f"/certificates/{ids['certificate']}/actions/suspend",
        json={"reason": "test report withdrawn"},
        headers=officer,
    )
    assert suspended.json()["status"] == "suspended"
    assert await schema_state(db_engine, "inspection") != before
