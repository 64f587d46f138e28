"""Filling the OpenSearch index from the register, against a scripted stand-in cluster (no
server can run here): documents, the full reindex and its alias swap, per-import indexing by
the worker."""

from __future__ import annotations

import re
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from ip_search.importing.runner import import_file, import_items
from ip_search.search.opensearch import indexer, repository
from ip_search.search.opensearch.client import opensearch_client
from ip_search.search.opensearch.documents import mark_document
from ip_search.search.opensearch.indexer import full_reindex, index_run_chunk
from ip_search.search.opensearch.mapping import MAPPINGS
from ip_search.settings import IpSearchSettings
from ip_search.synthetic import generate
from tests.ip_search.opensearch_stub import ACKNOWLEDGED, OpenSearchStub, Recorded, bulk_ok
from tests.ip_search.worker import run_worker_until_quiet
from tests.thread_calls import ThreadCalls

SAMPLE = Path(__file__).parent / "fixtures" / "tmarkappl_api_sample_25.xml"
ALIAS = "marks"
OLD = "marks-20240101000000000000"
NEW = r"/marks-\d{20}"

pytestmark = pytest.mark.usefixtures("clean_backends")


@pytest.fixture
async def stub() -> AsyncIterator[OpenSearchStub]:
    server = OpenSearchStub()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client(stub: OpenSearchStub) -> AsyncIterator[Any]:
    opensearch = opensearch_client(IpSearchSettings(opensearch_url=SecretStr(stub.url)))
    yield opensearch
    await opensearch.close()


def script_cluster(stub: OpenSearchStub, *, current: list[str]) -> None:
    """A cluster whose alias names ``current`` and that accepts every write."""
    aliased: dict[str, Any] = {index: {"aliases": {ALIAS: {}}} for index in current}
    stub.on("GET", rf"/_alias/{ALIAS}", (200, aliased) if current else (404, {"status": 404}))
    stub.on("HEAD", rf"/_alias/{ALIAS}", (200 if current else 404, {}))
    stub.on("PUT", NEW, ACKNOWLEDGED)
    stub.on("PUT", rf"{NEW}/_settings", ACKNOWLEDGED)
    stub.on("POST", rf"{NEW}/_refresh", (200, {"_shards": {"failed": 0}}))
    stub.on("POST", "/_bulk", bulk_ok)
    stub.on("POST", "/_aliases", ACKNOWLEDGED)
    stub.on("DELETE", r"/marks-\d{20}", ACKNOWLEDGED)


