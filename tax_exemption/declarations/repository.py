"""Every query of declaration batches and their versioned lines."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import RowMapping, Select, func, insert, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import keyset_page
from tax_exemption.models import declaration_batch, declaration_line

Key = tuple[str, int]

_LOCK_KEYS = text(
    "SELECT pg_advisory_xact_lock(hashtextextended(k, 4)) FROM unnest(CAST(:keys AS text[])) k "
    "ORDER BY k"
)


async def lock_keys(session: AsyncSession, keys: Collection[Key]) -> None:
    """Serialise ingestions of the same (DECLNO, ITEMNO): two uploads of one line never both
    count as new. Sorted, so two batches sharing keys cannot deadlock."""
    await session.execute(_LOCK_KEYS, {"keys": sorted(f"{no}\x1f{item}" for no, item in keys)})


async def current_versions(session: AsyncSession, keys: Collection[Key]) -> dict[Key, RowMapping]:
    line = declaration_line.c
    statement = select(
        line.id,
        line.declaration_no,
        line.item_no,
        line.version,
        line.content_hash,
        line.kind,
        line.agency,
    ).where(line.is_current, tuple_(line.declaration_no, line.item_no).in_(list(keys)))
    rows = (await session.execute(statement)).mappings()
    return {(row["declaration_no"], row["item_no"]): row for row in rows}


async def insert_batch(session: AsyncSession, values: Mapping[str, Any]) -> int:
    statement = insert(declaration_batch).values(dict(values)).returning(declaration_batch.c.id)
    batch_id: int = (await session.execute(statement)).scalar_one()
    return batch_id


async def supersede(session: AsyncSession, line_ids: Sequence[int]) -> None:
    line = declaration_line.c
    await session.execute(
        update(declaration_line)
        .where(line.id.in_(list(line_ids)))
        .values(
            is_current=False,
            superseded_at=func.now(),
            review_status=func.nullif(line.review_status, "pending"),
        )
    )


async def insert_lines(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        await session.execute(insert(declaration_line), [dict(row) for row in rows])


async def update_batch(
    session: AsyncSession, batch_id: int, values: Mapping[str, Any]
) -> RowMapping:
    statement = (
        update(declaration_batch)
        .where(declaration_batch.c.id == batch_id)
        .values(dict(values))
        .returning(declaration_batch)
    )
    row: RowMapping = (await session.execute(statement)).mappings().one()
    return row


async def get_batch(session: AsyncSession, batch_id: int) -> RowMapping | None:
    statement = select(declaration_batch).where(declaration_batch.c.id == batch_id)
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


def lines_statement(batch_id: int, cursor: str | None, limit: int) -> Select[Any]:
    statement = select(declaration_line).where(declaration_line.c.batch_id == batch_id)
    return keyset_page(statement, [declaration_line.c.id], cursor=cursor, limit=limit)


async def fetch(session: AsyncSession, statement: Select[Any]) -> list[RowMapping]:
    return list((await session.execute(statement)).mappings())
