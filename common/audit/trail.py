"""``AuditTrail``: writes an event in the caller's transaction, MAC'd at insert.

Writers never wait for each other: the row MAC needs only the row itself (its id comes from the
table's sequence, reserved a block at a time so most events cost one INSERT). Linking rows into
the chain is the sealer's job, off the request path.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit.event import AuditEvent
from common.audit.mac import audit_key, row_mac
from common.audit.soc_log import emit_after_commit
from common.platform_tables import PlatformTables
from common.settings import ServiceSettings

DEFAULT_ID_BLOCK = 16

_RESERVE_IDS = text(
    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
)


class AuditTrail:
    def __init__(self, table: Table, key: bytes, *, id_block: int = DEFAULT_ID_BLOCK) -> None:
        self.table = table
        self._key = key
        self._id_block = id_block
        self._qualified = f'"{table.schema}"."{table.name}"' if table.schema else table.name
        self._ids: deque[int] = deque()
        # Built once, values as parameters: building an INSERT with its values per event cost
        # more Python time than sending it.
        self._insert = insert(table)

    @classmethod
    def from_settings(cls, settings: ServiceSettings, tables: PlatformTables) -> AuditTrail:
        return cls(tables.audit_event, audit_key(settings.audit_hmac_key))

    async def record(self, session: AsyncSession, event: AuditEvent) -> int:
        """Insert ``event`` in the session's transaction; returns the new row's id."""
        row: dict[str, Any] = {"id": await self._next_id(session), **event.content()}
        row["row_mac"] = row_mac(self._key, row)
        await session.execute(self._insert, row)
        emit_after_commit(session, _log_line(row))
        return int(row["id"])

    async def _next_id(self, session: AsyncSession) -> int:
        if not self._ids:
            params = {"table": self._qualified, "count": self._id_block}
            result = await session.execute(_RESERVE_IDS, params)
            self._ids.extend(int(value) for value in result.scalars())
        return self._ids.popleft()


def _log_line(row: dict[str, Any]) -> dict[str, Any]:
    line = {name: value for name, value in row.items() if name != "row_mac"}
    line["audit_id"] = line.pop("id")
    line["occurred_at"] = row["occurred_at"].isoformat()
    return line
