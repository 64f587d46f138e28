"""CNS mark certificates: register, actions, public check and public search."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.inspection.conftest import FIRM_A
from tests.inspection.test_certificates_api import count

CNS_MARK = {
    "number": "第 012345 號",
    "cns_standard": "cns3476",
    "product_name": "鋼筋混凝土用鋼筋",
    "firm_business_id": FIRM_A,
    "firm_name": "東和鋼鐵企業股份有限公司",
    "factory_name": "苗栗廠",
    "factory_address": "苗栗縣後龍鎮",
    "valid_from": "2024-06-01",
    "valid_until": "2027-05-31",
}


async def register(
    api: httpx.AsyncClient, officer: dict[str, str], **changes: Any
) -> dict[str, Any]:
    response = await api.post("/cns-marks", json={**CNS_MARK, **changes}, headers=officer)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_register_normalises_and_the_public_check_follows_actions(
    api: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    body = await register(api, officer)
    assert (body["number"], body["cns_standard"], body["status"]) == ("012345", "CNS 3476", "valid")
    assert (await api.get("/public-checks/cns_mark/第012345號")).json()["holder"] == CNS_MARK[
        "firm_name"
    ]
    await api.post("/cns-marks/012345/actions/suspend", json={"reason": "audit"}, headers=officer)
    check = (await api.get("/public-checks/cns_mark/012345")).json()
    assert check["status"] == "suspended"
    history = (await api.get("/cns-marks/012345")).json()["history"]
    assert [event["action"] for event in history] == ["issue", "suspend"]


async def test_search_by_each_field(api: httpx.AsyncClient, officer: dict[str, str]) -> None:
    await register(api, officer)
    await register(
        api,
        officer,
        number="0200",
        cns_standard="CNS 1234",
        product_name="安全帽",
        firm_name="其他公司",
        factory_name="台中廠",
    )
    for params, expected in [
        ({"number": "第012345號"}, ["012345"]),
        ({"cns_standard": "CNS 1234"}, ["0200"]),
        ({"product": "鋼筋"}, ["012345"]),
        ({"firm": "東和"}, ["012345"]),
        ({"factory": "廠"}, ["012345", "0200"]),
        ({"factory": "%"}, []),
    ]:
        page = (await api.get("/cns-marks/search", params=params)).json()
        assert [item["number"] for item in page["items"]] == expected, params


async def test_search_pages_with_a_cursor(api: httpx.AsyncClient, officer: dict[str, str]) -> None:
    for number in ("1001", "1002", "1003"):
        await register(api, officer, number=number)
    first = (await api.get("/cns-marks/search", params={"firm": "東和", "limit": 2})).json()
    assert [item["number"] for item in first["items"]] == ["1001", "1002"]
    rest = await api.get(
        "/cns-marks/search", params={"firm": "東和", "limit": 2, "cursor": first["next_cursor"]}
    )
    assert [item["number"] for item in rest.json()["items"]] == ["1003"]


async def test_bad_input_is_refused_and_changes_nothing(
    api: httpx.AsyncClient, officer: dict[str, str], firm_a: dict[str, str], db_engine: AsyncEngine
) -> None:
    assert (await api.get("/cns-marks/search")).status_code == 422
    for changes, headers, status in [
        ({"cns_standard": "ISO 9001"}, officer, 422),
        ({"number": "12"}, officer, 422),
        ({"valid_until": "2020-01-01"}, officer, 422),
        ({}, firm_a, 403),
    ]:
        response = await api.post("/cns-marks", json={**CNS_MARK, **changes}, headers=headers)
        assert response.status_code == status, changes
        assert response.headers["content-type"] == "application/problem+json"
    assert await count(db_engine, "cns_mark") == 0
    assert await count(db_engine, "audit_event") == 0
