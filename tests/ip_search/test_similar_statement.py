"""The similar-search candidate statement and PostgreSQL's plan cache.

Filtered by Nice classes at most, the statement's values are bound at run time: its plan costs
the same whatever the keys and classes, so a connection settles on the generic plan after five
runs instead of planning each class-filtered search again. Other filters stay visible to the
planner. Either way the statement finds the same candidates. The register: the planted
relevance marks and 1,500 synthetic distractors.
"""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import orjson
from sqlalchemy import text

from common.driver import DriverStatement
from ip_search.search import sql
from ip_search.search.backend import Filters
from ip_search.search.postgres import similar_sources, trigram_source
from ip_search.search.query import query_keys
from ip_search.text.relevance import RELEVANCE_CASES
from tests.ip_search import driver_register

# Both have exact, gram and sound sources, so they share one statement text.
FEW_KEYS = "MAGNA"
MANY_KEYS = "MAGNA BEAUTY POWER ISLAND STAR"
RUN_TIME_VALUE = re.compile(r"CAST\(\(SELECT (CAST\(:\w+ AS [\w\[\]]+\))\) AS [\w\[\]]+\)")

connection = driver_register.connection  # the fixture


def statement(q: str, filters: Filters) -> tuple[str, dict[str, Any]]:
    sources, params = similar_sources(query_keys(q), filters)
    return sql.candidates_statement(sources), params


async def plan_cost(
    connection: asyncpg.Connection[asyncpg.Record], statement: str, params: dict[str, Any]
) -> float:
    """The estimated cost of the plan made with these values (EXPLAIN sees them)."""
    explain = DriverStatement(text(f"EXPLAIN (FORMAT JSON) {statement}"))
    document = orjson.loads((await explain.fetch_all(connection, **params))[0][0])
    return float(document[0]["Plan"]["Total Cost"])


def candidates(rows: list[asyncpg.Record]) -> list[tuple[Any, ...]]:
    """Rows in number order, each with its sources as a set (``array_agg`` keeps no order)."""
    return sorted((*row[:10], frozenset(row[10])) for row in rows)


async def test_a_class_filtered_statement_costs_the_same_whatever_its_keys_and_classes(
    connection: asyncpg.Connection[asyncpg.Record],
) -> None:
    few, few_params = statement(FEW_KEYS, Filters(nice_classes=(3,)))
    many, many_params = statement(MANY_KEYS, Filters(nice_classes=tuple(range(1, 46))))
    assert few == many
    assert len(many_params["gram_keys"]) > len(few_params["gram_keys"])
    assert await plan_cost(connection, few, few_params) == await plan_cost(
        connection, many, many_params
    )


async def test_a_connection_settles_on_the_generic_plan_of_a_class_filtered_statement(
    connection: asyncpg.Connection[asyncpg.Record],
) -> None:
    runs = [(case.query, Filters(nice_classes=case.classes)) for case in RELEVANCE_CASES]
    shape, _ = statement(FEW_KEYS, Filters(nice_classes=(3,)))
    same_shape = [(q, f) for q, f in runs if f.nice_classes and statement(q, f)[0] == shape]
    for q, filters in [(FEW_KEYS, Filters(nice_classes=(3,))), *same_shape][:8]:
        await DriverStatement(text(shape)).fetch_all(connection, **statement(q, filters)[1])
    assert len(same_shape) >= 7
    driver_sql = DriverStatement(text(shape)).sql
    counts = await connection.fetchrow(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1",
        driver_sql,
    )
    assert counts is not None
    assert (counts["custom_plans"], counts["generic_plans"]) == (5, 3)


async def test_other_filters_stay_visible_to_the_planner(
    connection: asyncpg.Connection[asyncpg.Record],
) -> None:
    filters = Filters(nice_classes=(3,), statuses=("registered",))
    few, few_params = statement(FEW_KEYS, filters)
    many, many_params = statement(MANY_KEYS, filters)
    assert few == many
    assert RUN_TIME_VALUE.search(few) is None
    assert await plan_cost(connection, few, few_params) < await plan_cost(
        connection, many, many_params
    )


async def test_values_bound_at_run_time_find_the_same_candidates(
    connection: asyncpg.Connection[asyncpg.Record],
) -> None:
    compared = 0
    for case in RELEVANCE_CASES:
        for filters in (Filters(), Filters(nice_classes=case.classes)):
            found, params = statement(case.query, filters)
            visible = RUN_TIME_VALUE.sub(r"\1", found)
            assert visible != found
            at_run_time = await DriverStatement(text(found)).fetch_all(connection, **params)
            planned = await DriverStatement(text(visible)).fetch_all(connection, **params)
            assert candidates(at_run_time) == candidates(planned)
            compared += bool(at_run_time)
    assert compared > len(RELEVANCE_CASES)


async def test_the_trigram_source_checks_classes_on_the_text_as_the_mark_would(
    connection: asyncpg.Connection[asyncpg.Record],
) -> None:
    """The Nice-class filter on the text row, not by joining every mark of the class: the same
    candidates as the mark's own classes give."""
    compared = 0
    for case in RELEVANCE_CASES:
        filters = Filters(nice_classes=case.classes or (3,))
        trigram = trigram_source(query_keys(case.query), filters)
        if trigram is None:
            continue
        sources, params = trigram
        found = sql.candidates_statement(sources)
        assert "JOIN ip_search.trademark" not in found
        on_mark = sql.candidates_statement(
            [sql.words_source(sql.filter_statement(filters), classes=False)]
        )
        assert "JOIN ip_search.trademark" in on_mark
        on_text_rows = await DriverStatement(text(found)).fetch_all(connection, **params)
        on_mark_rows = await DriverStatement(text(on_mark)).fetch_all(connection, **params)
        assert candidates(on_text_rows) == candidates(on_mark_rows)
        compared += bool(on_text_rows)
    assert compared >= 3
