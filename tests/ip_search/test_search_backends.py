"""The search backend contract: every ``SearchBackend`` passes these, through the shared ranking.

Run against PostgreSQL always, and its resident index (similar searches from memory, the rest
from PostgreSQL), and against OpenSearch when ``OPENSEARCH_URL`` names a cluster
(the register is then indexed by the real full reindex into a throwaway alias). The register:
the TIPO sample, the labelled relevance marks and 1,500 synthetic distractors that share their
characters, sounds and suffixes.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.errors import UnprocessableContent
from common.read_query import ReadPool
from common.settings import ServiceSettings
from ip_search.importing.planted import planted_number
from ip_search.search import sql
from ip_search.search.backend import SearchBackend
from ip_search.search.postgres import PostgresSearchBackend
from ip_search.search.resident.backend import ResidentSearchBackend
from ip_search.search.resident.holder import ResidentIndexHolder
from ip_search.settings import IpSearchSettings
from ip_search.text import fold
from ip_search.text.relevance import RELEVANCE_CASES
from ip_search.trademarks.repository import read_data_as_of
from ip_search.trademarks.schemas import SearchParams, SearchResponse
from ip_search.trademarks.service import run_search, to_query
from tests.ip_search.register_tables import empty_register, fill_register

DISTRACTORS = 1500
OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL")
BACKENDS = [
    "postgres",
    "resident",
    pytest.param(
        "opensearch",
        marks=pytest.mark.skipif(
            not OPENSEARCH_URL,
            reason="OPENSEARCH_URL is not set: no OpenSearch server can run on the project's "
            "machines, so CI runs the PostgreSQL backend; set it to a cluster to run this one",
        ),
    ),
]


@pytest.fixture(scope="module")
async def register(db_engine: AsyncEngine) -> AsyncIterator[None]:
    await empty_register(db_engine)
    await fill_register(db_engine, distractors=DISTRACTORS, seed=7, source="contract register")
    yield
    await empty_register(db_engine)


async def _opensearch(session: AsyncSession) -> AsyncIterator[SearchBackend]:
    # Imported here: the opensearch extra may be absent where only PostgreSQL is tested.
    from ip_search.search.opensearch.backend import OpenSearchSearchBackend  # noqa: PLC0415
    from ip_search.search.opensearch.client import opensearch_client  # noqa: PLC0415
    from ip_search.search.opensearch.indexer import full_reindex  # noqa: PLC0415

    alias = f"moea-contract-{uuid.uuid4().hex[:12]}"
    settings = IpSearchSettings(opensearch_url=SecretStr(OPENSEARCH_URL or ""))
    client = opensearch_client(settings)
    try:
        await full_reindex(client, session, alias, replicas=0)
        yield OpenSearchSearchBackend(client, alias)
    finally:
        await client.indices.delete(index=f"{alias}-*")
        await client.close()


@pytest.fixture(scope="module")
async def read_pool(database_url: str) -> AsyncIterator[ReadPool]:
    """The read-only driver pool the app's PostgreSQL backend searches on."""
    pool = ReadPool(ServiceSettings(database_url=database_url))
    yield pool
    await pool.close()


@pytest.fixture(scope="module", params=BACKENDS)
async def backend(
    request: pytest.FixtureRequest, register: None, db_engine: AsyncEngine, read_pool: ReadPool
) -> AsyncIterator[SearchBackend]:
    if request.param == "postgres":
        yield PostgresSearchBackend(read_pool)
        return
    if request.param == "resident":
        holder = ResidentIndexHolder(read_pool, partial(read_data_as_of, read_pool))
        holder.reload()
        assert await holder.loaded() is not None
        yield ResidentSearchBackend(PostgresSearchBackend(read_pool), holder)
        await holder.close()
        return
    async with AsyncSession(db_engine) as session:
        async for opensearch in _opensearch(session):
            yield opensearch


async def search(backend: SearchBackend, **params: Any) -> SearchResponse:
    return await run_search(backend, to_query(SearchParams(**params)), None)


def numbers(response: SearchResponse) -> list[str]:
    return [item.application_no for item in response.items]


async def test_every_relevance_case_is_found_in_the_top_ten(backend: SearchBackend) -> None:
    missed = []
    for case in RELEVANCE_CASES:
        found = await search(backend, q=case.query, nice_class=list(case.classes), limit=10)
        if planted_number(case.expected) not in numbers(found):
            missed.append((case.query, case.expected, case.why))
    assert missed == []


@pytest.mark.parametrize(
    ("query", "classes", "expected", "why"),
    [
        ("生華", [5], "tsh", "two characters in class 5 find the three-character mark"),
        ("康師傅", [30], "kong-homophone", "a pinyin homophone written with other characters"),
        ("华硕", [9], "asus", "a simplified-character query finds the traditional mark"),
        ("MAGNA BEAUTY", [], "magna", "spaced words find the words written together"),
    ],
)
async def test_the_issue_examples(
    backend: SearchBackend, query: str, classes: list[int], expected: str, why: str
) -> None:
    found = await search(backend, q=query, nice_class=classes, mode="similar", limit=10)

    assert planted_number(expected) in numbers(found), why
    hit = next(i for i in found.items if i.application_no == planted_number(expected))
    assert any(d.matched for d in hit.score.breakdown)
    assert all(set(classes) & set(item.classes) for item in found.items) or not classes


async def test_exact_mode_folds_width_and_case(backend: SearchBackend) -> None:
    found = await search(backend, q="ＡＢＣ", mode="exact")

    assert planted_number("abc") in numbers(found)
    assert all(fold(item.name).replace(" ", "") == "abc" for item in found.items)
    assert (found.total, found.total_is_exact) == (len(found.items), True)


