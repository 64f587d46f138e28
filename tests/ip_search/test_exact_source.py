"""The exact candidate source checks the Nice-class filter on ``mark_text`` alone.

A common name repeats hundreds of times in a register: checking each mark's classes on its
``trademark`` row cost one primary-key lookup per mark. ``mark_text`` holds the mark's classes
in its compact index, kept in step by every import of the mark.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import asyncpg
import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.driver import DriverStatement
from ip_search.importers.records import (
    GoodsClass,
    MarkKind,
    MarkStatus,
    RecordSource,
    TrademarkRecord,
)
from ip_search.importing.runner import import_items
from ip_search.search.backend import Filters
from ip_search.search.postgres import similar_sources
from ip_search.search.query import query_keys
from tests.ip_search import driver_register

connection = driver_register.connection  # the fixture

NAME = "ZORBLIQUEX"
NUMBER = "199900001"


def mark(*classes: int) -> TrademarkRecord:
    return TrademarkRecord(
        source=RecordSource.SYNTHETIC,
        application_no=NUMBER,
        name=NAME,
        kind=MarkKind.TRADEMARK,
        status=MarkStatus.FILED,
        classes=tuple(GoodsClass(code=f"{c:03d}", nice_class=c) for c in classes),
    )


def exact_source(q: str, filters: Filters) -> tuple[str, dict[str, Any]]:
    sources, params = similar_sources(query_keys(q), filters)
    assert "'exact' AS src" in sources[0]
    return sources[0], params


async def found_exactly(
    connection: asyncpg.Connection[asyncpg.Record], q: str, filters: Filters
) -> set[str]:
    source, params = exact_source(q, filters)
    rows = await DriverStatement(text(source)).fetch_all(connection, **params)
    return {row[1] for row in rows}


async def test_a_mark_is_found_by_its_classes_after_each_import(
    connection: asyncpg.Connection[asyncpg.Record], db_engine: AsyncEngine
) -> None:
    clothing, software = Filters(nice_classes=(25,)), Filters(nice_classes=(9, 42))
    await import_items(db_engine, [mark(25)], source="exact source", feed="synthetic")
    assert await found_exactly(connection, NAME, clothing) == {NUMBER}
    assert await found_exactly(connection, NAME, software) == set()

    await import_items(db_engine, [mark(42, 9)], source="exact source", feed="synthetic")
    assert await found_exactly(connection, NAME, clothing) == set()
    assert await found_exactly(connection, NAME, software) == {NUMBER}
    assert await found_exactly(connection, NAME, Filters()) == {NUMBER}


async def test_a_class_filtered_exact_source_reads_the_compact_index_alone(
    connection: asyncpg.Connection[asyncpg.Record],
) -> None:
    # As after a bulk import (``refresh_search_tables``): the new rows are all-visible.
    await connection.execute("VACUUM (ANALYZE) ip_search.mark_text")
    source, params = exact_source("MAGNA", Filters(nice_classes=(3,)))
    explain = DriverStatement(text(f"EXPLAIN (FORMAT JSON) {source}"))
    plan = orjson.loads((await explain.fetch_all(connection, **params))[0][0])[0]["Plan"]
    scans = [node for node in _nodes(plan) if "Relation Name" in node]
    assert [(node["Relation Name"], node["Node Type"]) for node in scans] == [
        ("mark_text", "Index Only Scan")
    ]
    assert "nice_classes" in scans[0]["Filter"]


async def test_with_other_filters_the_exact_source_finds_what_the_register_holds(
    connection: asyncpg.Connection[asyncpg.Record],
) -> None:
    """Classes checked on the text, status on the mark: the marks the register says match."""
    common = await connection.fetchrow(
        "SELECT m.compact, t.nice_classes[1] AS nice FROM ip_search.mark_text m "
        "JOIN ip_search.trademark t USING (application_no) WHERE t.status = 'registered' "
        "GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1"
    )
    assert common is not None
    for status in ("registered", "filed"):
        filters = Filters(nice_classes=(common["nice"],), statuses=(status,))
        expected = await connection.fetch(
            "SELECT DISTINCT application_no FROM ip_search.mark_text m "
            "JOIN ip_search.trademark t USING (application_no) WHERE m.compact = $1 "
            "AND $2 = ANY(t.nice_classes) AND t.status = $3",
            common["compact"],
            common["nice"],
            status,
        )
        found = await found_exactly(connection, common["compact"], filters)
        assert found == {row[0] for row in expected}
        assert found or status == "filed"


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)
