"""Keyset pagination: stable pages over a unique, ordered key, with opaque cursors.

Offset pagination rescans every skipped row and shifts when rows are inserted; a keyset cursor
costs one index seek whatever the page number.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, tuple_

from common.errors import BadRequest
from common.fields import INT64_MAX, INT64_MIN

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
    # Decimals as strings: orjson has no number type for them, and floats would round.
    return base64.urlsafe_b64encode(orjson.dumps(list(values), default=_encode_extra)).decode()


def _encode_extra(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be a cursor value")


def decode_cursor(cursor: str, width: int) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise BadRequest("cursor is not valid") from exc
    if not isinstance(values, list) or len(values) != width:
        raise BadRequest("cursor is not valid")
    return values


def _parse_int(value: Any) -> int:
    if type(value) is not int or not INT64_MIN <= value <= INT64_MAX:
        raise ValueError("not an int64")
    return value


def _parse_str(value: Any) -> str:
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError("not text")
    return value


def _parse_float(value: Any) -> float:
    if type(value) not in (int, float):
        raise ValueError("not a number")
    return float(value)


def _parse_iso(kind: type[date]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError("not an ISO date")
        return kind.fromisoformat(value)

    return parse


# Cursor JSON -> the Python type of the key column, so asyncpg gets what it binds (a datetime
# column compared with an ISO string is a driver error, not a page).
_PARSERS: dict[type, Callable[[Any], Any]] = {
    int: _parse_int,
    str: _parse_str,
    float: _parse_float,
    Decimal: lambda value: Decimal(_parse_str(value)),
    uuid.UUID: lambda value: uuid.UUID(_parse_str(value)),
    datetime: _parse_iso(datetime),
    date: _parse_iso(date),
}


def _column_value(column: ColumnElement[Any], value: Any) -> Any:
    try:
        python_type = column.type.python_type
    except NotImplementedError:  # a type without a Python equivalent: pass it through
        return value
    parser = _PARSERS.get(python_type)
    if parser is None:
        return value
    try:
        return parser(value)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise BadRequest("cursor is not valid") from exc


def cursor_values(cursor: str, columns: Sequence[ColumnElement[Any]]) -> list[Any]:
    """Decode a cursor and convert each value to its key column's type (400 if it cannot)."""
    values = decode_cursor(cursor, len(columns))
    return [_column_value(column, value) for column, value in zip(columns, values, strict=True)]


def after_key(
    columns: Sequence[ColumnElement[Any]], values: Sequence[Any], *, descending: bool = False
) -> ColumnElement[bool]:
    """``(c1, c2) > (v1, v2)`` (or ``<``): uses a composite index in PostgreSQL."""
    key: ColumnElement[Any] = columns[0] if len(columns) == 1 else tuple_(*columns)
    bound: Any = values[0] if len(columns) == 1 else tuple_(*values)
    condition: ColumnElement[bool] = key < bound if descending else key > bound
    return condition


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
        bound = cursor_values(cursor, columns)
        statement = statement.where(after_key(columns, bound, descending=descending))
    order = [column.desc() if descending else column.asc() for column in columns]
    return statement.order_by(*order).limit(limit + 1)


def split_page(rows: Sequence[T], limit: int, key_of: Any) -> tuple[list[T], str | None]:
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
    "cursor_values",
    "decode_cursor",
    "encode_cursor",
    "keyset_page",
    "split_page",
]