async def test_prefix_mode(backend: SearchBackend) -> None:
    found = await search(backend, q="magna", mode="prefix", limit=100)

    assert planted_number("magna") in numbers(found)
    assert all(fold(i.name).replace(" ", "").startswith("magna") for i in found.items)


@pytest.mark.parametrize(("query", "folded"), [("生華", "生华"), ("agnabea", "agnabea")])
async def test_contains_mode(backend: SearchBackend, query: str, folded: str) -> None:
    found = await search(backend, q=query, mode="contains", limit=100)

    assert found.items
    assert all(folded in fold(item.name).replace(" ", "") for item in found.items)


async def test_contains_needs_three_letters(backend: SearchBackend) -> None:
    with pytest.raises(UnprocessableContent, match="3 letters"):
        await search(backend, q="ab", mode="contains")


async def test_class_and_status_filters_narrow_every_mode(backend: SearchBackend) -> None:
    for mode in ("similar", "prefix", "contains", "exact"):
        found = await search(
            backend, q="康", mode=mode, nice_class=[30, 29], status=["registered"], limit=100
        )
        assert found.items or mode == "exact", mode
        for item in found.items:
            assert {29, 30} & set(item.classes)
            assert item.status == "registered"


async def test_date_kind_and_applicant_filters(backend: SearchBackend) -> None:
    dated = await search(
        backend, q="林森", mode="exact", filed_from="1951-01-01", filed_to="1951-12-31"
    )
    later = await search(backend, q="林森", mode="exact", filed_from="1952-01-01")
    by_applicant = await search(backend, q="林森", mode="exact", applicant="許鉗")
    by_longer_applicant = await search(backend, q="林森", mode="exact", applicant="盛香堂　許鉗")
    certification = await search(backend, q="林森", mode="exact", kind=["certification_mark"])

    assert numbers(dated) == ["000000001", "000000002"]
    assert numbers(later) == []
    assert numbers(by_applicant) == ["000000001", "000000002"]
    assert numbers(by_longer_applicant) == ["000000001", "000000002"]
    assert numbers(certification) == []


async def test_vienna_codes_all_or_any(backend: SearchBackend, db_engine: AsyncEngine) -> None:
    async with db_engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT name, vienna_codes FROM ip_search.trademark "
                    "WHERE cardinality(vienna_codes) = 2 ORDER BY application_no LIMIT 1"
                )
            )
        ).one()
    first, second = row.vienna_codes
    unknown = "29.15.25" if "29.15.25" not in row.vienna_codes else "29.15.24"

    both = await search(backend, q=row.name, mode="exact", vienna=[first, second])
    all_of = await search(backend, q=row.name, mode="exact", vienna=[first, unknown])
    any_of = await search(
        backend, q=row.name, mode="exact", vienna=[first, unknown], vienna_match="any"
    )

    assert both.items
    assert not set(numbers(both)) & set(numbers(all_of))
    assert set(numbers(both)) <= set(numbers(any_of))


async def test_facets_count_the_matches(backend: SearchBackend) -> None:
    found = await search(backend, q="康", mode="prefix", limit=100)

    assert found.total_is_exact is True
    assert sum(f.count for f in found.facets.status) == found.total
    assert sum(f.count for f in found.facets.kind) == found.total
    for facet in found.facets.nice_class:
        narrowed = await search(
            backend, q="康", mode="prefix", nice_class=[int(facet.value)], limit=1
        )
        assert narrowed.total == facet.count


@pytest.mark.parametrize("mode", ["similar", "prefix", "contains"])
async def test_cursor_pages_are_stable_and_complete(backend: SearchBackend, mode: str) -> None:
    whole = await search(backend, q="生", mode=mode, limit=100)
    assert whole.next_cursor is None
    assert len(whole.items) > 7

    paged: list[str] = []
    cursor = None
    while True:
        page = await search(backend, q="生", mode=mode, limit=7, cursor=cursor)
        paged += numbers(page)
        cursor = page.next_cursor
        if cursor is None:
            break

    assert paged == numbers(whole)


@pytest.mark.parametrize("query", ["生", "生華", "agnab"])
async def test_filtered_contains_pages_are_stable_and_every_hit_contains_the_query(
    backend: SearchBackend, query: str
) -> None:
    folded = fold(query).replace(" ", "")
    whole = await search(backend, q=query, mode="contains", nice_class=[5, 30, 3], limit=100)
    paged: list[str] = []
    cursor = None
    while True:
        page = await search(
            backend, q=query, mode="contains", nice_class=[5, 30, 3], limit=3, cursor=cursor
        )
        paged += numbers(page)
        cursor = page.next_cursor
        if cursor is None:
            break

    assert whole.items
    assert paged == numbers(whole)
    for item in whole.items:
        assert folded in fold(item.name).replace(" ", "")
        assert {5, 30, 3} & set(item.classes)


async def test_a_filtered_contains_sample_that_read_part_of_the_matches_estimates_its_total(
    backend: SearchBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not isinstance(backend, PostgresSearchBackend):
        pytest.skip("the bounded facet sample is the PostgreSQL backend's")
    exact = await search(backend, q="生", mode="contains", status=["registered"], limit=5)
    monkeypatch.setattr(sql, "SAMPLE_SCAN", 4)

    partial = await search(backend, q="生", mode="contains", status=["registered"], limit=5)

    assert exact.total_is_exact is True
    assert 4 < exact.total <= 300
    assert partial.total_is_exact is False
    assert partial.total >= len(partial.items)
    assert numbers(partial) == numbers(exact)
