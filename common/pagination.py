"""Keyset pagination: stable pages over a unique, ordered key, with opaque cursors.

Offset pagination rescans every skipped row and shifts when rows are inserted; a keyset cursor
costs one index seek whatever the page number.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, tuple_

from common.errors import BadRequest

T = TypeVar("T")
MAX_PAGE_SIZE = 100

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size (1–100)")]
Cursor = Annotated[
    str | None,
    Query(max_length=512, pattern=r"^[A-Za-z0-9_\-=]*$", description="Opaque cursor of a page"),
]


class Page(BaseModel, Generic[T]):
    """One page of results and the cursor of the next one (null on the last page)."""

    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(values))).decode()


def decode_cursor(cursor: str, width: int) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise BadRequest("cursor is not valid") from exc
    if not isinstance(values, list) or len(values) != width:
        raise BadRequest("cursor is not valid")
    return values


def after_key(
    columns: Sequence[ColumnElement[Any]], values: Sequence[Any], *, descending: bool = False
) -> ColumnElement[bool]:
    """``(c1, c2) > (v1, v2)`` (or ``<``): uses a composite index in PostgreSQL."""
    if len(columns) == 1:
        return columns[0] < values[0] if descending else columns[0] > values[0]
    key, bound = tuple_(*columns), tuple_(*values)
    return key < bound if descending else key > bound


def keyset_page(
    statement: Select[Any],
    columns: Sequence[ColumnElement[Any]],
    *,
    cursor: str | None,
    limit: int,
    descending: bool = False,
) -> Select[Any]:
    """Order by the key, start after the cursor, fetch one extra row to know if more follow."""
    if cursor:
        statement = statement.where(after_key(columns, decode_cursor(cursor, len(columns)),
                                              descending=descending))
    order = [column.desc() if descending else column.asc() for column in columns]
    return statement.order_by(*order).limit(limit + 1)


def split_page(
    rows: Sequence[T], limit: int, key_of: Any
) -> tuple[list[T], str | None]:
    """Cut the extra row off and make the next cursor from the last row kept."""
    if len(rows) <= limit:
        return list(rows), None
    kept = list(rows[:limit])
    return kept, encode_cursor(key_of(kept[-1]))


__all__ = [
    "MAX_PAGE_SIZE",
    "Cursor",
    "Limit",
    "Page",
    "after_key",
    "decode_cursor",
    "encode_cursor",
    "keyset_page",
    "split_page",
]
