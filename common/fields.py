"""Annotated input types that stop, at the edge, values PostgreSQL would refuse.

PostgreSQL ``bigint`` holds signed 64-bit integers and ``text`` holds UTF-8 without NUL. A
request that carries anything else must get a 422 naming the field, not reach the database
(where errors.py turns the driver's complaint into a 422 too, but without saying which field).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
"""An integer that fits PostgreSQL ``bigint`` (and every JSON client that parses int64)."""

PositiveInt64 = Annotated[int, Field(ge=1, le=INT64_MAX)]
"""An identifier: ``bigint`` primary keys start at 1."""


def _storable_text(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "Text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates, e.g. a JSON "\ud800" escape
        raise PydanticCustomError("invalid_unicode", "Text must be valid Unicode") from exc
    return value


SafeText = Annotated[
    str,
    AfterValidator(_storable_text),
    Field(json_schema_extra={"pattern": "^[^\\u0000]*$"}),
]
"""A string PostgreSQL ``text`` can store: no NUL, no lone surrogates."""


__all__ = ["INT64_MAX", "INT64_MIN", "Int64", "PositiveInt64", "SafeText"]
