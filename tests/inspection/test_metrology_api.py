"""Metrology through the API: instruments, verification results, stickers, renewal reminders."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from inspection.metrology.reminders import send_due_reminders
from inspection.models import platform_tables
from tests.inspection.conftest import FIRM_A, SettableClock
from tests.inspection.test_certificates_api import count, issue

TAXI_METER = {
    "kind": "taxi_meter",
    "maker": "振宇",
    "model": "TM-9",
    "serial": "tm 2025-0001",
    "owner_person_name": "陳大文",
    "owner_phone": "0912-345-678",
    "location": "臺北市",
}


async def register(
    api: httpx.AsyncClient, officer: dict[str, str], **changes: Any
) -> dict[str, Any]:
    response = await api.post("/instruments", json={**TAXI_METER, **changes}, headers=officer)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_verified_instrument_checks_valid_and_hides_its_private_owner(
    api: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    instrument = await register(api, officer)
    assert instrument["serial"] == "TM2025-0001"
    before = (await api.get("/public-checks/instrument/TM2025-0001")).json()
    assert (before["status"], before["holder"]) == ("not_yet_valid", None)
    applied = await api.post(
        "/instruments/TM2025-0001/verifications", json={"kind": "initial"}, headers=officer
    )
    verification_id = applied.json()["verifications"][0]["id"]
    result = {"result": "passed", "verified_on": "2025-03-01", "sticker_number": "S-1"}
    decided = await api.post(
        f"/verifications/{verification_id}/result", json=result, headers=officer
    )
    assert decided.json()["sticker_status"] == "valid"
    check = (await api.get("/public-checks/instrument/tm2025-0001")).json()
    assert (check["status"], check["valid_until"], check["holder"]) == ("valid", "2027-02-28", None)
    again = await api.post(f"/verifications/{verification_id}/result", json=result, headers=officer)
    assert again.status_code == 409
    async with db_engine.connect() as connection:
        stored = await connection.scalar(
            text("SELECT owner_person_name FROM inspection.instrument")
        )
    assert "陳大文".encode() not in stored


async def test_owner_firms_see_their_instruments_only(
    api: httpx.AsyncClient, officer: dict[str, str], firm_a: dict[str, str], firm_b: dict[str, str]
) -> None:
    firm_owned: dict[str, str | None] = {"owner_person_name": None, "owner_phone": None}
    firm_owned |= {"owner_business_id": FIRM_A, "owner_firm_name": "台灣中油"}
    await register(api, officer, kind="fuel_dispenser", serial="FD-1", **firm_owned)
    assert (await api.get("/instruments/FD-1", headers=firm_a)).status_code == 200
    assert (await api.get("/instruments/FD-1", headers=firm_b)).status_code == 404
    check = (await api.get("/public-checks/instrument/FD-1")).json()
    assert check["holder"] == "台灣中油"


async def instrument_reads(engine: AsyncEngine) -> list[tuple[str, str, Any]]:
    """(actor, serial, details) of every logged read of an instrument, oldest first."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT actor, record_id, details FROM inspection.audit_event "
                "WHERE action = 'instrument.read' ORDER BY id"
            )
        )
        return [(row.actor, row.record_id, row.details) for row in rows]


async def test_a_location_is_stored_sealed_and_read_back_for_those_allowed(
    api: httpx.AsyncClient,
    officer: dict[str, str],
    firm_a: dict[str, str],
    db_engine: AsyncEngine,
) -> None:
    """A natural person's meter sits at home: its location is encrypted, and reading it leaves
    a trace; a firm's own instrument reads back as before, with no personal-data read logged."""
    home = "新北市板橋區探針路7號3樓"
    registered = await register(api, officer, kind="water_meter", serial="WM-7", location=home)
    assert registered["location"] == home
    read = await api.get("/instruments/WM-7", headers=officer)
    assert (read.status_code, read.json()) == (200, registered)
    firm_owned: dict[str, str | None] = {"owner_person_name": None, "owner_phone": None}
    firm_owned |= {"owner_business_id": FIRM_A, "owner_firm_name": "台灣中油"}
    firm_owned |= {"kind": "fuel_dispenser", "serial": "FD-2", "location": "中壢站"}
    await register(api, officer, **firm_owned)
    assert (await api.get("/instruments/FD-2", headers=firm_a)).json()["location"] == "中壢站"
    async with db_engine.connect() as connection:
        stored = (
            await connection.scalars(text("SELECT location FROM inspection.instrument ORDER BY id"))
        ).all()
    assert all(isinstance(blob, bytes) for blob in stored)
    assert home.encode() not in stored[0] and "中壢站".encode() not in stored[1]
    reads = await instrument_reads(db_engine)
    assert [(serial, details) for _, serial, details in reads] == [
        ("WM-7", {"personal_data": "location"})
    ]


async def test_bad_instruments_change_nothing(
    api: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    await register(api, officer)
    for changes, status in [
        ({}, 409),  # the same serial again
        ({"kind": "sundial", "serial": "X1"}, 422),
        ({"serial": "!!"}, 422),
        ({"serial": "X2", "owner_business_id": FIRM_A, "owner_firm_name": "兩個主人"}, 422),
    ]:
        response = await api.post("/instruments", json={**TAXI_METER, **changes}, headers=officer)
        assert response.status_code == status, changes
    assert await count(db_engine, "instrument") == 1


async def test_renewal_reminders_are_sent_once_six_months_ahead(
    api: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine, clock: SettableClock
) -> None:
    due = await issue(api, officer, kind="MA", valid_until="2025-08-31")  # reminder from 28 Feb
    await issue(api, officer, kind="TA", valid_until="2025-09-30")  # reminder from 30 Mar
    await issue(api, officer, kind="RC", valid_until="2025-04-30")  # not a type approval
    sessions = async_sessionmaker(db_engine, class_=AsyncSession, expire_on_commit=False)
    for expected in (1, 0):
        async with sessions() as session, session.begin():
            assert await send_due_reminders(session, platform_tables, clock.now) == expected
    async with db_engine.connect() as connection:
        payload = await connection.scalar(
            text(
                "SELECT payload FROM inspection.outbox "
                "WHERE topic = 'inspection.certificate.renewal_due'"
            )
        )
    assert payload["certificate_number"] == due["number"]
    clock.advance(days=30)
    async with sessions() as session, session.begin():
        assert await send_due_reminders(session, platform_tables, clock.now) == 1
