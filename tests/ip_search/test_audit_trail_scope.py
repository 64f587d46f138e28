"""The audit trail of an ip_search record is read only by officers of TIPO, the agency owning
this deployment's records: for an officer of another agency the record, and so its trail, does
not exist (404). A firm's deleted watch keeps its trail for TIPO's officers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from ip_search.app import MANIFEST
from tests.audit_trails import assert_trail_hidden, trail_reads
from tests.ip_search.test_opendata_api import dataset_body

PROBLEM = "application/problem+json"
WATCH = {"name": "our mark 生華", "text": "生華", "nice_classes": [5]}
# A record of each audited type that certainly has no trail: what a foreign officer must see.
ABSENT = {
    "dataset": "no-such-dataset",
    "dataset_version": "no-such-dataset/1",
    "api_key": "999999",
    "trademark_watch": "999999",
}


@pytest.fixture
async def client(
    service_client_factory: Callable[..., Any], tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client_factory(MANIFEST, open_data_dir=tmp_path) as http:
        yield http


def _bearer(token: Callable[..., str], role: str, **claims: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, **claims)}"}


async def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _one_of_each(
    client: httpx.AsyncClient, officer: dict[str, str], firm: dict[str, str]
) -> dict[str, str]:
    """A record of every audited type; the watch is deleted, its trail kept."""
    dataset = await _created(
        await client.post("/open-data/datasets", json=dataset_body(), headers=officer)
    )
    version = await _created(
        await client.post(
            f"/open-data/datasets/{dataset['id']}/versions/upload",
            params={"row_count": 1, "change_note": "first"},
            content=b"appl-no\n114000001\n",
            headers=officer,
        )
    )
    key = await _created(
        await client.post(
            "/open-data/api-keys", json={"label": "mirror", "daily_quota": 5}, headers=officer
        )
    )
    watch = await _created(await client.post("/watches", json=WATCH, headers=firm))
    assert (await client.delete(f"/watches/{watch['id']}", headers=firm)).status_code == 204
    return {
        "dataset": dataset["id"],
        "dataset_version": f"{dataset['id']}/{version['version']}",
        "api_key": str(key["id"]),
        "trademark_watch": str(watch["id"]),
    }


async def test_another_agency_reads_no_trail_of_ours(
    client: httpx.AsyncClient, token: Callable[..., str], db_engine: AsyncEngine
) -> None:
    officer = _bearer(token, "officer", agency="TIPO", subject="officer-tipo")
    firm = _bearer(token, "firm", business_id="04595257")
    records = await _one_of_each(client, officer, firm)
    foreign = _bearer(token, "officer", agency="BSMI", subject="officer-bsmi")
    for record_type, record_id in records.items():
        await assert_trail_hidden(client, foreign, record_type, record_id, ABSENT[record_type])
    assert await trail_reads(db_engine, "ip_search") == []

    for record_type, record_id in records.items():
        own = await client.get(f"/audit/trail/{record_type}/{record_id}", headers=officer)
        assert own.status_code == 200, (record_type, own.text)
        assert own.json()["items"], record_type
    watch = await client.get(
        f"/audit/trail/trademark_watch/{records['trademark_watch']}", headers=officer
    )
    actions = [event["action"] for event in watch.json()["items"]]
    assert actions[1:] == ["trademark_watch.delete", "trademark_watch.create"]
    reads = [("officer-tipo", kind) for kind in records]
    assert await trail_reads(db_engine, "ip_search") == [
        *reads,
        ("officer-tipo", "trademark_watch"),
    ]


async def test_unknown_types_and_records_have_no_trail_and_others_are_refused(
    client: httpx.AsyncClient, token: Callable[..., str], db_engine: AsyncEngine
) -> None:
    officer = _bearer(token, "officer", agency="TIPO")
    for path in [
        "/audit/trail/dataset/no-such-dataset",
        "/audit/trail/trademark_watch/not-a-number",
        "/audit/trail/trademark/113000001",  # public register data, not an audited record
        "/audit/trail/filing/1",  # a type this service keeps no records of
    ]:
        response = await client.get(path, headers=officer)
        assert response.status_code == 404, (path, response.text)
        assert response.headers["content-type"] == PROBLEM
    for role, claims in [("surveyor", {"county": "63000"}), ("firm", {"business_id": "04595257"})]:
        refused = await client.get("/audit/trail/dataset/x", headers=_bearer(token, role, **claims))
        assert refused.status_code == 403, (role, refused.text)
        assert refused.headers["content-type"] == PROBLEM
    assert await trail_reads(db_engine, "ip_search") == []
