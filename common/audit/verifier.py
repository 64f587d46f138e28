"""The verifier: walks the chain in ``seq`` order and names the first row that breaks it.

It reads in one REPEATABLE READ snapshot, so writers and the sealer may keep working meanwhile.
What each reason means:

- ``row_mac_mismatch``: the row's content (or id) was changed after it was written;
- ``seq_gap``: a sealed row before this one was deleted (or its seq cleared);
- ``chain_mac_mismatch``: this row's chain MAC was changed, or sealed rows were reordered.

Rows not yet sealed have their row MAC checked too. Rows cut off the end of the chain are found
by comparing ``head_seq`` with the last head the sealer logged to the SOC stream.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import SecretStr
from sqlalchemy import RowMapping, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from common.audit.mac import CONTENT_COLUMNS, GENESIS, audit_key, chain_mac, row_mac
from common.platform_tables import PlatformTables

DEFAULT_BATCH = 5000


class BreakReason(StrEnum):
    ROW_MAC_MISMATCH = "row_mac_mismatch"
    SEQ_GAP = "seq_gap"
    CHAIN_MAC_MISMATCH = "chain_mac_mismatch"


@dataclass(frozen=True, slots=True)
class BrokenRow:
    id: int
    seq: int | None
    reason: BreakReason


@dataclass(frozen=True, slots=True)
class VerificationResult:
    checked: int
    head_seq: int | None
    head_chain_mac: bytes | None
    broken: BrokenRow | None

    @property
    def ok(self) -> bool:
        return self.broken is None


@dataclass(slots=True)
class _Walk:
    key: bytes
    checked: int = 0
    seq: int = 0
    previous: bytes = GENESIS

    def check_sealed(self, row: RowMapping) -> BrokenRow | None:
        self.checked += 1
        reason = self._sealed_reason(row)
        if reason is not None:
            return BrokenRow(row["id"], row["seq"], reason)
        self.seq, self.previous = row["seq"], row["chain_mac"]
        return None

    def _sealed_reason(self, row: RowMapping) -> BreakReason | None:
        if not _row_mac_ok(self.key, row):
            return BreakReason.ROW_MAC_MISMATCH
        if row["seq"] != self.seq + 1:
            return BreakReason.SEQ_GAP
        expected = chain_mac(self.key, self.previous, row["row_mac"], row["seq"])
        stored = row["chain_mac"]
        if stored is None or not hmac.compare_digest(expected, stored):
            return BreakReason.CHAIN_MAC_MISMATCH
        return None

    def check_unsealed(self, row: RowMapping) -> BrokenRow | None:
        self.checked += 1
        ok = _row_mac_ok(self.key, row)
        return None if ok else BrokenRow(row["id"], None, BreakReason.ROW_MAC_MISMATCH)


async def verify_chain(
    engine: AsyncEngine,
    tables: PlatformTables,
    key: SecretStr | str | bytes,
    *,
    batch_size: int = DEFAULT_BATCH,
) -> VerificationResult:
    table, walk = tables.audit_event, _Walk(audit_key(key))
    async with engine.connect() as connection:
        snapshot = await connection.execution_options(isolation_level="REPEATABLE READ")
        async with snapshot.begin():
            broken = await _walk(snapshot, table, walk, batch_size)
    return VerificationResult(
        checked=walk.checked,
        head_seq=walk.seq or None,
        head_chain_mac=walk.previous if walk.seq else None,
        broken=broken,
    )


async def _walk(
    connection: AsyncConnection, table: Table, walk: _Walk, batch_size: int
) -> BrokenRow | None:
    async for row in _rows(connection, table, sealed=True, batch_size=batch_size):
        if (broken := walk.check_sealed(row)) is not None:
            return broken
    async for row in _rows(connection, table, sealed=False, batch_size=batch_size):
        if (broken := walk.check_unsealed(row)) is not None:
            return broken
    return None


async def _rows(
    connection: AsyncConnection, table: Table, *, sealed: bool, batch_size: int
) -> AsyncIterator[RowMapping]:
    """Sealed rows by seq, or unsealed rows by id, in keyset batches."""
    columns = [table.c[name] for name in CONTENT_COLUMNS]
    key = table.c.seq if sealed else table.c.id
    base = select(*columns, table.c.row_mac, table.c.seq, table.c.chain_mac).where(
        table.c.seq.is_not(None) if sealed else table.c.seq.is_(None)
    )
    last: Any = None
    while True:
        page = base if last is None else base.where(key > last)
        rows = (await connection.execute(page.order_by(key).limit(batch_size))).all()
        for row in rows:
            yield row._mapping
        if len(rows) < batch_size:
            return
        last = rows[-1].seq if sealed else rows[-1].id


def _row_mac_ok(key: bytes, row: RowMapping) -> bool:
    return hmac.compare_digest(row_mac(key, row), row["row_mac"])
