"""The audit trail of an ip_search record is read only by officers of TIPO, the agency owning
this deployment's records: for an officer of another agency the record, and so its trail, does
not exist (404). A firm's deleted watch keeps its trail for TIPO's officers, and a record that
exists but was never audited (seeded at start-up) has an empty trail for them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Column, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from ip_search import models
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


async def _inserted(db_engine: AsyncEngine, key: Column[Any], **values: Any) -> Any:
    """Insert a row into ``key``'s table and return its key."""
    async with db_engine.begin() as connection:
        return await connection.scalar(insert(key.table).values(**values).returning(key))


async def _seeded(db_engine: AsyncEngine) -> dict[str, str]:
    """A record of every audited type written straight to its table, as a start-up seed writes
    it: no audit event names any of them."""
    body = dataset_body("seeded-register") | {"publisher": "TIPO", "licence": "OGDL-Taiwan-1.0"}
    dataset = await _inserted(db_engine, models.dataset.c.id, media_type="text/csv", **body)
    version = await _inserted(
        db_engine,
        models.dataset_version.c.version,
        dataset_id=dataset,
        version=1,
        storage_key="seeded-register/v1.csv",
        sha256="0" * 64,
        size_bytes=1,
        media_type="text/csv",
        change_note="seed",
        published_by="seed",
    )
    key = await _inserted(
        db_engine,
        models.api_key.c.id,
        key_hash="seeded",
        prefix="seed",
        label="mirror",
        daily_quota=5,
        created_by="seed",
    )
    watch = await _inserted(
        db_engine,
        models.trademark_watch.c.id,
        business_id="04595257",
        groups=[],
        threshold=0.5,
        **WATCH,
    )
    return {
        "dataset": dataset,
        "dataset_version": f"{dataset}/{version}",
        "api_key": str(key),
        "trademark_watch": str(watch),
    }


async def _audit_events(db_engine: AsyncEngine) -> int:
    audit_event = models.platform_tables.audit_event
    async with db_engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(audit_event))
        return int(count or 0)


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


async def test_a_record_never_audited_has_an_empty_trail_for_our_officers_only(
    client: httpx.AsyncClient, token: Callable[..., str], db_engine: AsyncEngine
) -> None:
    records = await _seeded(db_engine)
    assert await _audit_events(db_engine) == 0
    foreign = _bearer(token, "officer", agency="BSMI", subject="officer-bsmi")
    for record_type, record_id in records.items():
        await assert_trail_hidden(client, foreign, record_type, record_id, ABSENT[record_type])
    assert await trail_reads(db_engine, "ip_search") == []

    officer = _bearer(token, "officer", agency="TIPO", subject="officer-tipo")
    for record_type, record_id in records.items():
        own = await client.get(f"/audit/trail/{record_type}/{record_id}", headers=officer)
        assert own.status_code == 200, (record_type, own.text)
        assert own.json() == {"items": [], "next_cursor": None}, record_type
    assert await trail_reads(db_engine, "ip_search") == [("officer-tipo", kind) for kind in records]


async def test_an_id_that_names_no_row_is_a_missing_record_and_writes_nothing(
    client: httpx.AsyncClient, token: Callable[..., str], db_engine: AsyncEngine
) -> None:
    records = await _seeded(db_engine)
    dataset, key = records["dataset"], records["api_key"]
    officer = _bearer(token, "officer", agency="TIPO")
    for record_type, record_id in [
        *ABSENT.items(),  # well formed, no such row and no trail
        ("dataset", dataset.upper()),
        ("dataset_version", f"{dataset}/2"),  # a version not published
        ("dataset_version", dataset),  # no version at all
        ("dataset_version", f"{dataset}/01"),  # not the id as the service writes it
        ("dataset_version", f"{dataset}/x"),
        ("dataset_version", f"{dataset}/1/1"),
        ("dataset_version", f"{dataset}/{2**31}"),  # past the integer column
        ("api_key", "9" * 19),  # past bigint: the driver would refuse it
        ("api_key", f"{key}x"),
        ("trademark_watch", "-1"),
    ]:
        response = await client.get(f"/audit/trail/{record_type}/{record_id}", headers=officer)
        assert response.status_code == 404, (record_type, record_id, response.text)
        assert response.headers["content-type"] == PROBLEM
    assert await _audit_events(db_engine) == 0


async def test_a_deleted_watch_keeps_its_trail_without_its_row(
    client: httpx.AsyncClient, token: Callable[..., str], db_engine: AsyncEngine
) -> None:
    firm = _bearer(token, "firm", business_id="04595257")
    watch = await _created(await client.post("/watches", json=WATCH, headers=firm))
    assert (await client.delete(f"/watches/{watch['id']}", headers=firm)).status_code == 204
    async with db_engine.connect() as connection:
        assert (
            await connection.scalar(select(func.count()).select_from(models.trademark_watch)) == 0
        )
    trail = f"/audit/trail/trademark_watch/{watch['id']}"
    foreign = _bearer(token, "officer", agency="BSMI")
    assert (await client.get(trail, headers=foreign)).status_code == 404
    read = await client.get(trail, headers=_bearer(token, "officer", agency="TIPO"))
    assert read.status_code == 200, read.text
    actions = [event["action"] for event in read.json()["items"]]
    assert actions == ["trademark_watch.delete", "trademark_watch.create"]
