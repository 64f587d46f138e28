"""The open-data API on real PostgreSQL and Redis: catalog, publishing, downloads and keys."""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from ip_search.app import MANIFEST
from ip_search.models import dataset_download, dataset_version, platform_tables
from ip_search.opendata.counters import BATCH, BATCHES, PENDING, flush_download_counts

DATASET = "trademark-register"
FILE_BYTES = 300_007  # more than one 256 KiB chunk, and odd
BASE = f"/open-data/datasets/{DATASET}"
DOWNLOAD = f"{BASE}/versions/1/download"
PROBLEM = "application/problem+json"


@pytest.fixture
def payload() -> bytes:
    return random.Random(3).randbytes(FILE_BYTES)


@pytest.fixture
async def client(
    service_client_factory: Callable[..., Any], tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    factory = service_client_factory(
        MANIFEST, open_data_dir=tmp_path, rate_limit_anonymous="100000/minute"
    )
    async with factory as http:
        yield http


@pytest.fixture
def officer(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('officer', agency='TIPO')}"}


@pytest.fixture
def firm(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('firm', business_id='04595257')}"}


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client: Redis = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def dataset_body(dataset_id: str = DATASET, **changes: Any) -> dict[str, Any]:
    return {
        "id": dataset_id,
        "title_zh": "商標註冊資料",
        "title_en": "Trademark register",
        "description_zh": "商標註冊案之書目資料,每月更新。",
        "description_en": "Bibliographic data of registered trademarks, monthly.",
        "update_frequency": "monthly",
        "keywords": ["商標", "trademark"],
        "fields": [{"name": "appl-no", "type": "string", "description": "申請案號"}],
        **changes,
    }


@pytest.fixture
async def published(
    client: httpx.AsyncClient, officer: dict[str, str], tmp_path: Path, payload: bytes
) -> dict[str, Any]:
    """The dataset with version 1: a file placed in storage, then registered."""
    response = await client.post("/open-data/datasets", json=dataset_body(), headers=officer)
    assert response.status_code == 201, response.text
    (tmp_path / "tm").mkdir()
    (tmp_path / "tm" / "2026-11.csv").write_bytes(payload)
    body = {"storage_key": "tm/2026-11.csv", "row_count": 1234, "change_note": "first"}
    response = await client.post(f"{BASE}/versions", json=body, headers=officer)
    assert response.status_code == 201, response.text
    version: dict[str, Any] = response.json()
    return version


async def flush(redis: Redis, engine: AsyncEngine) -> int:
    return await flush_download_counts(redis, async_sessionmaker(engine, expire_on_commit=False))


async def downloads_counted(engine: AsyncEngine, version: int = 1) -> int:
    async with engine.connect() as connection:
        statement = select(dataset_download.c.downloads).where(
            dataset_download.c.dataset_id == DATASET, dataset_download.c.version == version
        )
        return (await connection.execute(statement)).scalar_one_or_none() or 0


async def count_rows(engine: AsyncEngine, table: Any) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(table))).scalar_one()


async def test_publishing_records_sha256_size_and_rows(
    published: dict[str, Any], payload: bytes, db_engine: AsyncEngine
) -> None:
    assert published["version"] == 1
    assert published["sha256"] == hashlib.sha256(payload).hexdigest()
    assert published["size_bytes"] == FILE_BYTES
    assert published["row_count"] == 1234
    assert published["download_url"].endswith(DOWNLOAD)
    audit = platform_tables.audit_event
    async with db_engine.connect() as connection:
        actions = (await connection.execute(select(audit.c.action, audit.c.record_id))).all()
    assert ("open_data.version.publish", f"{DATASET}/1") in actions


async def test_range_resume_is_byte_exact(
    client: httpx.AsyncClient, published: dict[str, Any], payload: bytes
) -> None:
    half = FILE_BYTES // 2
    first = await client.get(DOWNLOAD, headers={"Range": f"bytes=0-{half - 1}"})
    second = await client.get(DOWNLOAD, headers={"Range": f"bytes={half}-"})
    assert (first.status_code, second.status_code) == (206, 206)
    assert first.headers["content-range"] == f"bytes 0-{half - 1}/{FILE_BYTES}"
    assert second.headers["content-range"] == f"bytes {half}-{FILE_BYTES - 1}/{FILE_BYTES}"
    assert first.headers["content-length"] == str(half)
    assert second.headers["content-length"] == str(FILE_BYTES - half)
    assert first.content + second.content == payload
    whole = await client.get(DOWNLOAD)
    assert whole.status_code == 200
    assert whole.headers["content-length"] == str(FILE_BYTES)
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.content == payload


