"""The resident index: the same candidates as PostgreSQL, from memory, as fresh as the register.

The register (module-wide): the TIPO sample, the labelled relevance marks and 600 synthetic
distractors that share their characters, sounds and suffixes.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from functools import partial
from typing import Any

import pytest
from asyncpg import Connection, Record
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.read_query import ReadPool
from common.settings import ServiceSettings
from ip_search.importing.planted import planted_number
from ip_search.importing.runner import import_items
from ip_search.search import ranking
from ip_search.search.backend import Candidate, Candidates, Filters, SearchMode, SearchQuery
from ip_search.search.postgres import (
    FEW_CANDIDATES,
    SOURCE_CAP,
    PostgresSearchBackend,
    similar_sources,
    trigram_source,
    trigram_text,
)
from ip_search.search.query import query_keys
from ip_search.search.resident import holder as holder_module
from ip_search.search.resident import index as index_module
from ip_search.search.resident import page as page_module
from ip_search.search.resident import trigrams as trigrams_module
from ip_search.search.resident.backend import ResidentSearchBackend, similar_from_memory
from ip_search.search.resident.filters import MarkFilter
from ip_search.search.resident.found import similar_items
from ip_search.search.resident.holder import ResidentIndexHolder, ResidentIndexNotReady
from ip_search.search.resident.index import ResidentIndex
from ip_search.search.resident.page import similar_page
from ip_search.synthetic import generate
from ip_search.text.relevance import RELEVANCE_CASES
from ip_search.trademarks.repository import read_data_as_of
from ip_search.trademarks.schemas import SearchParams
from ip_search.trademarks.service import run_search, to_query
from tests.ip_search.register_tables import empty_register, fill_register


@pytest.fixture(scope="module")
async def register(db_engine: AsyncEngine) -> AsyncIterator[None]:
    await empty_register(db_engine)
    await fill_register(db_engine, distractors=600, seed=11, source="resident register")
    yield
    await empty_register(db_engine)


@pytest.fixture(scope="module")
async def read_pool(database_url: str) -> AsyncIterator[ReadPool]:
    pool = ReadPool(ServiceSettings(database_url=database_url))
    yield pool
    await pool.close()


class CountingPostgres(PostgresSearchBackend):
    """The PostgreSQL backend, counting the searches it was asked (the resident backend's
    fallback: its searches read PostgreSQL for real)."""

    def __init__(self, pool: ReadPool) -> None:
        super().__init__(pool)
        self.asked = 0

    async def candidates(self, query: SearchQuery, after: Sequence[str] | None) -> Candidates:
        self.asked += 1
        return await super().candidates(query, after)


def holder_of(pool: ReadPool) -> ResidentIndexHolder:
    """A holder reading the register's stamp afresh at every search (the app trusts it for
    ``data_as_of_cache_seconds``)."""
    return ResidentIndexHolder(pool, partial(read_data_as_of, pool))


@pytest.fixture
async def holder(register: None, read_pool: ReadPool) -> AsyncIterator[ResidentIndexHolder]:
    loaded = holder_of(read_pool)
    loaded.reload()
    assert await loaded.loaded() is not None
    yield loaded
    await loaded.close()


async def _index(holder: ResidentIndexHolder) -> ResidentIndex:
    index = await holder.current()
    assert index is not None
    return index


def _facts(items: Sequence[Candidate]) -> list[Candidate]:
    """Candidates with their sources as a set: PostgreSQL aggregates them in no fixed order."""
    return sorted(item._replace(sources=tuple(sorted(item.sources))) for item in items)


async def _register_names(engine: AsyncEngine) -> list[tuple[str, list[int]]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT name, nice_classes FROM ip_search.trademark "
                "ORDER BY application_no LIMIT 400"
            )
        )
        return [(row.name, list(row.nice_classes)) for row in rows]


def _similar_searches(names: list[tuple[str, list[int]]]) -> list[tuple[str, Filters]]:
    """The relevance queries, and parts of register names with class, status and kind
    filters."""
    queries = [(case.query, Filters(nice_classes=case.classes)) for case in RELEVANCE_CASES]
    for name, classes in names:
        queries += [
            (name, Filters()),
            (name[:2], Filters(nice_classes=tuple(classes[:1]))),
            (name[1:], Filters(nice_classes=tuple(sorted(set(classes[:2]))))),
            (name[:3], Filters(statuses=("registered",))),
            (name[1:], Filters(nice_classes=tuple(classes[:1]), statuses=("filed", "lapsed"))),
            (name[:2], Filters(kinds=("collective_trademark", "certification_mark"))),
        ]
    return queries


async def test_memory_finds_the_candidates_postgresql_finds(
    holder: ResidentIndexHolder, read_pool: ReadPool, db_engine: AsyncEngine
) -> None:
    index = await _index(holder)
    postgres = PostgresSearchBackend(read_pool)
    queries = _similar_searches(await _register_names(db_engine))
    compared = 0
    for q, filters in queries:
        keys = query_keys(q)
        if not similar_sources(keys, filters)[0]:
            continue
        kept = index.mark_filter(filters.nice_classes, filters.statuses, filters.kinds)
        assert kept is not None
        remembered = similar_items(index, keys, kept)
        if len(remembered) < 10 and trigram_source(keys, filters) is not None:
            continue  # with the trigram source: test_memory_finds_the_misspellings_...
        read = await postgres.candidates(SearchQuery(q, SearchMode.SIMILAR, filters), None)
        assert _facts(remembered) == _facts(read.items), (q, filters)
        compared += 1

    assert compared > 1_500


@pytest.mark.parametrize("kernel", ["built", "python"])
async def test_the_index_ranks_the_page_ranking_gives_of_every_candidate(
    holder: ResidentIndexHolder,
    db_engine: AsyncEngine,
    kernel: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``resident.page`` scores candidates from their keys and filter words and builds the
    page's alone: the same hits, totals, order, count, exactness and facets, whether the C
    kernel (``_page.c``) or Python reads the buffers and ranks the page."""
    if kernel == "python":
        monkeypatch.setattr(page_module, "_native_ranked", None)
        monkeypatch.setattr(index_module, "_page", None)
    index = await _index(holder)
    rng = random.Random(5)
    names = await _register_names(db_engine)
    queries = _similar_searches(names)
    for name, _ in names:
        if name.isascii() and len(name) > 4:
            queries += [(q, Filters()) for q in _misspellings(name, rng)]
    compared = paged = 0
    for q, filters in queries:
        query = SearchQuery(q, SearchMode.SIMILAR, filters, limit=rng.choice([1, 5, 20, 100]))
        found = similar_page(index, query)
        everything = similar_from_memory(index, query)
        if found is None:
            assert everything is None, q
            continue
        assert everything is not None
        expected = ranking.similar_page(
            query_keys(q), everything, None, query.limit, classes=filters.nice_classes, groups=()
        )
        assert found == expected, (q, filters)
        compared += 1
        paged += len(found.hits) > query.limit

    assert compared > 1_500 and paged > 100, (compared, paged)


