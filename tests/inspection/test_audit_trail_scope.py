"""The audit trail of an inspection record is read only by officers of BSMI, the agency owning
this deployment's records: for an officer of another agency the record, and so its trail, does
not exist (404), and a county surveyor reads no trail here at all (403). A record that exists
but was never audited (loaded by a bulk import) has an empty trail for BSMI's officers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import httpx
import pytest
from sqlalchemy import Column, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from inspection import models
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


async def _inserted(db_engine: AsyncEngine, key: Column[Any], **values: Any) -> str:
    """Insert a row into ``key``'s table; its key, as the service writes it in its trail."""
    async with db_engine.begin() as connection:
        return str(await connection.scalar(insert(key.table).values(**values).returning(key)))


async def _imported(db_engine: AsyncEngine) -> dict[str, str]:
    """A record of every audited type written straight to its table, as a bulk import writes
    it: no audit event names any of them."""
    holder = {"holder_business_id": FIRM_A, "holder_name": "大同"}
    product = {"product_name": "電扇", "standards": ["CNS 3765"]}
    firm = {"firm_business_id": FIRM_A, "firm_name": "大同", "product_name": "電扇"}
    factory = {"factory_name": "三重廠", "factory_address": "新北市三重區"}
    draft = {"business_id": FIRM_A, "applicant_name": "大同", "scheme": "batch", "stage": "draft"}
    goods = {"ccc_code": "8414510000", "product_name": "電扇", "quantity": 10, "unit": "PCE"}
    in_force = {"schemes": ["batch"], "timing": "border", "effective_from": date(2025, 1, 1)}
    meter = {"kind": "taxi_meter", "maker": "M", "model": "T1", "location": b"sealed, unread"}
    insert_row = partial(_inserted, db_engine)
    return {
        "safety_mark": await insert_row(
            models.safety_mark.c.mark_id, mark_id="R44001", series="R", **holder
        ),
        "certificate": await insert_row(
            models.certificate.c.number,
            number="RC114000777",
            kind="RC",
            models=["F-1"],
            **holder,
            **product,
        ),
        "cns_mark": await insert_row(
            models.cns_mark.c.number, number="054321", cns_standard="CNS 3765", **firm, **factory
        ),
        "inspection_application": await insert_row(
            models.inspection_application.c.id, **draft, **goods
        ),
        "regulated_product": await insert_row(
            models.regulated_product.c.id,
            ccc_prefix="841451",
            updated_by="bulk-import",
            **in_force,
            **product,
        ),
        "instrument": await insert_row(models.instrument.c.serial, serial="TM2025-0777", **meter),
    }


async def _audit_events(db_engine: AsyncEngine) -> int:
    audit_event = models.platform_tables.audit_event
    async with db_engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(audit_event))
        return int(count or 0)


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


async def test_a_record_never_audited_has_an_empty_trail_for_our_officers_only(
    api: httpx.AsyncClient,
    officer: dict[str, str],
    foreign_officer: dict[str, str],
    db_engine: AsyncEngine,
) -> None:
    records = await _imported(db_engine)
    assert await _audit_events(db_engine) == 0
    for record_type, record_id in records.items():
        await assert_trail_hidden(api, foreign_officer, record_type, record_id, ABSENT[record_type])
    assert await trail_reads(db_engine, "inspection") == []

    for record_type, record_id in records.items():
        own = await api.get(f"/audit/trail/{record_type}/{record_id}", headers=officer)
        assert own.status_code == 200, (record_type, own.text)
        assert own.json() == {"items": [], "next_cursor": None}, record_type
    assert await trail_reads(db_engine, "inspection") == [("officer-1", kind) for kind in records]


async def test_an_id_that_names_no_row_is_a_missing_record_and_writes_nothing(
    api: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    records = await _imported(db_engine)
    application, product = records["inspection_application"], records["regulated_product"]
    for record_type, record_id in [
        *ABSENT.items(),  # well formed, no such row and no trail
        ("inspection_application", f"0{application}"),  # not the id as the service writes it
        ("inspection_application", f"{application}.0"),
        ("inspection_application", f"-{application}"),
        ("inspection_application", f"{application}/1"),
        ("regulated_product", "9" * 19),  # past bigint: the driver would refuse it
        ("regulated_product", "9" * 40),
        ("regulated_product", f"{product} "),
        ("regulated_product", "１"),  # a full-width digit
        ("certificate", records["certificate"].lower()),
    ]:
        response = await api.get(f"/audit/trail/{record_type}/{record_id}", headers=officer)
        assert response.status_code == 404, (record_type, record_id, response.text)
        assert response.headers["content-type"] == PROBLEM
    assert await _audit_events(db_engine) == 0
