"""Filtered exports of the register on real PostgreSQL and Redis, built by the real worker path.

The register: the 25-mark TIPO sample and 300 synthetic marks. The worker's side runs through
``deliver_outbox_message``, as arq runs it, with the service's own manifest.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import datetime as dt
import hashlib
import io
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from common.jobs import deliver_outbox_message
from common.jobs.queue import JobQueue
from common.jobs.runtime import RUNTIMES_KEY, ServiceRuntime
from ip_search.app import MANIFEST
from ip_search.importing.runner import import_file, import_items
from ip_search.models import platform_tables, trademark, trademark_export
from ip_search.opendata.exports.jobs import expire_exports
from ip_search.opendata.exports.selection import COLUMNS
from ip_search.synthetic import generate

SAMPLE = Path(__file__).parent / "fixtures" / "tmarkappl_api_sample_25.xml"
EXPORTS = "/open-data/exports"
PROBLEM = "application/problem+json"
TOPIC = "ip_search.export"


@pytest.fixture
async def register(db_engine: AsyncEngine, clean_backends: None) -> None:
    await import_file(db_engine, SAMPLE)
    await import_items(db_engine, generate(300, seed=11), source="test", feed="synthetic")


@pytest.fixture
def overrides(tmp_path: Path) -> dict[str, Any]:
    return {"open_data_dir": tmp_path, "rate_limit_anonymous": "100000/minute"}


@pytest.fixture
async def client(
    service_client_factory: Callable[..., Any], register: None, overrides: dict[str, Any]
) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client_factory(MANIFEST, **overrides) as http:
        yield http


async def run_worker(settings_overrides: dict[str, Any], **extra: Any) -> list[str]:
    """Deliver every pending export message as the worker would; their outcomes."""
    settings = MANIFEST.settings(**{**settings_overrides, **extra})
    runtime = ServiceRuntime.from_manifest(MANIFEST, settings)
    outbox = platform_tables.outbox
    try:
        async with runtime.engine.connect() as connection:
            pending = select(outbox.c.id).where(
                outbox.c.topic == TOPIC, outbox.c.completed_at.is_(None)
            )
            ids = list((await connection.execute(pending.order_by(outbox.c.id))).scalars())
        context = {RUNTIMES_KEY: {"ip_search": runtime}}
        return [await deliver_outbox_message(context, "ip_search", i) for i in ids]
    finally:
        await runtime.close()


async def scalar(engine: AsyncEngine, statement: Any) -> Any:
    async with engine.connect() as connection:
        return (await connection.execute(statement)).scalar_one()


async def exports_and_messages(engine: AsyncEngine) -> tuple[int, int]:
    outbox = platform_tables.outbox
    exports = await scalar(engine, select(func.count()).select_from(trademark_export))
    messages = await scalar(engine, select(func.count()).where(outbox.c.topic == TOPIC))
    return exports, messages


async def post(client: httpx.AsyncClient, body: dict[str, Any], **headers: str) -> httpx.Response:
    return await client.post(EXPORTS, json=body, headers=headers)


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")


async def test_an_export_is_queued_built_by_the_worker_and_served_like_a_dataset(
    client: httpx.AsyncClient,
    db_engine: AsyncEngine,
    settings_overrides: dict[str, Any],
    overrides: dict[str, Any],
) -> None:
    since = dt.date(2000, 1, 1)
    in_class_5 = await scalar(
        db_engine,
        select(func.count()).where(
            trademark.c.nice_classes.contains([5]), trademark.c.filing_date >= since
        ),
    )
    assert 0 < in_class_5 < 300
    requested = await post(client, {"nice_class": [5], "filed_from": since.isoformat()})
    assert requested.status_code == 202, requested.text
    job = requested.json()
    assert (job["status"], job["estimated_rows"], job["progress"]) == ("queued", in_class_5, 0)
    assert requested.headers["location"].endswith(f"{EXPORTS}/{job['id']}")
    early = await client.get(f"{EXPORTS}/{job['id']}/download")
    assert early.status_code == 409
    assert early.headers["content-type"] == PROBLEM

    assert await run_worker(settings_overrides, **overrides) == ["completed"]
    done = (await client.get(f"{EXPORTS}/{job['id']}")).json()
    assert (done["status"], done["row_count"], done["progress"]) == ("done", in_class_5, 1.0)
    download = await client.get(path_of(done["download_url"]))
    assert download.status_code == 200
    body = download.content
    assert hashlib.sha256(body).hexdigest() == done["sha256"]
    assert download.headers["etag"] == f'"{done["sha256"]}"'
    assert download.headers["content-length"] == str(done["size_bytes"])
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 1 + in_class_5
    classes = rows[0].index("nice_classes")
    assert all("5" in row[classes].split(" ") for row in rows[1:])
    numbers = [row[0] for row in rows[1:]]
    assert numbers == sorted(numbers)

    part = await client.get(path_of(done["download_url"]), headers={"Range": "bytes=10-99"})
    assert part.status_code == 206 and part.content == body[10:100]
    cached = await client.get(
        path_of(done["download_url"]), headers={"If-None-Match": download.headers["etag"]}
    )
    assert cached.status_code == 304


async def test_a_json_lines_export_of_q_holds_what_the_search_lists(
    client: httpx.AsyncClient, settings_overrides: dict[str, Any], overrides: dict[str, Any]
) -> None:
    query = {"q": "新", "mode": "contains"}
    listed: set[str] = set()
    page: dict[str, Any] = {"next_cursor": None}
    for _ in range(20):
        params = {**query, "limit": 100, **({"cursor": page["next_cursor"]} if listed else {})}
        page = (await client.get("/trademarks/search", params=params)).json()
        listed |= {item["application_no"] for item in page["items"]}
        if page["next_cursor"] is None:
            break
    assert listed, "the register has marks containing 新"

    job = (await post(client, {**query, "format": "jsonl"})).json()
    await run_worker(settings_overrides, **overrides)
    done = (await client.get(f"{EXPORTS}/{job['id']}")).json()
    body = (await client.get(path_of(done["download_url"]))).content
    marks = [orjson.loads(line) for line in body.splitlines()]
    assert {mark["application_no"] for mark in marks} == listed
    assert len(marks) == done["row_count"] == len(listed)
    assert list(marks[0]) == list(COLUMNS)
    assert isinstance(marks[0]["nice_classes"], list)
    assert (await client.get(path_of(done["download_url"]))).headers["content-type"] == (
        "application/jsonl"
    )


async def test_an_identical_query_gets_the_existing_export_until_the_next_import(
    client: httpx.AsyncClient, db_engine: AsyncEngine
) -> None:
    first = await post(client, {"nice_class": [9, 5], "status": ["registered"]})
    again = await post(client, {"status": ["registered"], "nice_class": [5, 9, 5]})
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["query_hash"] == first.json()["query_hash"]
    assert again.headers["location"] == first.headers["location"]
    assert await exports_and_messages(db_engine) == (1, 1)
    other_format = await post(client, {"nice_class": [5, 9], "format": "jsonl"})
    assert other_format.status_code == 202

    await import_items(db_engine, generate(5, seed=99), source="test", feed="synthetic")
    after_import = await post(client, {"nice_class": [5, 9], "status": ["registered"]})
    assert after_import.status_code == 202
    assert after_import.json()["id"] != first.json()["id"]
    assert after_import.json()["data_as_of"] > first.json()["data_as_of"]


async def test_a_query_over_the_row_cap_is_refused_and_nothing_is_queued(
    service_client_factory: Callable[..., Any],
    register: None,
    overrides: dict[str, Any],
    db_engine: AsyncEngine,
) -> None:
    async with service_client_factory(
        MANIFEST, **overrides, open_data_export_max_rows=10
    ) as client:
        refused = await post(client, {"status": ["registered", "filed", "lapsed"]})
        small = await post(client, {"q": "新", "mode": "contains", "nice_class": [5]})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["type"].endswith("/export-too-large")
    assert "more than 10 marks" in refused.json()["detail"]
    assert small.status_code == 202, small.text
    assert small.json()["estimated_rows"] <= 10
    assert await exports_and_messages(db_engine) == (1, 1)


@pytest.mark.parametrize(
    "body",
    [
        {"q": "新", "mode": "similar"},
        {"filed_from": "2024-01-02", "filed_to": "2023-01-01"},
        {"q": "ab", "mode": "contains"},
        {"q": "!!!"},
        {"nice_class": [46]},
        {"vienna": ["1.2.3"]},
        {"format": "xlsx"},
        {"where": "1=1"},
    ],
)
async def test_bad_filters_are_422_problems_and_change_nothing(
    client: httpx.AsyncClient, db_engine: AsyncEngine, body: dict[str, Any]
) -> None:
    response = await post(client, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert await exports_and_messages(db_engine) == (0, 0)


async def test_a_client_may_have_only_so_many_unfinished_exports(
    service_client_factory: Callable[..., Any],
    register: None,
    overrides: dict[str, Any],
    db_engine: AsyncEngine,
    token: Callable[..., str],
) -> None:
    officer = {"Authorization": f"Bearer {token('officer', agency='TIPO')}"}
    async with service_client_factory(
        MANIFEST, **overrides, open_data_exports_per_client=2
    ) as client:
        statuses = [(await post(client, {"nice_class": [c]})).status_code for c in (1, 2, 3)]
        reused = await post(client, {"nice_class": [1]})
        issued = await client.post(
            "/open-data/api-keys", json={"label": "bulk", "daily_quota": 9}, headers=officer
        )
        keyed = await post(client, {"nice_class": [3]}, **{"X-API-Key": issued.json()["key"]})
        refused = await post(client, {"nice_class": [4]})
    assert statuses == [202, 202, 429]
    assert reused.status_code == 200  # an identical query costs no new job
    assert keyed.status_code == 202  # a key holder is another client than its IP address
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["type"].endswith("/too-many-exports")
    assert int(refused.headers["retry-after"]) >= 1
    assert await exports_and_messages(db_engine) == (3, 3)


async def test_a_failed_export_says_so_safely_and_an_identical_request_runs_again(
    client: httpx.AsyncClient,
    settings_overrides: dict[str, Any],
    overrides: dict[str, Any],
    tmp_path: Path,
) -> None:
    job = (await post(client, {"nice_class": [5]})).json()
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("storage cannot live here")
    outcomes = await run_worker(
        settings_overrides, **{**overrides, "open_data_dir": not_a_directory}
    )
    assert outcomes == ["completed"]  # a builder's failure is final: no retry storm
    failed = (await client.get(f"{EXPORTS}/{job['id']}")).json()
    assert (failed["status"], failed["download_url"]) == ("failed", None)
    assert failed["error"] == "the export could not be built"  # no paths or SQL leak out
    assert (await client.get(f"{EXPORTS}/{job['id']}/download")).status_code == 409

    again = await post(client, {"nice_class": [5]})
    assert again.status_code == 202 and again.json()["id"] != job["id"]
    assert await run_worker(settings_overrides, **overrides) == ["completed"]
    assert (await client.get(f"{EXPORTS}/{again.json()['id']}")).json()["status"] == "done"


async def test_an_export_past_its_retention_is_deleted_and_answers_410(
    client: httpx.AsyncClient,
    db_engine: AsyncEngine,
    settings_overrides: dict[str, Any],
    overrides: dict[str, Any],
    tmp_path: Path,
) -> None:
    old = (await post(client, {"nice_class": [5]})).json()
    recent = (await post(client, {"nice_class": [9]})).json()
    await run_worker(settings_overrides, **overrides)
    async with db_engine.begin() as connection:
        await connection.execute(
            update(trademark_export)
            .where(trademark_export.c.id == old["id"])
            .values(finished_at=func.now() - dt.timedelta(days=30))
        )
    runtime = ServiceRuntime.from_manifest(
        MANIFEST, MANIFEST.settings(**settings_overrides, **overrides)
    )
    try:
        assert await expire_exports(runtime, JobQueue(None, "unused")) == 1  # type: ignore[arg-type]
    finally:
        await runtime.close()
    assert not (tmp_path / "exports" / f"{old['id']}.csv").exists()
    assert (tmp_path / "exports" / f"{recent['id']}.csv").exists()
    gone = await client.get(f"{EXPORTS}/{old['id']}/download")
    assert gone.status_code == 410
    assert gone.headers["content-type"] == PROBLEM
    assert (await client.get(f"{EXPORTS}/{old['id']}")).json()["status"] == "expired"
    renewed = await post(client, {"nice_class": [5]})
    assert renewed.status_code == 202  # an expired export is not reused


async def test_an_unknown_export_is_a_404_problem(client: httpx.AsyncClient) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    for path in (f"{EXPORTS}/{missing}", f"{EXPORTS}/{missing}/download"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
    assert (await client.get(f"{EXPORTS}/not-a-uuid")).status_code == 422


async def test_concurrent_identical_requests_make_one_export(
    client: httpx.AsyncClient, db_engine: AsyncEngine
) -> None:
    responses = await asyncio.gather(*(post(client, {"kind": ["trademark"]}) for _ in range(6)))
    assert sorted(r.status_code for r in responses).count(202) == 1
    assert len({r.json()["id"] for r in responses}) == 1
    assert await exports_and_messages(db_engine) == (1, 1)
