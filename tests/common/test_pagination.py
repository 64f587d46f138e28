"""Keyset pagination: complete, duplicate-free and stable pages over a key with ties; cursors
that are not ours are a 400 problem and run no query."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import Column, Date, MetaData, Numeric, Table, Uuid, select
from sqlalchemy.ext.asyncio import AsyncEngine

from common.errors import PROBLEM_MEDIA_TYPE, BadRequest
from common.pagination import cursor_values, encode_cursor, keyset_page, split_page
from tests.common.edge_app import (
    edge_client,
    insert_records,
    record,
)

ROWS = 57
SCORES = 4  # 57 rows over 4 scores: every page boundary falls inside a run of ties


@pytest.fixture
async def ids(scratch: AsyncEngine) -> list[int]:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = [
        {
            "business_id": "04595257",
            "name": f"r{n}",
            "qty": n,
            "score": (n * 7) % SCORES,
            # Ten rows share each timestamp: ties on the datetime key as well.
            "created_at": start + timedelta(seconds=n // 10),
        }
        for n in range(ROWS)
    ]
    return await insert_records(scratch, rows)


@pytest.fixture
async def client(
    settings_overrides: dict[str, Any], scratch: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    async with edge_client(settings_overrides) as client:
        yield client


async def _all_pages(client: httpx.AsyncClient, limit: int) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/records", params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) <= ROWS, "pagination does not terminate"


@pytest.mark.parametrize("limit", [1, 7, 10, 57, 100])
async def test_pages_are_complete_ordered_and_without_duplicates(
    client: httpx.AsyncClient, ids: list[int], limit: int
) -> None:
    pages = await _all_pages(client, limit)
    items = [item for page in pages for item in page]
    keys = [(item["score"], item["id"]) for item in items]
    assert len(keys) == ROWS
    assert sorted(item["id"] for item in items) == sorted(ids)
    assert keys == sorted(keys)
    assert all(len(page) == limit for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= limit


async def test_a_page_is_stable_when_rows_are_added_before_it(
    client: httpx.AsyncClient, ids: list[int], scratch: AsyncEngine
) -> None:
    first = (await client.get("/records", params={"limit": 10})).json()
    expected = await client.get("/records", params={"limit": 10, "cursor": first["next_cursor"]})
    # Rows that sort before the cursor (score -1) must not shift the next page.
    await insert_records(
        scratch, [{"business_id": "04595257", "name": "early", "qty": 0, "score": -1}] * 5
    )
    again = await client.get("/records", params={"limit": 10, "cursor": first["next_cursor"]})
    assert again.json() == expected.json()


async def test_the_last_page_has_no_cursor(client: httpx.AsyncClient, ids: list[int]) -> None:
    body = (await client.get("/records", params={"limit": ROWS})).json()
    assert len(body["items"]) == ROWS
    assert body["next_cursor"] is None


async def test_an_empty_table_is_one_empty_page(client: httpx.AsyncClient) -> None:
    assert (await client.get("/records")).json() == {"items": [], "next_cursor": None}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


@pytest.mark.parametrize("cursor", ["not-base64!", "%%%", "A" * 600])
async def test_a_cursor_we_never_issue_is_a_422_naming_it(
    client: httpx.AsyncClient, cursor: str
) -> None:
    response = await client.get("/records", params={"cursor": cursor})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["query", "cursor"]


@pytest.mark.parametrize(
    "cursor",
    [
        "YWJj",  # "abc": base64 of something that is not JSON
        _b64(b"{}"),
        _b64(b"[1]"),  # wrong width
        _b64(b"[1, 2, 3]"),
        _b64(b'["a", "b"]'),  # right width, wrong types
        _b64(b"[1.5, 2]"),
        _b64(b"[true, 2]"),
        _b64(b"[null, 2]"),
        _b64(b"[1, 99999999999999999999999]"),  # past int64
        _b64(b'[1, "\\u0000"]'),
        _b64(b"[[1], {}]"),
    ],
)
async def test_a_bad_cursor_is_a_400_problem(
    client: httpx.AsyncClient, ids: list[int], cursor: str
) -> None:
    response = await client.get("/records", params={"cursor": cursor})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["detail"] == "cursor is not valid"


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "99999999999999999999"])
async def test_a_bad_limit_is_a_422_problem(client: httpx.AsyncClient, limit: str) -> None:
    response = await client.get("/records", params={"limit": limit})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "limit"]


async def test_keyset_over_a_datetime_key_round_trips(scratch: AsyncEngine, ids: list[int]) -> None:
    """Cursor values are JSON; the helper turns them back into the key column's type."""
    columns = [record.c.created_at, record.c.id]
    seen: list[tuple[datetime, int]] = []
    cursor: str | None = None
    async with scratch.connect() as connection:
        while True:
            statement = keyset_page(select(record), columns, cursor=cursor, limit=8)
            rows = (await connection.execute(statement)).all()
            page, cursor = split_page(rows, 8, lambda row: (row.created_at, row.id))
            seen.extend((row.created_at, row.id) for row in page)
            if cursor is None:
                break
    assert len(seen) == ROWS
    assert seen == sorted(seen)


async def test_keyset_descending(scratch: AsyncEngine, ids: list[int]) -> None:
    columns = [record.c.score, record.c.id]
    statement = keyset_page(select(record), columns, cursor=None, limit=5, descending=True)
    async with scratch.connect() as connection:
        first = (await connection.execute(statement)).all()
        _, cursor = split_page(first, 5, lambda row: (row.score, row.id))
        statement = keyset_page(select(record), columns, cursor=cursor, limit=5, descending=True)
        second = (await connection.execute(statement)).all()
    keys = [(row.score, row.id) for row in [*first[:5], *second[:5]]]
    assert keys == sorted(keys, reverse=True)
    assert len(set(keys)) == 10


def test_cursor_values_convert_to_the_column_types() -> None:
    table = Table(
        "typed",
        MetaData(),
        Column("day", Date),
        Column("amount", Numeric),
        Column("key", Uuid),
    )
    columns = [table.c.day, table.c.amount, table.c.key]
    values = [date(2025, 2, 3), Decimal("12.30"), uuid.UUID(int=7)]
    assert cursor_values(encode_cursor(values), columns) == values


def test_cursor_values_refuse_a_value_of_the_wrong_type() -> None:
    table = Table("typed2", MetaData(), Column("day", Date))
    for bad in ("2025-13-01", 20250101, None):
        cursor = _b64(orjson.dumps([bad]))
        with pytest.raises(BadRequest):
            cursor_values(cursor, [table.c.day])