async def test_if_range_with_a_stale_etag_sends_the_whole_file(
    client: httpx.AsyncClient, published: dict[str, Any], payload: bytes
) -> None:
    headers = {"Range": "bytes=100-", "If-Range": '"0000"'}
    response = await client.get(DOWNLOAD, headers=headers)
    assert response.status_code == 200
    assert response.content == payload


async def test_etag_is_the_sha256_and_if_none_match_gives_304(
    client: httpx.AsyncClient,
    published: dict[str, Any],
    redis: Redis,
    db_engine: AsyncEngine,
) -> None:
    first = await client.get(DOWNLOAD)
    etag = first.headers["etag"]
    assert etag == f'"{published["sha256"]}"'
    again = await client.get(DOWNLOAD, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    head = await client.head(DOWNLOAD)
    assert head.status_code == 200
    assert head.headers["content-length"] == str(FILE_BYTES)
    await flush(redis, db_engine)
    assert await downloads_counted(db_engine) == 1  # neither the 304 nor the HEAD counted


async def test_unsatisfiable_range_is_416_problem(
    client: httpx.AsyncClient, published: dict[str, Any], redis: Redis, db_engine: AsyncEngine
) -> None:
    response = await client.get(DOWNLOAD, headers={"Range": f"bytes={FILE_BYTES}-"})
    assert response.status_code == 416
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["content-range"] == f"bytes */{FILE_BYTES}"
    await flush(redis, db_engine)
    assert await downloads_counted(db_engine) == 0


async def test_concurrent_downloads_add_up(
    client: httpx.AsyncClient, published: dict[str, Any], redis: Redis, db_engine: AsyncEngine
) -> None:
    responses = await asyncio.gather(*(client.get(DOWNLOAD) for _ in range(50)))
    assert {response.status_code for response in responses} == {200}
    assert await flush(redis, db_engine) == 50
    assert await downloads_counted(db_engine) == 50
    assert await flush(redis, db_engine) == 0  # nothing pending: nothing added twice
    assert await downloads_counted(db_engine) == 50
    shown = (await client.get(BASE)).json()["versions"][0]["downloads"]
    assert shown == 50


async def test_a_batch_left_by_a_crashed_flush_is_not_counted_twice(
    client: httpx.AsyncClient, published: dict[str, Any], redis: Redis, db_engine: AsyncEngine
) -> None:
    await asyncio.gather(*(client.get(DOWNLOAD) for _ in range(3)))
    await flush(redis, db_engine)
    async with db_engine.connect() as connection:
        batch = (
            await connection.execute(text("SELECT batch FROM ip_search.download_flush"))
        ).scalar_one()
    # As if the run had died after its commit, before deleting the batch from Redis:
    # (type: ignore: redis-py types its asyncio commands as ``Awaitable[T] | T``)
    await redis.hset(BATCH + batch, f"{DATASET}/1", "3")  # type: ignore[misc]
    await redis.sadd(BATCHES, batch)  # type: ignore[misc]
    assert await flush(redis, db_engine) == 0
    assert await downloads_counted(db_engine) == 3
    assert not await redis.exists(BATCH + batch, PENDING)


async def test_api_key_quota_refuses_past_the_quota_and_counts_nothing_more(
    client: httpx.AsyncClient,
    published: dict[str, Any],
    officer: dict[str, str],
    redis: Redis,
    db_engine: AsyncEngine,
) -> None:
    created = await client.post(
        "/open-data/api-keys", json={"label": "mirror", "daily_quota": 3}, headers=officer
    )
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    headers = {"X-API-Key": key}
    statuses = [(await client.get(DOWNLOAD, headers=headers)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = await client.get(DOWNLOAD, headers=headers)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == PROBLEM
    assert int(refused.headers["retry-after"]) >= 1
    await flush(redis, db_engine)
    assert await downloads_counted(db_engine) == 3
    anonymous = await client.get(DOWNLOAD)  # the quota is the key's, not everyone's
    assert anonymous.status_code == 200
    async with db_engine.connect() as connection:
        stored = (
            await connection.execute(text("SELECT key_hash FROM ip_search.api_key"))
        ).scalar_one()
    assert key not in stored and len(stored) == 64


async def test_unknown_or_revoked_api_key_is_401(
    client: httpx.AsyncClient, published: dict[str, Any], officer: dict[str, str]
) -> None:
    unknown = await client.get(DOWNLOAD, headers={"X-API-Key": "tipo_od_nothing"})
    assert unknown.status_code == 401
    created = (
        await client.post(
            "/open-data/api-keys", json={"label": "x", "daily_quota": 5}, headers=officer
        )
    ).json()
    revoked = await client.delete(f"/open-data/api-keys/{created['id']}", headers=officer)
    assert revoked.status_code == 204
    response = await client.get(DOWNLOAD, headers={"X-API-Key": created["key"]})
    assert response.status_code == 401


async def test_unknown_dataset_and_bad_version_are_404_problems(
    client: httpx.AsyncClient, published: dict[str, Any], redis: Redis, db_engine: AsyncEngine
) -> None:
    missing = await client.get("/open-data/datasets/no-such-set/versions/1/download")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    assert "no dataset" in missing.json()["detail"]
    no_version = await client.get(f"{BASE}/versions/9/download")
    assert no_version.status_code == 404
    assert "no version 9" in no_version.json()["detail"]
    assert (await client.get(f"{BASE}/versions/0/download")).status_code == 422
    assert (await client.get("/open-data/datasets/no-such-set")).status_code == 404
    await flush(redis, db_engine)
    assert await count_rows(db_engine, dataset_download) == 0


async def test_publish_by_a_firm_is_403_and_changes_nothing(
    client: httpx.AsyncClient,
    published: dict[str, Any],
    firm: dict[str, str],
    tmp_path: Path,
    db_engine: AsyncEngine,
) -> None:
    files_before = sorted(tmp_path.rglob("*"))
    audit_before = await count_rows(db_engine, platform_tables.audit_event)
    body = {"storage_key": "tm/2026-11.csv", "change_note": "sneaky"}
    registered = await client.post(f"{BASE}/versions", json=body, headers=firm)
    uploaded = await client.post(f"{BASE}/versions/upload", content=b"a,b\n", headers=firm)
    anonymous = await client.post(f"{BASE}/versions/upload", content=b"a,b\n")
    assert (registered.status_code, uploaded.status_code, anonymous.status_code) == (403, 403, 401)
    assert registered.headers["content-type"] == PROBLEM
    assert await count_rows(db_engine, dataset_version) == 1
    assert sorted(tmp_path.rglob("*")) == files_before
    assert await count_rows(db_engine, platform_tables.audit_event) == audit_before
    created = await client.post("/open-data/datasets", json=dataset_body("other"), headers=firm)
    assert created.status_code == 403


async def test_register_refuses_a_path_outside_storage(
    client: httpx.AsyncClient,
    published: dict[str, Any],
    officer: dict[str, str],
    db_engine: AsyncEngine,
) -> None:
    for key in ("../secret.csv", "/etc/passwd", "tm/missing.csv"):
        response = await client.post(f"{BASE}/versions", json={"storage_key": key}, headers=officer)
        assert response.status_code == 422, key
    assert await count_rows(db_engine, dataset_version) == 1


async def test_upload_publishes_the_next_version_and_the_changefeed_lists_it(
    client: httpx.AsyncClient, published: dict[str, Any], officer: dict[str, str], tmp_path: Path
) -> None:
    content = b"appl-no\n114000001\n"
    response = await client.post(
        f"{BASE}/versions/upload",
        params={"row_count": 1, "change_note": "十一月新增"},
        content=content,
        headers=officer,
    )
    assert response.status_code == 201, response.text
    version = response.json()
    assert version["version"] == 2
    assert version["sha256"] == hashlib.sha256(content).hexdigest()
    assert not list((tmp_path / ".incoming").iterdir())
    download = await client.get(version["download_url"].removeprefix("http://testserver"))
    assert download.content == content
    changes = (await client.get(f"{BASE}/changes", params={"since": 1})).json()
    assert [item["version"] for item in changes["items"]] == [2]
    assert changes["items"][0]["change_note"] == "十一月新增"
    assert changes["latest_version"] == 2
    everything = (await client.get(f"{BASE}/changes", params={"since": 0, "limit": 1})).json()
    assert [item["version"] for item in everything["items"]] == [1]
    rest = await client.get(f"{BASE}/changes", params={"cursor": everything["next_cursor"]})
    assert [item["version"] for item in rest.json()["items"]] == [2]


async def test_oversize_upload_is_413_and_stores_nothing(
    service_client_factory: Callable[..., Any],
    tmp_path: Path,
    officer: dict[str, str],
    db_engine: AsyncEngine,
) -> None:
    factory = service_client_factory(
        MANIFEST, open_data_dir=tmp_path, open_data_upload_max_bytes=10
    )
    async with factory as client:
        await client.post("/open-data/datasets", json=dataset_body(), headers=officer)
        response = await client.post(f"{BASE}/versions/upload", content=b"x" * 11, headers=officer)
    assert response.status_code == 413
    assert await count_rows(db_engine, dataset_version) == 0
    assert not list((tmp_path / ".incoming").iterdir())


async def test_dataset_as_dcat_json_ld(
    client: httpx.AsyncClient, published: dict[str, Any]
) -> None:
    negotiated = await client.get(BASE, headers={"Accept": "application/ld+json"})
    assert negotiated.status_code == 200
    assert negotiated.headers["content-type"] == "application/ld+json"
    assert negotiated.headers["vary"] == "Accept"
    document = negotiated.json()
    assert document["@type"] == "dcat:Dataset"
    assert document["dct:publisher"]["foaf:name"][0]["@value"] == "經濟部智慧財產局"
    assert document["dct:license"]["dct:identifier"] == "OGDL-Taiwan-1.0"
    assert document["dct:accrualPeriodicity"]["@id"] == "http://purl.org/cld/freq/monthly"
    distribution = document["dcat:distribution"][0]
    assert distribution["spdx:checksum"]["spdx:checksumValue"] == published["sha256"]
    assert distribution["dcat:byteSize"]["@value"] == str(FILE_BYTES)
    assert document["dct:conformsTo"]["csvw:column"][0]["csvw:name"] == "appl-no"
    routed = await client.get(f"{BASE}.jsonld")
    assert routed.json() == document
    plain = await client.get(BASE)
    assert plain.headers["content-type"] == "application/json"
    assert plain.json()["licence"] == "OGDL-Taiwan-1.0"


async def test_catalog_search_filters_and_pages(
    client: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    bodies = [
        dataset_body(
            "patent-grants",
            title_en="Patent grants",
            title_zh="專利公告",
            update_frequency="weekly",
        ),
        dataset_body("trademark-register"),
        dataset_body("trademark-rights", title_en="Trademark rights", title_zh="商標權異動"),
    ]
    for body in bodies:
        assert (
            await client.post("/open-data/datasets", json=body, headers=officer)
        ).status_code == 201
    duplicate = await client.post("/open-data/datasets", json=bodies[0], headers=officer)
    assert duplicate.status_code == 409
    found = (await client.get("/open-data/datasets", params={"q": "trademark"})).json()
    assert [item["id"] for item in found["items"]] == ["trademark-register", "trademark-rights"]
    weekly = (await client.get("/open-data/datasets", params={"frequency": "weekly"})).json()
    assert [item["id"] for item in weekly["items"]] == ["patent-grants"]
    first = (await client.get("/open-data/datasets", params={"limit": 2})).json()
    rest = (await client.get("/open-data/datasets", params={"cursor": first["next_cursor"]})).json()
    ids = [item["id"] for item in first["items"] + rest["items"]]
    assert ids == ["patent-grants", "trademark-register", "trademark-rights"]
    assert rest["next_cursor"] is None


async def test_object_store_mode_redirects_and_counts(
    service_client_factory: Callable[..., Any],
    tmp_path: Path,
    officer: dict[str, str],
    payload: bytes,
    redis: Redis,
    db_engine: AsyncEngine,
) -> None:
    store = "https://opendata.example/bucket"
    factory = service_client_factory(MANIFEST, open_data_dir=tmp_path, open_data_base_url=store)
    async with factory as client:
        await client.post("/open-data/datasets", json=dataset_body(), headers=officer)
        (tmp_path / "v1.csv").write_bytes(payload)
        await client.post(f"{BASE}/versions", json={"storage_key": "v1.csv"}, headers=officer)
        response = await client.get(DOWNLOAD)
    assert response.status_code == 302
    assert response.headers["location"] == f"{store}/v1.csv"
    await flush(redis, db_engine)
    assert await downloads_counted(db_engine) == 1