async def test_each_mark_has_the_bit_of_its_status_and_kind(holder: ResidentIndexHolder) -> None:
    index = await _index(holder)

    assert index.facets is not None and ("registered", "trademark") in index.facets
    assert sorted(index.facets.values()) == list(range(48, 48 + len(index.facets)))
    above = [int(word) >> 48 for word in index.filter_words]
    assert all(bits and bits & (bits - 1) == 0 for bits in above)  # exactly one each


def _misspellings(name: str, rng: random.Random) -> list[str]:
    """``name`` with a letter dropped, two swapped, and one doubled."""
    at = rng.randrange(len(name) - 1)
    return [
        name[:at] + name[at + 1 :],
        name[:at] + name[at + 1] + name[at] + name[at + 2 :],
        name[:at] + name[at] + name[at:],
    ]


async def test_memory_finds_the_misspellings_postgresql_finds(
    holder: ResidentIndexHolder, read_pool: ReadPool, db_engine: AsyncEngine
) -> None:
    """Searches whose key sources find few marks add pg_trgm's word similarity
    (``sql.words_source``): from memory, the same marks, and no PostgreSQL."""
    index = await _index(holder)
    assert index.words is not None
    postgres = PostgresSearchBackend(read_pool)
    counting = CountingPostgres(read_pool)
    resident = ResidentSearchBackend(counting, holder)
    rng = random.Random(3)
    queries = [(case.query, Filters(nice_classes=case.classes)) for case in RELEVANCE_CASES]
    for name, classes in await _register_names(db_engine):
        plain = name.strip()
        if plain.isascii() and len(plain) > 4:
            queries += [
                (q, Filters(nice_classes=tuple(classes[:1]))) for q in _misspellings(plain, rng)
            ]
            queries += [
                (plain[1:-1], Filters()),
                (plain + "x", Filters(nice_classes=tuple(sorted(set(classes[:2]))))),
                (plain[:-1], Filters(statuses=("registered",), kinds=("trademark",))),
            ]
    compared = with_words = capped = 0
    for q, filters in queries:
        keys = query_keys(q)
        latin = trigram_text(keys)
        kept = index.mark_filter(filters.nice_classes, filters.statuses, filters.kinds)
        assert kept is not None
        if latin is None or len(similar_items(index, keys, kept)) >= 10:
            continue
        rows = index.words.similar_marks(latin, index.filter_words, kept, SOURCE_CAP + 1)
        if rows is not None and len(rows) > SOURCE_CAP:
            capped += 1  # equal rows at the cap: each backend keeps whichever it met first
            continue
        query = SearchQuery(q, SearchMode.SIMILAR, filters)
        remembered = await resident.candidates(query, None)
        read = await postgres.candidates(query, None)
        assert _facts(remembered.items) == _facts(read.items), (q, filters)
        assert remembered.total_is_exact == read.total_is_exact
        compared += 1
        with_words += any("words" in item.sources for item in read.items)

    assert counting.asked == 0
    assert compared > 300 and with_words > 80, (compared, with_words)
    assert capped < compared / 10


