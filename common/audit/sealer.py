"""The sealer: links committed, unsealed audit rows into the hash chain, in id order.

Writers only insert; this runs periodically in the worker (and before every verification) and
gives each committed unsealed row the next ``seq`` and ``chain_mac = HMAC(prev || row_mac || seq)``.
A transaction-scoped advisory lock keeps two sealers from interleaving, without ever blocking a
writer. Each run logs the chain head to the SOC stream: an anchor outside the database, so
cutting rows off the end of the chain shows too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Table, bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from common.audit.mac import GENESIS, audit_key, chain_mac
from common.audit.soc_log import emit
from common.platform_tables import PlatformTables

DEFAULT_BATCH = 1000

_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))")


@dataclass(frozen=True, slots=True)
class SealReport:
    sealed: int
    head_seq: int | None
    head_chain_mac: bytes | None


async def seal_pending(
    bind: AsyncEngine | AsyncSession,
    tables: PlatformTables,
    key: SecretStr | str | bytes,
    *,
    batch_size: int = DEFAULT_BATCH,
) -> SealReport:
    """Seal every committed unsealed row.

    With an engine, each batch commits on its own (the lock is held per batch). With a session,
    everything happens in the session's transaction and the caller commits.
    """
    table, secret = tables.audit_event, audit_key(key)
    report = SealReport(sealed=0, head_seq=None, head_chain_mac=None)
    while True:
        if isinstance(bind, AsyncEngine):
            async with bind.begin() as connection:
                batch = await _seal_batch(connection, table, secret, batch_size)
        else:
            batch = await _seal_batch(await bind.connection(), table, secret, batch_size)
        report = SealReport(report.sealed + batch.sealed, batch.head_seq, batch.head_chain_mac)
        if batch.sealed < batch_size:
            break
    _log_head(table, report)
    return report


async def _seal_batch(
    connection: AsyncConnection, table: Table, key: bytes, limit: int
) -> SealReport:
    await connection.execute(_LOCK, {"name": f"moea.audit.seal:{table.schema}.{table.name}"})
    seq, previous = await _head(connection, table)
    pending = await connection.execute(
        select(table.c.id, table.c.row_mac)
        .where(table.c.seq.is_(None))
        .order_by(table.c.id)
        .limit(limit)
    )
    links: list[dict[str, Any]] = []
    for row_id, row_mac_value in pending:
        seq += 1
        previous = chain_mac(key, previous, row_mac_value, seq)
        links.append({"row_id": row_id, "new_seq": seq, "new_chain_mac": previous})
    if links:
        await connection.execute(_link_statement(table), links)
    head = (seq, previous) if seq else (None, None)
    return SealReport(len(links), *head)


async def _head(connection: AsyncConnection, table: Table) -> tuple[int, bytes]:
    result = await connection.execute(
        select(table.c.seq, table.c.chain_mac)
        .where(table.c.seq.is_not(None))
        .order_by(table.c.seq.desc())
        .limit(1)
    )
    row = result.first()
    return (0, GENESIS) if row is None else (int(row.seq), bytes(row.chain_mac or GENESIS))


def _link_statement(table: Table) -> Any:
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(seq=bindparam("new_seq"), chain_mac=bindparam("new_chain_mac"))
    )


def _log_head(table: Table, report: SealReport) -> None:
    if report.sealed:
        emit(
            {
                "action": "audit.sealed",
                "schema": table.schema,
                "sealed": report.sealed,
                "head_seq": report.head_seq,
                "head_chain_mac": report.head_chain_mac.hex() if report.head_chain_mac else None,
            }
        )
