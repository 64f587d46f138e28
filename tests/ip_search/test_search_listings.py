"""The PostgreSQL listings of exact and prefix search: the statements the backend runs.

A prefix is an index range, which the prepared statement's generic plan can use; a first page
comes with its facet sample in one statement. Both must answer exactly as ``LIKE 'prefix%'`` and
the two statements of a page and a sample do. The register: the planted relevance marks and
1,500 synthetic distractors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import asyncpg
import orjson
import pytest
from sqlalchemy import text

from common.driver import DriverStatement
from ip_search.search import sql
from ip_search.search.backend import Filters, SearchMode
from ip_search.search.postgres import SAMPLE_SIZE, listing_for
from ip_search.search.query import query_keys
from ip_search.text.packed_keys import PACKED_FIELDS, unpack_keys
from tests.ip_search import driver_register

connection = driver_register.connection  # the fixture


async def rows(
    connection: asyncpg.Connection[asyncpg.Record], statement: str, params: dict[str, Any]
) -> list[tuple[Any, ...]]:
    found = await DriverStatement(text(statement)).fetch_all(connection, **params)
    return [tuple(row) for row in found]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("ab", ("ab", "ac")),
        ("生華", ("生華", "生" + chr(ord("華") + 1))),
        ("a\ud7ff", ("a\ud7ff", "a\ue000")),  # past the surrogates, which no text holds
        ("a\U0010ffff", ("a\U0010ffff", "b")),
        ("\U0010ffff", ("\U0010ffff", None)),
    ],
)
def test_a_prefix_is_the_range_of_the_texts_starting_with_it(
    prefix: str, expected: tuple[str, str | None]
) -> None:
    low, high = sql.prefix_range(prefix)

    assert (low, high) == expected
    assert low <= prefix + "\U0010ffff" and (high is None or prefix + "\U0010ffff" < high)
    assert high is None or not high.startswith(prefix)


async def test_the_prefix_range_finds_what_like_finds(
    connection: asyncpg.Connection[asyncpg.Record],
) -> None:
    compacts = await connection.fetch("SELECT DISTINCT compact FROM ip_search.mark_text")
    prefixes = sorted({row[0][:width] for row in compacts for width in (1, 2, 3)})[::7]
    assert len(prefixes) > 50

    for prefix in prefixes:
        low, high = sql.prefix_range(prefix)
        by_range = await connection.fetch(
            "SELECT application_no, compact FROM ip_search.mark_text "
            "WHERE compact >= $1 AND compact < $2 ORDER BY 1, 2",
            low,
            high,
        )
        by_like = await connection.fetch(
            "SELECT application_no, compact FROM ip_search.mark_text "
            "WHERE compact LIKE $1 ORDER BY 1, 2",
            f"{sql.like_escape(prefix)}%",
        )
        assert by_range == by_like, prefix


@pytest.mark.parametrize(
    ("mode", "q", "filters"),
    [
        (SearchMode.PREFIX, "生", Filters()),
        (SearchMode.PREFIX, "康", Filters(nice_classes=(30, 29), statuses=("registered",))),
        (SearchMode.PREFIX, "ma", Filters()),
        (SearchMode.EXACT, "ABC", Filters()),
        (SearchMode.EXACT, "康師傅", Filters(nice_classes=(30,))),
    ],
)
async def test_a_first_page_is_the_page_and_the_sample_in_one_statement(
    connection: asyncpg.Connection[asyncpg.Record], mode: SearchMode, q: str, filters: Filters
) -> None:
    conditions = sql.filter_statement(filters)
    listing, params = listing_for(mode, query_keys(q), conditions)
    params |= conditions.params | {"page_size": 6, "sample_size": SAMPLE_SIZE + 1}

    together = await rows(connection, listing.first_page(), params)
    page = await rows(connection, listing.page(False), params)
    sample = await rows(connection, listing.sample(), params)

    assert page, "the query must match something to compare"
    assert together[: len(page)] == page
    assert all(row[9] is None for row in together[len(page) :])
    assert [(row[5], row[3], row[4]) for row in together] == sample


@pytest.mark.parametrize(
    ("mode", "q", "filters"),
    [
        (SearchMode.EXACT, "康師傅", Filters(statuses=("registered", "filed"))),
        (SearchMode.PREFIX, "生", Filters(nice_classes=(5, 30))),
        (SearchMode.CONTAINS, "華", Filters()),
    ],
)
async def test_a_listing_reads_cards_as_it_would_read_the_marks(
    connection: asyncpg.Connection[asyncpg.Record], mode: SearchMode, q: str, filters: Filters
) -> None:
    """Cards hold the columns a listing returns and most filters read, their keys packed; a
    filter on a column only the mark has (the applicant) reads the mark."""
    conditions = sql.filter_statement(filters)
    listing, params = listing_for(mode, query_keys(q), conditions)
    params |= conditions.params | {"page_size": 50, "sample_size": SAMPLE_SIZE + 1}
    marks = replace(listing, from_where=listing.from_where.replace("mark_card", "trademark"))
    marks = replace(marks, packed=False)

    from_cards = await rows(connection, listing.page(False), params)
    from_marks = await rows(connection, marks.page(False), params)

    assert listing.packed and "mark_card" in listing.from_where
    assert len(from_cards) >= 2
    assert [row[:9] + row[10:] for row in from_cards] == [row[:9] + row[10:] for row in from_marks]
    for card, mark in zip(from_cards, from_marks, strict=True):
        document = orjson.loads(mark[9])
        fields = [document[name] for name in PACKED_FIELDS] + [document["texts"][:1]]
        assert list(unpack_keys(card[9])) == fields
    with_applicant = sql.filter_statement(replace(filters, applicant="x"))
    by_row, _ = listing_for(mode, query_keys(q), with_applicant)
    assert not by_row.packed and "mark_card" not in by_row.from_where


async def test_the_generic_plan_of_a_prefix_listing_reads_an_index_range(
    connection: asyncpg.Connection[asyncpg.Record],
) -> None:
    """The plan a prepared statement settles on after five runs has no values to derive a range
    from: with ``LIKE`` it read the index from one end, filtering every entry."""
    listing, params = listing_for(
        SearchMode.PREFIX, query_keys("康"), sql.filter_statement(Filters())
    )
    params |= {"page_size": 6, "sample_size": SAMPLE_SIZE + 1}
    statement = DriverStatement(text(listing.first_page()))
    values = ", ".join(_literal(value) for value in statement.arguments(params))
    await connection.execute("SET plan_cache_mode = force_generic_plan")
    await connection.execute(f"PREPARE first_page AS {statement.sql}")
    try:
        plan = await connection.fetchval(f"EXPLAIN (FORMAT JSON) EXECUTE first_page({values})")
    finally:
        await connection.execute("DEALLOCATE first_page")
        await connection.execute("RESET plan_cache_mode")

    nodes = list(_nodes(orjson.loads(plan)[0]["Plan"]))
    scans = [node for node in nodes if node.get("Relation Name") == "mark_text"]
    assert [node["Node Type"] for node in scans] == ["Index Only Scan"]
    assert ">= $" in scans[0]["Index Cond"] and "< $" in scans[0]["Index Cond"]
    assert "Filter" not in scans[0]
    assert not any(node["Node Type"] == "Sort" for node in nodes)


def _literal(value: object) -> str:
    """A constant of this test as SQL (the values are ours: digits and a few characters)."""
    return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)
