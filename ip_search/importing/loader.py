"""Idempotent batch writes of register rows over one asyncpg connection (caller's transaction).

Marks go through a temporary staging table and ``INSERT ... ON CONFLICT DO UPDATE``, so a
re-import updates in place and two concurrent imports of the same mark serialise on its row
lock; its search card (``mark_card``) is upserted from the same staged rows, and the mark's
detail and key rows are then deleted and re-COPYed. The latest import of a mark replaces the
whole mark (feeds are not merged field by field).
"""

from __future__ import annotations

from typing import Any

from ip_search.importing.rows import CHILD_TABLES, COLUMNS, KEY_TABLES, MarkRows
from ip_search.search.backend import CANDIDATE_FACTS

SCHEMA = "ip_search"
STAGE = "ip_search_stage_trademark"

_UPDATES = ", ".join(
    f"{column} = EXCLUDED.{column}" for column in COLUMNS["trademark"] if column != "application_no"
)
# Identifiers are this module's constants; no value is interpolated.
_UPSERT = (
    f"INSERT INTO {SCHEMA}.trademark ({', '.join(COLUMNS['trademark'])}) "  # noqa: S608
    f"SELECT {', '.join(COLUMNS['trademark'])} FROM {STAGE} "
    f"ON CONFLICT (application_no) DO UPDATE SET {_UPDATES}, updated_at = now()"
)
CARD_COLUMNS = CANDIDATE_FACTS
# A mark's card (``mark_card``, migrations 0011 and 0012): the columns a similar search ranks and
# lists, and the keys scoring reads packed in one string (``ip_search.text.packed_keys``).
_CARD_UPSERT = (
    f"INSERT INTO {SCHEMA}.mark_card ({', '.join(CARD_COLUMNS)}, scoring_keys) "  # noqa: S608
    f"SELECT {', '.join(CARD_COLUMNS)}, {SCHEMA}.pack_scoring_keys(match_keys) FROM {STAGE} "
    "ON CONFLICT (application_no) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in (*CARD_COLUMNS[1:], "scoring_keys"))
)


class RegisterLoader:
    """Writes ``MarkRows`` batches; the caller owns the connection and its transaction."""

    def __init__(self, connection: Any) -> None:
        # An asyncpg Connection (the driver connection under SQLAlchemy's adapter).
        self.connection = connection
        self._staged = False

    async def _stage(self) -> None:
        if not self._staged:
            await self.connection.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} "
                f"(LIKE {SCHEMA}.trademark INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            self._staged = True

    async def write(self, rows: MarkRows) -> None:
        """Upsert one batch; every application number in it must be distinct."""
        marks = rows.tables["trademark"]
        if not marks:
            return
        await self._stage()
        numbers = [row[0] for row in marks]
        await self._copy(STAGE, "trademark", marks, schema=None)
        await self.connection.execute(_UPSERT)
        await self.connection.execute(_CARD_UPSERT)
        await self.connection.execute(f"TRUNCATE {STAGE}")
        for table in (*CHILD_TABLES, *KEY_TABLES):
            await self.connection.execute(
                f"DELETE FROM {SCHEMA}.{table} WHERE application_no = ANY($1::text[])",  # noqa: S608
                numbers,
            )
            await self._copy(table, table, rows.tables[table], schema=SCHEMA)

    async def _copy(
        self, target: str, layout: str, records: list[tuple[Any, ...]], *, schema: str | None
    ) -> None:
        if records:
            await self.connection.copy_records_to_table(
                target, records=records, columns=COLUMNS[layout], schema_name=schema
            )
