"""Where a service keeps the records it audits: the row a trail's record id names.

A trail names its record by text, exactly as the service wrote it (``str(id)``, a normalised
certificate number); the record's row is keyed by columns of one of the service's tables, each
text or an integer. A key of several columns is named by their values joined by "/" (a dataset
version "trademark-register/3"); only the first value may itself hold a slash. ``RecordRow``
turns a record id into a condition on the key with bound parameters, or into nothing when the id
can name no row: "x", "01" or "-1" for an integer key, a number past the column's range (the
driver would refuse it: a 500 where a missing record means 404).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import BigInteger, Column, ColumnElement, Integer, SmallInteger, String, Table, and_

__all__ = ["RecordRow"]

# Integer keys are positive and written without sign or leading zeros, as str(int) writes them.
_POSITIVE = re.compile(r"[1-9][0-9]{0,18}")


class RecordRow:
    """The key columns, in record-id order, of the one table holding a record type's rows."""

    __slots__ = ("key",)

    def __init__(self, *key: Column[Any]) -> None:
        if not key or len({column.table for column in key}) != 1:
            raise ValueError("a record's key is one or more columns of one table")
        for column in key:
            if not isinstance(column.type, Integer | String):
                raise TypeError(f"{column} is neither text nor an integer: no record id names it")
        self.key = key

    @property
    def table(self) -> Table:
        return self.key[0].table

    def where(self, record_id: str) -> ColumnElement[bool] | None:
        """The condition selecting the record's row; None when ``record_id`` can name none."""
        parts = record_id.rsplit("/", len(self.key) - 1)
        if len(parts) != len(self.key):
            return None
        values = [_value(column, part) for column, part in zip(self.key, parts, strict=True)]
        if any(value is None for value in values):
            return None
        return and_(*(column == value for column, value in zip(self.key, values, strict=True)))


def _value(column: Column[Any], text: str) -> int | str | None:
    """``text`` as a value of ``column``; None when no row can hold it."""
    if not isinstance(column.type, Integer):
        return text
    if not _POSITIVE.fullmatch(text):
        return None
    value = int(text)
    return value if value <= _largest(column.type) else None


def _largest(column_type: Integer) -> int:
    if isinstance(column_type, BigInteger):
        return 2**63 - 1
    return 2**15 - 1 if isinstance(column_type, SmallInteger) else 2**31 - 1
