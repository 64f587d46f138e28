"""A fingerprint of every table of a service's schema, to show a refused request changed nothing.

Row counts miss an update in place (a suspended certificate, a reviewed return); a digest of each
table's rows catches inserts, updates and deletes alike.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

_TABLES = text(
    "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = :schema AND table_type = 'BASE TABLE' ORDER BY table_name"
)


async def schema_state(engine: AsyncEngine, schema: str) -> dict[str, str | None]:
    """Table name -> md5 of its rows in a stable order (None for an empty table)."""
    async with engine.connect() as connection:
        tables = (await connection.execute(_TABLES, {"schema": schema})).scalars().all()
        state: dict[str, str | None] = {}
        for table in tables:
            rows = f'"{schema}"."{table}" t'
            digest = text(f"SELECT md5(string_agg(t::text, chr(10) ORDER BY t::text)) FROM {rows}")
            state[table] = await connection.scalar(digest)
        return state
