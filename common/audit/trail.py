"""``AuditTrail``: writes an event in the caller's transaction, MAC'd at insert.

Writers never wait for each other: the row MAC needs only the row itself (its id comes from the
table's sequence, reserved a block at a time so most events cost one INSERT). Linking rows into
the chain is the sealer's job, off the request path.

Three ways in: ``record`` inserts in an ORM session's transaction; on the driver path
(``common.driver``) ``record_on`` inserts at once (autocommit), and ``row`` makes the row for
the caller's own ``common.atomic_write`` statement, which writes it (``audit_follower``) only if
the change it describes happened; ``log`` sends its SOC line once that statement succeeded.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from sqlalchemy import Table, bindparam, insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from common.atomic_write import Follower, insert_per_change, prefixed
from common.audit.event import AuditEvent
from common.audit.mac import CONTENT_COLUMNS, audit_key, row_mac
from common.audit.soc_log import emit, emit_after_commit
from common.driver import DriverStatement, Executor
from common.platform_tables import PlatformTables
from common.settings import ServiceSettings

DEFAULT_ID_BLOCK = 16
PARAM_PREFIX = "audit_"
INSERTED_COLUMNS = (*CONTENT_COLUMNS, "row_mac")

_RESERVE_IDS = text(
    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
)
_RESERVE_IDS_ON_DRIVER = DriverStatement(_RESERVE_IDS)


class AuditTrail:
    def __init__(self, table: Table, key: bytes, *, id_block: int = DEFAULT_ID_BLOCK) -> None:
        self.table = table
        self._key = key
        qualified = f'"{table.schema}"."{table.name}"' if table.schema else table.name
        self._reserve = {"table": qualified, "count": id_block}
        self._ids: deque[int] = deque()
        # Built once, values as parameters: building an INSERT with its values per event cost
        # more Python time than sending it.
        self._insert = insert(table)
        self._insert_on_driver = DriverStatement(
            insert(table).values(
                {
                    name: bindparam(PARAM_PREFIX + name, type_=table.c[name].type)
                    for name in INSERTED_COLUMNS
                }
            )
        )

    @classmethod
    def from_settings(cls, settings: ServiceSettings, tables: PlatformTables) -> AuditTrail:
        return cls(tables.audit_event, audit_key(settings.audit_hmac_key))

    async def record(self, session: AsyncSession, event: AuditEvent) -> int:
        """Insert ``event`` in the session's transaction; returns the new row's id."""
        if not self._ids:
            result = await session.execute(_RESERVE_IDS, self._reserve)
            self._ids.extend(int(value) for value in result.scalars())
        row = self._sealed_row(self._ids.popleft(), event)
        await session.execute(self._insert, row)
        emit_after_commit(session, _log_line(row))
        return int(row["id"])

    async def record_on(self, executor: Executor, event: AuditEvent) -> int:
        """Insert ``event`` on the driver, committed at once; returns the new row's id."""
        row = await self.row(executor, event)
        await self._insert_on_driver.execute(executor, **self.params(row))
        self.log(row)
        return int(row["id"])

    async def row(self, executor: Executor, event: AuditEvent) -> dict[str, Any]:
        """The event's row (id reserved on the driver, MAC'd) for a statement run there."""
        if not self._ids:
            reserved = await _RESERVE_IDS_ON_DRIVER.fetch_all(executor, **self._reserve)
            self._ids.extend(int(record[0]) for record in reserved)
        return self._sealed_row(self._ids.popleft(), event)

    @staticmethod
    def params(row: dict[str, Any]) -> dict[str, Any]:
        """The row under the parameter names of ``audit_follower``."""
        return prefixed(PARAM_PREFIX, row)

    @staticmethod
    def log(row: dict[str, Any]) -> None:
        """The SOC line of a row whose statement has committed."""
        emit(_log_line(row))

    def _sealed_row(self, row_id: int, event: AuditEvent) -> dict[str, Any]:
        row: dict[str, Any] = {"id": row_id, **event.content()}
        row["row_mac"] = row_mac(self._key, row)
        return row


def audit_follower(table: Table) -> Follower:
    """Writes the event of a ``common.atomic_write`` statement's change, if it happened."""
    return insert_per_change(table, INSERTED_COLUMNS, PARAM_PREFIX)


def _log_line(row: dict[str, Any]) -> dict[str, Any]:
    line = {name: value for name, value in row.items() if name != "row_mac"}
    line["audit_id"] = line.pop("id")
    line["occurred_at"] = row["occurred_at"].isoformat()
    return line
