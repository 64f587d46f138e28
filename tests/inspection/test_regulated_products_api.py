"""Regulated products through the API: lookup by CCC code and name, officers' effective dates."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.inspection.test_certificates_api import count

HEADING = {
    "ccc_prefix": "8516.10",
    "product_name": "電熱水器",
    "schemes": ["rpc", "batch"],
    "standards": ["CNS 60335-1", "CNS 60335-2-21"],
    "timing": "border",
    "effective_from": "2020-01-01",
}


async def add(api: httpx.AsyncClient, officer: dict[str, str], **changes: Any) -> dict[str, Any]:
    response = await api.post("/regulated-products", json={**HEADING, **changes}, headers=officer)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_lookup_takes_the_longest_prefix_in_force(
    api: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    await add(api, officer)
    await add(
        api,
        officer,
        ccc_prefix="85161000107",
        product_name="即熱式電熱水器",
        schemes=["doc"],
        effective_from="2025-01-01",
    )
    specific = (await api.get("/regulated-products/lookup?ccc_code=8516.10.00.10-7")).json()
    assert (specific["regulated"], specific["entry"]["schemes"]) == (True, ["doc"])
    earlier = await api.get("/regulated-products/lookup?ccc_code=85161000107&on=2024-06-01")
    assert earlier.json()["entry"]["ccc_prefix"] == "851610"
    other = (await api.get("/regulated-products/lookup?ccc_code=0101.21.00.00-0")).json()
    assert (other["regulated"], other["entry"]) == (False, None)


async def test_an_ended_entry_no_longer_applies(
    api: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    entry = await add(api, officer)
    ended = await api.post(
        f"/regulated-products/{entry['id']}/end",
        json={"effective_until": "2025-02-28"},
        headers=officer,
    )
    assert ended.json()["effective_until"] == "2025-02-28"
    today = (await api.get("/regulated-products/lookup?ccc_code=85161000007")).json()
    assert today["regulated"] is False  # the clock says 3 March 2025
    before = await api.get("/regulated-products/lookup?ccc_code=85161000007&on=2025-02-28")
    assert before.json()["regulated"] is True


async def test_search_by_name(api: httpx.AsyncClient, officer: dict[str, str]) -> None:
    await add(api, officer)
    found = (await api.get("/regulated-products", params={"name": "熱水"})).json()
    assert [item["product_name"] for item in found["items"]] == ["電熱水器"]
    assert (await api.get("/regulated-products", params={"name": "冰箱"})).json()["items"] == []


@pytest.mark.parametrize("code", ["8516", "85161000007X", "８５１６"])
async def test_a_malformed_code_is_a_problem(api: httpx.AsyncClient, code: str) -> None:
    response = await api.get("/regulated-products/lookup", params={"ccc_code": code})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_bad_or_overlapping_entries_change_nothing(
    api: httpx.AsyncClient, officer: dict[str, str], firm_a: dict[str, str], db_engine: AsyncEngine
) -> None:
    await add(api, officer)
    cases: list[tuple[dict[str, Any], dict[str, str], int]] = [
        ({"effective_from": "2024-01-01"}, officer, 409),  # overlaps the open-ended entry
        ({"ccc_prefix": "85161"}, officer, 422),
        ({"schemes": ["teleport"]}, officer, 422),
        ({"effective_until": "2019-01-01"}, officer, 422),
        ({"ccc_prefix": "94051"}, firm_a, 403),
    ]
    for changes, headers, status in cases:
        response = await api.post(
            "/regulated-products", json={**HEADING, **changes}, headers=headers
        )
        assert response.status_code == status, (changes, response.text)
    assert await count(db_engine, "regulated_product") == 1
    assert await count(db_engine, "audit_event") == 1
