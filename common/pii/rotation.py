"""Re-encryption under the active key, after a key rotation (``moea reencrypt-pii``).

Walks each table in primary-key order in batches; a batch reads its rows ``FOR UPDATE`` (so a
concurrent edit can neither be overwritten with a stale value nor slip in between), decrypts
values written under any other key id, re-encrypts them under the active key, updates only the
rows that changed and commits. Interrupted runs simply resume: finished rows need no work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import LargeBinary, TableClause, bindparam, column, select, table, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine

from common.pii.cipher import FieldCipher
from common.pii.columns import EncryptedColumn

DEFAULT_BATCH = 500


@dataclass(frozen=True, slots=True)
class ReencryptionCount:
    table: str
    scanned: int
    rewritten: int


async def reencrypt(
    bind: AsyncEngine | AsyncSession,
    schema: str,
    columns: Sequence[EncryptedColumn],
    cipher: FieldCipher,
    *,
    batch_size: int = DEFAULT_BATCH,
) -> list[ReencryptionCount]:
    """Re-encrypt every value not under the active key; one count per table."""
    return [await _reencrypt_table(bind, schema, spec, cipher, batch_size) for spec in columns]


async def reencrypt_database(
    database_url: str, schema: str, columns: Sequence[EncryptedColumn], cipher: FieldCipher
) -> list[ReencryptionCount]:
    engine = create_async_engine(database_url, pool_size=1)
    try:
        return await reencrypt(engine, schema, columns, cipher)
    finally:
        await engine.dispose()


@dataclass(frozen=True, slots=True)
class _TableJob:
    clause: TableClause
    spec: EncryptedColumn
    cipher: FieldCipher


async def _reencrypt_table(
    bind: AsyncEngine | AsyncSession,
    schema: str,
    spec: EncryptedColumn,
    cipher: FieldCipher,
    batch_size: int,
) -> ReencryptionCount:
    job = _TableJob(_table_clause(schema, spec), spec, cipher)
    scanned = rewritten = 0
    last: Any = None
    while True:
        if isinstance(bind, AsyncEngine):
            async with bind.begin() as connection:
                rows, changed = await _batch(connection, job, last, batch_size)
        else:
            rows, changed = await _batch(await bind.connection(), job, last, batch_size)
            await bind.commit()
        scanned, rewritten = scanned + len(rows), rewritten + changed
        if len(rows) < batch_size:
            return ReencryptionCount(spec.table, scanned, rewritten)
        last = rows[-1][0]


def _table_clause(schema: str, spec: EncryptedColumn) -> TableClause:
    encrypted = (column(name, LargeBinary) for name in spec.columns)
    return table(spec.table, column(spec.primary_key), *encrypted, schema=schema)


async def _batch(
    connection: AsyncConnection, job: _TableJob, after: Any, limit: int
) -> tuple[list[tuple[Any, ...]], int]:
    """Lock and read one batch; write back the rows that need the active key."""
    key = job.clause.c[job.spec.primary_key]
    statement = select(key, *(job.clause.c[name] for name in job.spec.columns))
    if after is not None:
        statement = statement.where(key > after)
    statement = statement.order_by(key).limit(limit).with_for_update()
    rows = [tuple(row) for row in await connection.execute(statement)]
    changes = [change for row in rows if (change := _rotated(row, job)) is not None]
    if changes:
        await connection.execute(_update_statement(job), changes)
    return rows, len(changes)


def _rotated(row: tuple[Any, ...], job: _TableJob) -> dict[str, Any] | None:
    """The row's new values (all encrypted columns) when any of them needs rotation."""
    row_key, cipher = str(row[0]), job.cipher
    values: dict[str, Any] = {"row_pk": row[0]}
    changed = False
    for index, (name, blob) in enumerate(zip(job.spec.columns, row[1:], strict=True)):
        value = blob
        if blob is not None and cipher.needs_rotation(blob):
            where = {"table": job.spec.table, "column": name, "row_key": row_key}
            value = cipher.encrypt(cipher.decrypt(blob, **where), **where)
            changed = True
        values[f"value_{index}"] = value
    return values if changed else None


def _update_statement(job: _TableJob) -> Any:
    assignments: dict[str, Any] = {
        name: bindparam(f"value_{index}") for index, name in enumerate(job.spec.columns)
    }
    primary_key = job.clause.c[job.spec.primary_key]
    return update(job.clause).where(primary_key == bindparam("row_pk")).values(assignments)