async def test_a_query_beyond_the_trigram_alphabet_is_left_to_postgresql(
    holder: ResidentIndexHolder, read_pool: ReadPool
) -> None:
    counting = CountingPostgres(read_pool)
    resident = ResidentSearchBackend(counting, holder)
    query = SearchQuery("zqxcafézqx", SearchMode.SIMILAR, Filters())
    index = await _index(holder)
    assert len(similar_items(index, query_keys(query.text), MarkFilter())) < FEW_CANDIDATES

    remembered = await resident.candidates(query, None)

    assert counting.asked == 1
    read = await PostgresSearchBackend(read_pool).candidates(query, None)
    assert _facts(remembered.items) == _facts(read.items)


async def test_a_database_whose_trigrams_differ_leaves_misspellings_to_postgresql(
    register: None, read_pool: ReadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trigrams_module, "AS_ASSUMED", "SELECT false")  # a "C" locale, say
    holder = holder_of(read_pool)
    holder.reload()
    try:
        index = await holder.loaded()
        assert index is not None and index.words is None
        counting = CountingPostgres(read_pool)
        query = SearchQuery("zqxstarstylezqx", SearchMode.SIMILAR, Filters())
        assert len(similar_items(index, query_keys(query.text), MarkFilter())) < FEW_CANDIDATES

        await ResidentSearchBackend(counting, holder).candidates(query, None)
    finally:
        await holder.close()

    assert counting.asked == 1


