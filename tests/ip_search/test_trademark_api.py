"""``GET /trademarks/search`` and ``GET /trademarks/{application_no}`` on a real register.

The register (module-wide, imported once): the TIPO sample, the labelled relevance marks and
1,500 synthetic distractors that share their characters, sounds and suffixes.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.testing.pytest_plugin import ServiceClient
from ip_search.app import MANIFEST
from ip_search.importing.planted import planted_number, planted_records
from ip_search.importing.runner import import_file, import_items
from ip_search.synthetic import generate
from ip_search.text import fold
from ip_search.text.relevance import RELEVANCE_CASES
from tests.ip_search.register_tables import REGISTER_TABLES

SAMPLE = Path(__file__).parent / "fixtures" / "tmarkappl_api_sample_25.xml"
SEARCH = "/trademarks/search"
DISTRACTORS = 1500


async def _empty_register(engine: AsyncEngine, redis_url: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {REGISTER_TABLES} RESTART IDENTITY"))
    redis: Redis = Redis.from_url(redis_url)
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()


@pytest.fixture(scope="module")
async def register(db_engine: AsyncEngine, redis_url: str) -> AsyncIterator[None]:
    await _empty_register(db_engine, redis_url)
    await import_file(db_engine, SAMPLE)
    records = itertools.chain(generate(DISTRACTORS, seed=7), planted_records())
    await import_items(db_engine, records, source="test register", feed="synthetic")
    yield
    await _empty_register(db_engine, redis_url)


@pytest.fixture(scope="module")
async def client(
    register: None, settings_overrides: dict[str, Any]
) -> AsyncIterator[httpx.AsyncClient]:
    overrides = {
        **settings_overrides,
        "rate_limit_anonymous": "100000/minute",
        "data_as_of_cache_seconds": 0,
    }
    async with ServiceClient(MANIFEST, overrides) as http:
        yield http


async def search(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get(SEARCH, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def numbers(body: dict[str, Any]) -> list[str]:
    return [item["application_no"] for item in body["items"]]


async def register_counts(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as connection:
        marks = await connection.scalar(text("SELECT count(*) FROM ip_search.trademark"))
        runs = await connection.scalar(text("SELECT count(*) FROM ip_search.import_run"))
    return marks, runs


async def test_every_relevance_case_is_found_in_the_top_ten(client: httpx.AsyncClient) -> None:
    missed = []
    for case in RELEVANCE_CASES:
        body = await search(client, q=case.query, nice_class=list(case.classes), limit=10)
        if planted_number(case.expected) not in numbers(body):
            missed.append((case.query, case.expected, case.why))
    assert missed == []


async def test_two_characters_in_class_5_find_the_three_character_mark(
    client: httpx.AsyncClient,
) -> None:
    body = await search(client, q="生華", nice_class=5, mode="similar")

    hit = next(i for i in body["items"] if i["application_no"] == planted_number("tsh"))
    assert hit["name"] == "東生華"
    assert 5 in hit["classes"]
    breakdown = {d["dimension"]: d for d in hit["score"]["breakdown"]}
    assert set(breakdown) == {"words", "distinctive", "sound", "glyph", "classes"}
    assert breakdown["words"]["matched"] is True
    assert "contained" in breakdown["words"]["evidence"]
    assert sum(d["contribution"] for d in breakdown.values()) == pytest.approx(
        hit["score"]["total"], abs=0.001
    )
    assert all(5 in item["classes"] for item in body["items"])


async def test_the_longest_queries_are_answered(client: httpx.AsyncClient) -> None:
    # More syllables and words than the totals kernel holds on its stack: answered, not a 500.
    chinese = await search(client, q=("東生華食品工業股份有限公司" * 16)[:200], mode="similar")
    latin = await search(client, q=" ".join(["magna beauty"] * 16)[:200], mode="similar")

    assert chinese["total"] == len(chinese["items"]) == 0  # too long to be like any mark
    assert latin["total"] >= len(latin["items"]) > 0
    assert all(len(item["score"]["breakdown"]) == 5 for item in latin["items"])


async def test_simplified_query_explains_the_script_folding(client: httpx.AsyncClient) -> None:
    body = await search(client, q="华硕", nice_class=9)

    assert numbers(body)[0] == planted_number("asus")
    glyph = next(d for d in body["items"][0]["score"]["breakdown"] if d["dimension"] == "glyph")
    assert "traditional/simplified" in glyph["evidence"]


async def test_exact_mode_folds_width_and_case(client: httpx.AsyncClient) -> None:
    body = await search(client, q="ＡＢＣ", mode="exact")

    assert planted_number("abc") in numbers(body)
    assert all(fold(item["name"]).replace(" ", "") == "abc" for item in body["items"])
    assert body["total_is_exact"] is True
    assert body["total"] == len(body["items"])


async def test_prefix_mode(client: httpx.AsyncClient) -> None:
    body = await search(client, q="magna", mode="prefix", limit=100)

    assert planted_number("magna") in numbers(body)
    assert body["items"]
    assert all(fold(i["name"]).replace(" ", "").startswith("magna") for i in body["items"])


async def test_contains_mode_with_two_chinese_characters(client: httpx.AsyncClient) -> None:
    body = await search(client, q="生華", mode="contains", limit=100)

    assert planted_number("tsh") in numbers(body)
    assert all("生华" in fold(item["name"]) for item in body["items"])


async def test_contains_needs_three_letters(
    client: httpx.AsyncClient, db_engine: AsyncEngine
) -> None:
    before = await register_counts(db_engine)

    response = await client.get(SEARCH, params={"q": "ab", "mode": "contains"})

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "3 letters" in response.json()["detail"]
    assert await register_counts(db_engine) == before


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 101},
        {"limit": 0},
        {"nice_class": 46},
        {"mode": "fuzzy"},
        {"group": "12"},
        {"vienna": "3.1.8"},
        {"filed_from": "2020-02-01", "filed_to": "2020-01-01"},
        {"q": "!!!"},
    ],
)
async def test_bad_parameters_are_422_problems_and_change_nothing(
    client: httpx.AsyncClient, db_engine: AsyncEngine, params: dict[str, Any]
) -> None:
    before = await register_counts(db_engine)

    response = await client.get(SEARCH, params={"q": "康師傅", **params})

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 422
    assert await register_counts(db_engine) == before


async def test_bad_cursor_is_a_400_problem(client: httpx.AsyncClient) -> None:
    response = await client.get(SEARCH, params={"q": "康師傅", "cursor": "bm90LWpzb24="})

    assert response.status_code == 400
    assert response.json()["detail"] == "cursor is not valid"


async def test_filters_narrow_every_mode(client: httpx.AsyncClient) -> None:
    for mode in ("similar", "prefix"):
        body = await search(
            client, q="康", mode=mode, nice_class=[30, 29], status="registered", limit=100
        )
        assert body["items"], mode
        for item in body["items"]:
            assert {29, 30} & set(item["classes"])
            assert item["status"] == "registered"


async def test_date_kind_and_applicant_filters(client: httpx.AsyncClient) -> None:
    dated = await search(
        client, q="林森", mode="exact", filed_from="1951-01-01", filed_to="1951-12-31"
    )
    later = await search(client, q="林森", mode="exact", filed_from="1952-01-01")
    by_applicant = await search(client, q="林森", mode="exact", applicant="許鉗")
    certification = await search(client, q="林森", mode="exact", kind="certification_mark")

    assert numbers(dated) == ["000000001", "000000002"]
    assert numbers(later) == []
    assert numbers(by_applicant) == ["000000001", "000000002"]
    assert numbers(certification) == []


async def test_vienna_codes_all_or_any(client: httpx.AsyncClient, db_engine: AsyncEngine) -> None:
    async with db_engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT name, vienna_codes FROM ip_search.trademark "
                    "WHERE cardinality(vienna_codes) = 2 LIMIT 1"
                )
            )
        ).one()
    first, second = row.vienna_codes
    unknown = "29.15.25" if "29.15.25" not in row.vienna_codes else "29.15.24"

    both = await search(client, q=row.name, mode="exact", vienna=[first, second])
    with_unknown_all = await search(client, q=row.name, mode="exact", vienna=[first, unknown])
    with_unknown_any = await search(
        client, q=row.name, mode="exact", vienna=[first, unknown], vienna_match="any"
    )

    assert both["items"]
    assert with_unknown_all["items"] == [] or all(
        i["application_no"] not in numbers(both) for i in with_unknown_all["items"]
    )
    assert set(numbers(both)) <= set(numbers(with_unknown_any))


async def test_facets_count_the_matches(client: httpx.AsyncClient) -> None:
    body = await search(client, q="康", mode="prefix", limit=100)

    assert body["total_is_exact"] is True
    facets = body["facets"]
    assert sum(f["count"] for f in facets["status"]) == body["total"]
    assert sum(f["count"] for f in facets["kind"]) == body["total"]
    class_counts = {int(f["value"]): f["count"] for f in facets["nice_class"]}
    for nice_class, count in class_counts.items():
        narrowed = await search(client, q="康", mode="prefix", nice_class=nice_class, limit=1)
        assert narrowed["total"] == count


@pytest.mark.parametrize("mode", ["similar", "prefix", "contains"])
async def test_cursor_pages_are_stable_and_complete(client: httpx.AsyncClient, mode: str) -> None:
    whole = await search(client, q="生", mode=mode, limit=100)
    assert whole["next_cursor"] is None
    assert len(whole["items"]) > 7

    paged: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"q": "生", "mode": mode, "limit": 7}
        if cursor:
            params["cursor"] = cursor
        page = await search(client, **params)
        paged += numbers(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert paged == numbers(whole)


async def test_record_endpoint_returns_every_field(client: httpx.AsyncClient) -> None:
    response = await client.get("/trademarks/000000001")

    assert response.status_code == 200
    record = response.json()
    assert record["name"] == "林森"
    assert record["words_zh"] == "林森"
    assert record["kind"] == "trademark"
    assert record["colour"] == "black_and_white"
    assert record["classes"] == [
        {
            "position": 1,
            "code": "032",
            "nice_class": None,
            "old_code": True,
            "goods": "美髮霜商品。",
            "groups": [],
        }
    ]
    assert record["applicants"][0]["name_zh"] == "盛香堂　許鉗"
    assert record["applicants"][0]["country_code"] == "TW"
    assert record["agents"] == [{"position": 1, "name_zh": "陳家蔭", "address": None}]
    assert record["image_urls"][0].startswith("https://twtmsearch.tipo.gov.tw/")
    assert record["filing_date"] == "1951-02-27"
    assert record["data_as_of"] is not None
    assert "match_keys" not in record


async def test_unknown_record_is_a_404_problem(client: httpx.AsyncClient) -> None:
    missing = await client.get("/trademarks/999999999")
    malformed = await client.get("/trademarks/12345")

    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert "999999999" in missing.json()["detail"]
    assert malformed.status_code == 422


@pytest.mark.parametrize(
    ("path", "params"),
    [(SEARCH, {"q": "康師傅", "nice_class": 30}), ("/trademarks/000000001", {})],
)
async def test_etag_answers_304(
    client: httpx.AsyncClient, path: str, params: dict[str, Any]
) -> None:
    first = await client.get(path, params=params)
    etag = first.headers["etag"]

    again = await client.get(path, params=params, headers={"If-None-Match": etag})

    assert first.status_code == 200
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag


async def test_a_search_is_stored_when_asked_for_a_second_time(
    client: httpx.AsyncClient, redis_url: str
) -> None:
    params = {"q": "康師傅 stored twice", "mode": "similar"}
    redis: Redis = Redis.from_url(redis_url)

    async def new_keys() -> list[bytes]:
        return sorted(set(await redis.keys("cache:ip_search:tm-search:*")) - before)

    try:
        before = set(await redis.keys("cache:ip_search:tm-search:*"))
        first = await client.get(SEARCH, params=params)
        after_one = await new_keys()
        second = await client.get(SEARCH, params=params)
        await asyncio.sleep(0.05)  # its store travels with the next read
        third = await client.get(SEARCH, params=params)
        after_three = await new_keys()
    finally:
        await redis.aclose()

    assert first.content == second.content == third.content
    assert len(after_one) == 1 and after_one[0].endswith(b":asked")  # remembered, not stored
    entry = after_one[0].removesuffix(b":asked")
    assert after_three == [entry, after_one[0]]


async def test_data_as_of_is_the_last_finished_import(
    client: httpx.AsyncClient, db_engine: AsyncEngine
) -> None:
    async with db_engine.connect() as connection:
        finished = await connection.scalar(
            text("SELECT max(finished_at) FROM ip_search.import_run WHERE status = 'finished'")
        )

    body = await search(client, q="康師傅")

    assert body["data_as_of"] is not None
    assert body["data_as_of"].replace("Z", "+00:00") == finished.isoformat()


async def test_rate_limit_headers_on_search(client: httpx.AsyncClient) -> None:
    response = await client.get(SEARCH, params={"q": "康師傅"})

    assert int(response.headers["ratelimit-limit"]) == 100000
