"""Patent search end to end on real PostgreSQL: import, query language, snippets, pages, plans."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.testing.pytest_plugin import ServiceClient
from ip_search.app import MANIFEST
from ip_search.patents.importer import import_jsonl

SAMPLE = Path(__file__).parent / "fixtures" / "patents_sample.jsonl"
SEARCH = "/patents/search"


async def _truncate(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("TRUNCATE ip_search.patent RESTART IDENTITY"))


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        count: int = (
            await connection.execute(text("SELECT count(*) FROM ip_search.patent"))
        ).scalar_one()
    return count


@pytest.fixture(scope="module")
async def sample(db_engine: AsyncEngine) -> AsyncIterator[None]:
    await _truncate(db_engine)
    report = await import_jsonl(db_engine, SAMPLE)
    assert (report.accepted, report.rejected, report.refused) == (8, 0, None)
    yield
    await _truncate(db_engine)


@pytest.fixture(scope="module")
async def client(
    sample: None, settings_overrides: dict[str, Any]
) -> AsyncIterator[httpx.AsyncClient]:
    overrides = {**settings_overrides, "rate_limit_anonymous": "100000/minute"}
    async with ServiceClient(MANIFEST, overrides) as http:
        yield http


async def search(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get(SEARCH, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def numbers(body: dict[str, Any]) -> list[str]:
    return [f"{item['office']}{item['publication_no']}" for item in body["items"]]


async def test_the_brief_example_finds_toyota_lithium_batteries_outside_h01m10_05(
    client: httpx.AsyncClient,
) -> None:
    body = await search(client, q="TI=(battery AND lithium) AND PA=toyota NOT IC=H01M10/05*")
    # The US Toyota pack is classified H01M10/052, so NOT IC=H01M10/05* removes it.
    assert numbers(body) == ["JP2023-101234"]
    assert (body["total"], body["total_is_exact"], body["next_cursor"]) == (1, True, None)
    title = body["items"][0]["highlights"]["title"]
    assert title == "<mark>Lithium</mark> <mark>battery</mark> electrode and <mark>battery</mark>"


async def test_cjk_terms_match_inside_runs_across_traditional_and_simplified(
    client: httpx.AsyncClient,
) -> None:
    body = await search(client, q="TI=鋰電池")
    assert set(numbers(body)) == {"TWI812345", "CN115123456"}
    titles = {item["office"]: item["highlights"]["title"] for item in body["items"]}
    assert titles["TW"] == "<mark>鋰電池</mark>負極材料及其製造方法"
    assert titles["CN"] == "一种<mark>锂电池</mark>隔膜"
    assert numbers(await search(client, q="TI=リチウムイオン")) == ["JP7000123"]
    assert numbers(await search(client, q="리튬 AND PA=samsung")) == ["KR1020230012345"]
    assert numbers(await search(client, q="PA=寧德")) == ["CN115123456"]


async def test_fields_dates_numbers_and_office_filter(client: httpx.AsyncClient) -> None:
    assert numbers(await search(client, q="AD=2019-01-01:2019-12-31 AND battery")) == ["EP3456789"]
    assert numbers(await search(client, q='AB="ceramic separator"')) == ["EP3456789"]
    assert numbers(await search(client, q='AB="separator ceramic"')) == []
    assert numbers(await search(client, q="IN=smith")) == ["US11234567"]
    assert numbers(await search(client, q="PN=US11234567B2")) == ["US11234567"]
    assert numbers(await search(client, q="AN=17/123,456")) == ["US11234567"]
    assert numbers(await search(client, q="IC=H04W")) == ["US20210123456"]
    assert numbers(await search(client, q="IC=H01M4/13")) == ["JP2023-101234"]
    assert numbers(await search(client, q="wirel* OR CL=石墨")) == [
        "TWI812345",
        "US20210123456",
    ]
    lithium = await search(client, q="lithium", office=["US", "EP"])
    assert numbers(lithium) == ["US11234567", "EP3456789"]


async def test_snippets_escape_document_html_and_claims_only_when_searched(
    client: httpx.AsyncClient,
) -> None:
    item = (await search(client, q="uplink"))["items"][0]
    # ts_headline drops markup tags; what is left is escaped, only <mark> is markup.
    assert "<script>" not in item["highlights"]["abstract"]
    assert "<mark>Uplink</mark> &amp; downlink" in item["highlights"]["abstract"]
    assert "<mark>uplink</mark>" in item["highlights"]["abstract"]
    assert (await search(client, q="TI=uplink"))["items"][0]["highlights"]["claims"] is None


async def test_keyset_pages_walk_every_hit_once_newest_first(client: httpx.AsyncClient) -> None:
    seen: list[str] = []
    dates: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        params: dict[str, Any] = {"q": "IC=H01M", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = await search(client, **params)
        assert body["total"] == 7
        seen += numbers(body)
        dates += [item["publication_date"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 7
    assert dates == sorted(dates, reverse=True)


async def test_one_document_and_missing_documents(client: httpx.AsyncClient) -> None:
    response = await client.get("/patents/TW/i812345")
    assert response.status_code == 200
    document = response.json()
    assert document["inventors"] == ["王志明", "陳怡君"]
    assert document["claims"] == ["1. 一種鋰電池負極材料，包含石墨。"]
    assert document["ipc"] == ["H01M4/583"]
    missing = await client.get("/patents/TW/I000000")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert (await client.get("/patents/XX/1")).status_code == 422


async def test_a_malformed_query_is_a_422_problem_pointing_at_the_position(
    client: httpx.AsyncClient, db_engine: AsyncEngine
) -> None:
    before = await _count(db_engine)
    response = await client.get(SEARCH, params={"q": "TI=(battery AND lithium"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["loc"] == ["query", "q", 23]
    assert problem["errors"][0]["type"] == "query_syntax"
    assert "position 23" in problem["detail"]
    assert await _count(db_engine) == before == 8