async def test_a_fresh_index_answers_similar_searches_without_postgresql(
    holder: ResidentIndexHolder, read_pool: ReadPool
) -> None:
    postgres = CountingPostgres(read_pool)
    backend = ResidentSearchBackend(postgres, holder)

    async def search(**params: Any) -> list[str]:
        response = await run_search(backend, to_query(SearchParams(**params)), None)
        return [item.application_no for item in response.items]

    in_class = await search(q="生華", nice_class=[5], mode="similar", limit=10)
    homophone = await search(q="康師傅", nice_class=[30], mode="similar", limit=10)
    simplified = await search(q="华硕", mode="similar", limit=10)
    assert postgres.asked == 0
    assert planted_number("tsh") in in_class
    assert planted_number("kong-homophone") in homophone
    assert planted_number("asus") in simplified

    in_status = await search(q="生華", nice_class=[5], status=["registered"], mode="similar")
    assert postgres.asked == 0
    assert in_status
    await search(q="生華", nice_class=[5], applicant="生華", mode="similar")
    await search(q="生華", mode="prefix")
    assert postgres.asked == 2


async def test_an_import_makes_the_index_stale_until_it_is_read_again(
    holder: ResidentIndexHolder, read_pool: ReadPool, db_engine: AsyncEngine
) -> None:
    before = await _index(holder)
    newcomer = replace(
        next(generate(1, seed=99_001)),
        application_no="199999001",
        name="澤霖藍",
        words_zh="澤霖藍",
        words_en=None,
        words_ja=None,
    )
    await import_items(db_engine, [newcomer], source="late import", feed="synthetic")

    assert await holder.current() is None  # stale: dropped, and a load started
    with pytest.raises(ResidentIndexNotReady):
        await holder.ready()
    after = await holder.loaded()

    assert after is not None and after is not before
    assert after.size == before.size + 1
    found = similar_items(after, query_keys("澤霖藍"), MarkFilter())
    assert "199999001" in [item.application_no for item in found]
    await holder.ready()


async def _unreachable_holder(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[ResidentIndexHolder, list[str]]:
    """A holder whose loads fail (nothing listens on its port), and the list of its attempts."""
    pool = ReadPool(
        ServiceSettings(database_url=database_url.replace("127.0.0.1:5432", "127.0.0.1:9"))
    )
    attempts: list[str] = []
    opened = pool.dedicated

    def counted() -> AbstractAsyncContextManager[Connection[Record]]:
        attempts.append("load")
        return opened()

    monkeypatch.setattr(pool, "dedicated", counted)

    async def empty_register() -> dt.datetime | None:
        return None

    return ResidentIndexHolder(pool, empty_register), attempts


async def test_a_failed_load_is_not_tried_again_by_every_search(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder, attempts = await _unreachable_holder(database_url, monkeypatch)
    try:
        for _ in range(3):
            assert await holder.current() is None
            assert await holder.loaded() is None
        with pytest.raises(ResidentIndexNotReady):
            await holder.ready()
    finally:
        await holder.close()

    assert attempts == ["load"]


async def test_a_failed_load_is_tried_again_after_the_pause(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(holder_module, "RETRY_SECONDS", 0.0)
    holder, attempts = await _unreachable_holder(database_url, monkeypatch)
    try:
        for _ in range(3):
            assert await holder.current() is None
            assert await holder.loaded() is None
    finally:
        await holder.close()

    assert attempts == ["load"] * 3


async def test_a_load_after_an_import_waits_for_its_share_of_the_spread(
    register: None, read_pool: ReadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(random, "random", lambda: 1.0)  # the longest delay

    async def moved_on() -> dt.datetime:
        return dt.datetime.max.replace(tzinfo=dt.UTC)  # an import after the snapshot

    holder = ResidentIndexHolder(read_pool, moved_on, spread_seconds=0.3)
    try:
        holder.reload()  # as at start-up: at once
        assert await holder.loaded() is not None
        assert await holder.current() is None  # stale: dropped, a load is due
        waited = time.monotonic()
        await holder.loaded()
        waited = time.monotonic() - waited
    finally:
        await holder.close()

    assert waited >= 0.3