def shape(calls: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Calls with the new index's generated name replaced by ``NEW``."""
    return [(method, re.sub(r"marks-(?!20240101)\d{20}", "NEW", path)) for method, path in calls]


def bulk_documents(request: Recorded) -> list[tuple[str, str]]:
    """(index, id) of every action of a ``_bulk`` request."""
    return [(a["index"]["_index"], a["index"]["_id"]) for a in request.ndjson()[::2]]


async def imported_sample(engine: AsyncEngine) -> set[str]:
    await import_file(engine, SAMPLE)
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT application_no FROM ip_search.trademark"))
        return {row.application_no for row in rows}


async def key_table(session: AsyncSession, table: str, column: str) -> dict[str, set[str]]:
    """Each mark's keys in one PostgreSQL key table (names are this module's constants)."""
    rows = await session.execute(text(f"SELECT application_no, {column} FROM ip_search.{table}"))
    keys: dict[str, set[str]] = {}
    for number, key in rows:
        keys.setdefault(number, set()).add(key)
    return keys


async def test_a_document_holds_exactly_the_keys_of_the_postgres_key_tables(
    db_engine: AsyncEngine,
) -> None:
    await imported_sample(db_engine)
    async with AsyncSession(db_engine) as session:
        documents = [mark_document(row) async for row in repository.all_marks(session, 10)]
        grams = await key_table(session, "mark_gram", "gram")
        sounds = await key_table(session, "mark_sound", "key")
        texts = await key_table(session, "mark_text", "compact")

    assert len(documents) == 25
    for document in documents:
        number = document["application_no"]
        assert set(document["grams"]) == grams.get(number, set()), number
        assert set(document["sounds"]) == sounds.get(number, set()), number
        assert set(document["compacts"]) == texts.get(number, set()), number
        assert set(document) == set(MAPPINGS["properties"])


async def test_full_reindex_loads_a_new_index_then_swaps_the_alias_atomically(
    stub: OpenSearchStub, client: Any, db_engine: AsyncEngine
) -> None:
    numbers = await imported_sample(db_engine)
    script_cluster(stub, current=[OLD])

    async with AsyncSession(db_engine) as session:
        report = await full_reindex(client, session, ALIAS, replicas=2, chunk=10)

    assert shape(stub.calls()) == [
        ("PUT", "/NEW"),
        *[("POST", "/_bulk")] * 3,
        ("PUT", "/NEW/_settings"),
        ("POST", "/NEW/_refresh"),
        ("GET", f"/_alias/{ALIAS}"),
        ("POST", "/_aliases"),
        *[("POST", "/_bulk")] * 3,  # the imports of the last minutes, again through the alias
        ("DELETE", f"/{OLD}"),
    ]
    created, *loads, live, _, _, swap, _, _, _, _ = stub.requests
    new = created.path.lstrip("/")
    assert report.index == new
    assert (report.marks, report.retired, report.caught_up) == (25, (OLD,), 25)
    assert created.json()["settings"]["index"]["refresh_interval"] == "-1"
    assert created.json()["mappings"] == MAPPINGS
    assert {doc for load in loads for doc in bulk_documents(load)} == {(new, n) for n in numbers}
    assert live.json() == {"index": {"number_of_replicas": 2, "refresh_interval": "1s"}}
    assert swap.json() == {
        "actions": [
            {"remove": {"index": OLD, "alias": ALIAS}},
            {"add": {"index": new, "alias": ALIAS}},
        ]
    }
    caught_up = stub.requests[-4:-1]
    assert {doc for load in caught_up for doc in bulk_documents(load)} == {
        (ALIAS, n) for n in numbers
    }


async def test_the_first_reindex_only_adds_the_alias(
    stub: OpenSearchStub, client: Any, db_engine: AsyncEngine
) -> None:
    await imported_sample(db_engine)
    script_cluster(stub, current=[])

    async with AsyncSession(db_engine) as session:
        report = await full_reindex(client, session, ALIAS, replicas=0)

    (swap,) = [r for r in stub.requests if r.path == "/_aliases"]
    assert swap.json() == {"actions": [{"add": {"index": report.index, "alias": ALIAS}}]}
    assert report.retired == ()
    assert not [r for r in stub.requests if r.method == "DELETE"]


async def test_a_failed_load_deletes_its_index_and_leaves_the_alias_alone(
    stub: OpenSearchStub, client: Any, db_engine: AsyncEngine
) -> None:
    await imported_sample(db_engine)

    def refused(request: Recorded) -> tuple[int, Any]:
        items = [
            {"index": {"_id": a["index"]["_id"], "status": 400, "error": {"type": "mapper"}}}
            for a in request.ndjson()[::2]
        ]
        return 200, {"took": 1, "errors": True, "items": items}

    stub.on("POST", "/_bulk", refused)
    script_cluster(stub, current=[OLD])

    async with AsyncSession(db_engine) as session:
        with pytest.raises(Exception, match="failed to index"):
            await full_reindex(client, session, ALIAS, replicas=0)

    assert shape(stub.calls()) == [("PUT", "/NEW"), ("POST", "/_bulk"), ("DELETE", "/NEW")]


async def test_an_import_is_indexed_chunk_by_chunk_through_the_alias(
    stub: OpenSearchStub, client: Any, db_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = sorted(await imported_sample(db_engine))
    script_cluster(stub, current=[OLD])
    threads = ThreadCalls(monkeypatch)
    threads.watch(indexer, "index_action")

    async with AsyncSession(db_engine) as session:
        first = await index_run_chunk(client, session, ALIAS, 1, chunk=10)
        second = await index_run_chunk(client, session, ALIAS, 1, after=first or "", chunk=10)
        last = await index_run_chunk(client, session, ALIAS, 1, after=second or "", chunk=10)
        other_run = await index_run_chunk(client, session, ALIAS, 2, chunk=10)

    assert (first, second, last, other_run) == (numbers[9], numbers[19], None, None)
    loads = [bulk_documents(r) for r in stub.requests if r.path == "/_bulk"]
    assert loads == [[(ALIAS, n) for n in numbers[i : i + 10]] for i in (0, 10, 20)]
    # The documents are built in a worker thread, not on the event loop.
    assert threads.counts() == {"index_action": len(numbers)}
    assert threads.on_thread(threading.current_thread()) == []


async def test_without_an_index_an_import_has_nothing_to_keep_in_step(
    stub: OpenSearchStub, client: Any, db_engine: AsyncEngine
) -> None:
    await imported_sample(db_engine)
    script_cluster(stub, current=[])

    async with AsyncSession(db_engine) as session:
        assert await index_run_chunk(client, session, ALIAS, 1) is None

    assert stub.calls() == [("HEAD", f"/_alias/{ALIAS}")]


async def test_the_worker_indexes_each_import_in_chunks_when_opensearch_is_selected(
    stub: OpenSearchStub, db_engine: AsyncEngine, redis_url: str, settings_overrides: dict[str, Any]
) -> None:
    await import_items(db_engine, generate(1001, seed=3), source="synthetic", feed="synthetic")
    script_cluster(stub, current=[OLD])
    selected = {
        **settings_overrides,
        "search_backend": "opensearch",
        "opensearch_url": stub.url,
        "opensearch_index": ALIAS,
    }

    await run_worker_until_quiet(db_engine, redis_url, selected)

    loads = [bulk_documents(r) for r in stub.requests if r.path == "/_bulk"]
    assert [len(load) for load in loads] == [1000, 1]
    async with db_engine.connect() as connection:
        marks = set(
            (
                await connection.execute(text("SELECT application_no FROM ip_search.trademark"))
            ).scalars()
        )
        failed = await connection.scalar(
            text("SELECT count(*) FROM ip_search.outbox WHERE completed_at IS NULL")
        )
    assert {number for load in loads for _, number in load} == marks
    assert failed == 0


async def test_with_postgres_selected_the_worker_leaves_opensearch_alone(
    stub: OpenSearchStub, db_engine: AsyncEngine, redis_url: str, settings_overrides: dict[str, Any]
) -> None:
    await imported_sample(db_engine)

    await run_worker_until_quiet(
        db_engine, redis_url, {**settings_overrides, "opensearch_url": stub.url}
    )

    assert stub.requests == []
    async with db_engine.connect() as connection:
        pending = await connection.scalar(
            text("SELECT count(*) FROM ip_search.outbox WHERE completed_at IS NULL")
        )
    assert pending == 0
