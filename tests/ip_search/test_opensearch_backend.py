"""The OpenSearch backend against a scripted stand-in cluster (no server can run here): what it
sends, how it turns answers into candidates, and how it fails. The documents in the answers are
built by the indexer's own code from real register rows, so ranking them must explain a mark
exactly as the PostgreSQL backend's candidate does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.read_query import ReadPool
from common.settings import ServiceSettings
from ip_search.importing.planted import planted_number, planted_records
from ip_search.importing.runner import import_items
from ip_search.search import sql
from ip_search.search.backend import (
    Filters,
    SearchBackendUnavailable,
    SearchMode,
    SearchQuery,
)
from ip_search.search.opensearch import queries, repository
from ip_search.search.opensearch.backend import OpenSearchSearchBackend, SearchIndexMissing
from ip_search.search.opensearch.client import opensearch_client
from ip_search.search.opensearch.documents import mark_document
from ip_search.search.postgres import SOURCE_CAP, PostgresSearchBackend, similar_sources
from ip_search.search.query import query_keys
from ip_search.settings import IpSearchSettings
from ip_search.text.relevance import RELEVANCE_CASES
from ip_search.trademarks.schemas import SearchParams
from ip_search.trademarks.service import run_search, to_query
from tests.ip_search.opensearch_cluster import Documents, answer_from, hit, result, searches
from tests.ip_search.opensearch_stub import Answer, OpenSearchStub, Recorded
from tests.ip_search.register_tables import REGISTER_TABLES

ALIAS = "marks"
MSEARCH = rf"/{ALIAS}/_msearch"


@pytest.fixture(scope="module")
async def documents(db_engine: AsyncEngine) -> AsyncIterator[Documents]:
    """The planted relevance marks, imported, as the indexer makes their documents."""
    async with db_engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {REGISTER_TABLES} RESTART IDENTITY"))
    await import_items(db_engine, planted_records(), source="planted", feed="synthetic")
    async with AsyncSession(db_engine) as session:
        rows = [row async for row in repository.all_marks(session, 100)]
    yield {row["application_no"]: mark_document(row) for row in rows}
    async with db_engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {REGISTER_TABLES} RESTART IDENTITY"))


@pytest.fixture
async def stub() -> AsyncIterator[OpenSearchStub]:
    server = OpenSearchStub()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def backend(stub: OpenSearchStub) -> AsyncIterator[OpenSearchSearchBackend]:
    client = opensearch_client(IpSearchSettings(opensearch_url=SecretStr(stub.url)))
    yield OpenSearchSearchBackend(client, ALIAS)
    await client.close()


def msearch(*answers: list[dict[str, Any]]) -> Callable[[Recorded], Answer]:
    """Answer each ``_msearch`` request in turn, one result per search in it."""
    turns = iter(answers)

    def answer(_request: Recorded) -> Answer:
        return 200, {"responses": next(turns)}

    return answer


async def test_similar_reads_key_postings_then_the_chosen_documents(
    stub: OpenSearchStub, backend: OpenSearchSearchBackend, documents: Documents
) -> None:
    stub.on("POST", MSEARCH, answer_from(documents))
    query = SearchQuery("生華", SearchMode.SIMILAR, Filters(nice_classes=(5,)))

    found = await backend.candidates(query, None)

    tsh = next(c for c in found.items if c.application_no == planted_number("tsh"))
    assert tsh.sources == ("gram", "sound")
    assert tsh.name == "東生華"
    assert all(5 in c.nice_classes for c in found.items)
    keyed, documents_request = stub.requests  # CJK only: no misspelling search follows
    bodies = searches(keyed)
    assert [b["_source"] for b in bodies].count(False) == len(bodies) - 1  # all but exact
    assert all({"terms": {"nice_classes": [5]}} in b["query"]["bool"]["filter"] for b in bodies)
    (fetch,) = searches(documents_request)
    assert set(fetch["query"]["ids"]["values"]) == {c.application_no for c in found.items}


@pytest.mark.parametrize("case", RELEVANCE_CASES, ids=lambda c: c.query)
async def test_key_sources_find_what_the_postgres_backend_finds(
    stub: OpenSearchStub,
    backend: OpenSearchSearchBackend,
    documents: Documents,
    db_engine: AsyncEngine,
    case: Any,
) -> None:
    stub.on("POST", MSEARCH, answer_from(documents))
    keys = query_keys(case.query)
    wanted = Filters(nice_classes=case.classes)
    sources, params = similar_sources(keys, wanted)
    async with AsyncSession(db_engine) as session:
        rows = await session.execute(text(sql.candidates_statement(sources)), params)
        from_postgres = {row.application_no: sorted(row.sources) for row in rows}

    found = await backend._sources(queries.similar_searches(keys, queries.filter_clauses(wanted)))
    from_opensearch: dict[str, list[str]] = {}
    for label, hits in found:
        for found_hit in hits:
            from_opensearch.setdefault(found_hit["_id"], []).append(label)

    assert {n: sorted(labels) for n, labels in from_opensearch.items()} == from_postgres


async def test_few_candidates_add_a_misspelling_search(
    stub: OpenSearchStub, backend: OpenSearchSearchBackend, documents: Documents
) -> None:
    photogenic = documents[planted_number("photogenic")]
    nothing = answer_from({})
    turns = iter([nothing, msearch([result([hit(photogenic)])])])

    def in_turn(request: Recorded) -> Answer:
        return next(turns)(request)

    stub.on("POST", MSEARCH, in_turn)

    found = await backend.candidates(SearchQuery("FOTOGENIC", SearchMode.SIMILAR), None)

    assert [(c.application_no, c.sources) for c in found.items] == [
        (planted_number("photogenic"), ("words",))
    ]
    assert len(stub.requests) == 2  # no key source found a mark: no documents to fetch
    (words,) = searches(stub.requests[1])
    assert "compacts.trigram" in words["query"]["bool"]["should"][0]["match"]


async def test_a_full_source_makes_the_total_a_lower_bound(
    stub: OpenSearchStub, backend: OpenSearchSearchBackend, documents: Documents
) -> None:
    template = documents[planted_number("tsh")]
    many = {
        f"{n:09d}": {**template, "application_no": f"{n:09d}", "grams": ["生华"]}
        for n in range(SOURCE_CAP + 5)
    }
    stub.on("POST", MSEARCH, answer_from(many))

    found = await backend.candidates(SearchQuery("生華", SearchMode.SIMILAR), None)

    assert (found.total, found.total_is_exact) == (SOURCE_CAP, False)


async def test_a_listing_reads_its_page_and_facet_sample_in_one_request(
    stub: OpenSearchStub, backend: OpenSearchSearchBackend, documents: Documents
) -> None:
    magna = documents[planted_number("magna")]
    page = result([hit(magna, ["magnabeauty", magna["application_no"]])], {"value": 1})
    sample = result([{"_source": {"nice_classes": [1, 3], "status": "registered", "kind": "x"}}])
    stub.on("POST", MSEARCH, msearch([page, sample]))
    after = ["magna", "000000000", "000000000"]

    found = await backend.candidates(SearchQuery("magna", SearchMode.PREFIX, limit=5), after)

    assert found.items[0].sort_key == ("magnabeauty", magna["application_no"])
    assert (found.total, found.total_is_exact) == (1, True)
    assert found.matches[0].nice_classes == (1, 3)
    page_body, sample_body = searches(stub.requests[0])
    assert page_body["size"] == 6
    assert page_body["search_after"] == ["magna", "000000000"]
    assert sample_body["size"] == 301


@pytest.mark.parametrize(("relation", "exact"), [("eq", True), ("gte", False)])
async def test_a_broad_listing_takes_its_total_from_the_count(
    stub: OpenSearchStub,
    backend: OpenSearchSearchBackend,
    documents: Documents,
    relation: str,
    exact: bool,
) -> None:
    row = {"_source": {"nice_classes": [5], "status": "registered", "kind": "trademark"}}
    page = result([], {"value": 10_000, "relation": relation})
    stub.on("POST", MSEARCH, msearch([page, result([row] * 301)]))

    found = await backend.candidates(SearchQuery("生", SearchMode.CONTAINS), None)

    assert (found.total, found.total_is_exact) == (10_000, exact)
    assert len(found.matches) == 300


@pytest.mark.parametrize(
    "answer",
    [
        (503, {"error": "cluster_block_exception", "status": 503}),
        (200, {"responses": [{"status": 404, "error": {"type": "index_not_found_exception"}}]}),
    ],
)
async def test_a_sick_cluster_or_a_missing_index_is_unavailable(
    stub: OpenSearchStub, backend: OpenSearchSearchBackend, answer: Answer
) -> None:
    stub.on("POST", MSEARCH, answer)
    stub.on("HEAD", rf"/_alias/{ALIAS}", (404, {}))

    with pytest.raises(SearchBackendUnavailable):
        await backend.candidates(SearchQuery("abc", SearchMode.EXACT), None)
    with pytest.raises(SearchIndexMissing, match=ALIAS):
        await backend.ready()


async def test_an_unreachable_cluster_is_unavailable() -> None:
    stopped = OpenSearchStub()
    url = await stopped.start()
    await stopped.stop()
    client = opensearch_client(IpSearchSettings(opensearch_url=SecretStr(url)))
    try:
        with pytest.raises(SearchBackendUnavailable):
            await OpenSearchSearchBackend(client, ALIAS).candidates(
                SearchQuery("abc", SearchMode.EXACT), None
            )
    finally:
        await client.close()


async def test_a_refused_search_is_a_programming_error_not_an_outage(
    stub: OpenSearchStub, backend: OpenSearchSearchBackend
) -> None:
    refused = {"status": 400, "error": {"type": "parsing_exception"}}
    stub.on("POST", MSEARCH, (200, {"responses": [refused, refused]}))

    with pytest.raises(RuntimeError, match="parsing_exception"):
        await backend.candidates(SearchQuery("abc", SearchMode.EXACT), None)


@pytest.mark.parametrize(
    ("query", "classes", "mark_id"),
    [("生華", [5], "tsh"), ("康師傅", [30], "kong-homophone"), ("MAGNA BEAUTY", [], "magna")],
)
async def test_a_mark_found_by_either_backend_is_scored_and_explained_alike(
    stub: OpenSearchStub,
    backend: OpenSearchSearchBackend,
    documents: Documents,
    database_url: str,
    query: str,
    classes: list[int],
    mark_id: str,
) -> None:
    mark = documents[planted_number(mark_id)]
    stub.on("POST", MSEARCH, answer_from({mark["application_no"]: mark}))
    params = SearchParams(q=query, nice_class=classes)

    from_opensearch = await run_search(backend, to_query(params), None)
    pool = ReadPool(ServiceSettings(database_url=database_url))
    try:
        from_postgres = await run_search(PostgresSearchBackend(pool), to_query(params), None)
    finally:
        await pool.close()

    (opensearch_hit,) = from_opensearch.items
    postgres_hit = next(
        i for i in from_postgres.items if i.application_no == mark["application_no"]
    )
    assert opensearch_hit == postgres_hit
    assert any(dimension.matched for dimension in opensearch_hit.score.breakdown)
