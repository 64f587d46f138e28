"""``COPY (SELECT ...) TO STDOUT`` of a Core statement, streamed to an async writer.

PostgreSQL formats every row itself, with no Python per row: that is what lets a million-row
export finish in seconds. COPY takes no bind parameters, so asyncpg inlines them as literals,
quoted by the server according to each parameter's type.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from common.driver import command_row_count, session_connection

Writer = Callable[[bytes], Coroutine[Any, Any, None]]

CSV: Mapping[str, Any] = {"format": "csv", "header": True}
JSON_LINES: Mapping[str, Any] = {"format": "csv", "delimiter": "\x01", "quote": "\x02"}
"""One JSON text per line, written as it is: CSV with a delimiter and a quote character that
JSON text never holds raw (``row_to_json`` escapes every control character), so nothing is
quoted or escaped."""


async def copy_rows(
    session: AsyncSession,
    statement: Select[Any],
    params: Mapping[str, Any],
    output: Writer,
    options: Mapping[str, Any],
) -> int:
    """Copy the statement's rows to ``output`` inside the session's transaction; the row count."""
    compiled = statement.compile(dialect=session.get_bind().dialect)
    values = compiled.construct_params(dict(params))
    args = [values[name] for name in compiled.positiontup or ()]
    driver = await session_connection(session)
    status = await driver.copy_from_query(str(compiled), *args, output=output, **options)
    return command_row_count(status)
