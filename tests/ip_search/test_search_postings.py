"""Similar-search candidates come from key postings that carry the mark's classes and length.

A class-filtered search reads the classes from the postings, so a re-import that moves a mark
to other classes must move its postings too; a key shared by more marks than one key may
contribute must still yield the marks that resemble the query most (the shortest), and a mark
sharing the query's rare key must not be crowded out by the many sharing a common one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.read_query import ReadPool
from common.settings import ServiceSettings
from ip_search.importers import GoodsClass, MarkKind, MarkStatus, RecordSource, TrademarkRecord
from ip_search.importing.runner import import_items
from ip_search.search.backend import SearchBackend
from ip_search.search.postgres import KEY_POSTINGS, SOURCE_CAP, PostgresSearchBackend
from ip_search.trademarks.schemas import SearchParams, SearchResponse
from ip_search.trademarks.service import run_search, to_query
from tests.ip_search.register_tables import REGISTER_TABLES

# Characters that make long names around 生華 without forming other common keys.
FILLER = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


def mark(number: int, name: str, classes: Iterable[int]) -> TrademarkRecord:
    return TrademarkRecord(
        source=RecordSource.SYNTHETIC,
        application_no=f"{number:09d}",
        name=name,
        kind=MarkKind.TRADEMARK,
        status=MarkStatus.REGISTERED,
        classes=tuple(
            GoodsClass(code=f"{c:03d}", nice_class=c, sequence=position)
            for position, c in enumerate(classes, 1)
        ),
        filing_date=dt.date(2020, 1, 2),
    )


async def _empty_register(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {REGISTER_TABLES} RESTART IDENTITY"))


@pytest.fixture
async def backend(db_engine: AsyncEngine, database_url: str) -> AsyncIterator[SearchBackend]:
    """The PostgreSQL backend on a read-only driver pool, over an empty register."""
    await _empty_register(db_engine)
    pool = ReadPool(ServiceSettings(database_url=database_url))
    yield PostgresSearchBackend(pool)
    await pool.close()
    await _empty_register(db_engine)


async def similar(backend: SearchBackend, q: str, *classes: int) -> SearchResponse:
    params = SearchParams(q=q, mode="similar", nice_class=list(classes), limit=10)
    return await run_search(backend, to_query(params), None)


def numbers(response: SearchResponse) -> list[str]:
    return [item.application_no for item in response.items]


async def test_a_reimport_into_other_classes_moves_the_marks_postings(
    db_engine: AsyncEngine, backend: SearchBackend
) -> None:
    await import_items(db_engine, [mark(1, "生華寶", [5])], source="test", feed="synthetic")
    before = (await similar(backend, "生華", 5), await similar(backend, "生華", 30))

    await import_items(db_engine, [mark(1, "生華寶", [30])], source="test", feed="synthetic")
    after = (await similar(backend, "生華", 5), await similar(backend, "生華", 30))

    assert [numbers(r) for r in before] == [["000000001"], []]
    assert [numbers(r) for r in after] == [[], ["000000001"]]
    hit = after[1].items[0]
    assert hit.classes == [30]
    assert next(d for d in hit.score.breakdown if d.dimension == "classes").matched


async def test_a_key_shared_by_more_marks_than_one_key_may_bring_still_finds_the_shortest(
    db_engine: AsyncEngine, backend: SearchBackend
) -> None:
    # More long marks sharing the query's only key than it may contribute, numbered first
    # (the order postings of equal length are read in), then the short marks.
    crowd = KEY_POSTINGS + 50
    long_marks = [
        mark(n, f"{FILLER[n % 10]}{FILLER[n % 7 + 10]}生華{FILLER[n % 5 + 17]}", [5])
        for n in range(1, crowd + 1)
    ]
    short_marks = [mark(crowd + 1, "生華堂", [5]), mark(crowd + 2, "生華", [9])]
    await import_items(db_engine, [*long_marks, *short_marks], source="test", feed="synthetic")

    anywhere = await similar(backend, "生華")
    in_class_5 = await similar(backend, "生華", 5)

    assert numbers(anywhere)[:2] == [f"{crowd + 2:09d}", f"{crowd + 1:09d}"]
    assert numbers(in_class_5)[0] == f"{crowd + 1:09d}"
    assert all(5 in item.classes for item in in_class_5.items)


async def test_a_mark_sharing_the_querys_rare_word_outranks_many_sharing_a_common_one(
    db_engine: AsyncEngine, backend: SearchBackend
) -> None:
    # More short marks sharing only the common word than a source may bring, numbered first.
    common = [mark(n, "ENERGY", [1]) for n in range(1, SOURCE_CAP + 11)]
    rare = mark(SOURCE_CAP + 11, "量特能ENERGYISLAND及圖", [1])
    await import_items(db_engine, [*common, rare], source="test", feed="synthetic")

    found = await similar(backend, "ENERGY ISLAND", 1)

    assert rare.application_no in numbers(found)
