"""Every query of the open-data catalog, its versions, counters and API keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import keyset_page
from ip_search.models import api_key, dataset, dataset_download, dataset_version, download_flush


async def dataset_page(
    session: AsyncSession,
    *,
    text: str | None,
    frequency: str | None,
    keyword: str | None,
    cursor: str | None,
    limit: int,
) -> Sequence[RowMapping]:
    statement = select(dataset)
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        columns = (dataset.c.title_zh, dataset.c.title_en, dataset.c.description_zh)
        statement = statement.where(or_(*(column.ilike(pattern) for column in columns)))
    if frequency:
        statement = statement.where(dataset.c.update_frequency == frequency)
    if keyword:
        statement = statement.where(dataset.c.keywords.any(keyword))
    statement = keyset_page(statement, [dataset.c.id], cursor=cursor, limit=limit)
    return (await session.execute(statement)).mappings().all()


async def dataset_by_id(
    session: AsyncSession, dataset_id: str, *, for_update: bool = False
) -> RowMapping | None:
    statement = select(dataset).where(dataset.c.id == dataset_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).mappings().one_or_none()


async def insert_dataset(session: AsyncSession, values: Mapping[str, Any]) -> RowMapping:
    statement = insert(dataset).values(**values).returning(dataset)
    row: RowMapping = (await session.execute(statement)).mappings().one()
    return row


async def versions_of(session: AsyncSession, dataset_id: str) -> Sequence[RowMapping]:
    statement = (
        select(dataset_version)
        .where(dataset_version.c.dataset_id == dataset_id)
        .order_by(dataset_version.c.version.desc())
    )
    return (await session.execute(statement)).mappings().all()


async def versions_after(
    session: AsyncSession, dataset_id: str, since: int, *, cursor: str | None, limit: int
) -> Sequence[RowMapping]:
    statement = select(dataset_version).where(
        dataset_version.c.dataset_id == dataset_id, dataset_version.c.version > since
    )
    statement = keyset_page(statement, [dataset_version.c.version], cursor=cursor, limit=limit)
    return (await session.execute(statement)).mappings().all()


async def version(session: AsyncSession, dataset_id: str, number: int) -> RowMapping | None:
    statement = select(dataset_version).where(
        dataset_version.c.dataset_id == dataset_id, dataset_version.c.version == number
    )
    return (await session.execute(statement)).mappings().one_or_none()


async def insert_version(session: AsyncSession, values: Mapping[str, Any]) -> RowMapping:
    statement = insert(dataset_version).values(**values).returning(dataset_version)
    row: RowMapping = (await session.execute(statement)).mappings().one()
    await session.execute(
        update(dataset)
        .where(dataset.c.id == values["dataset_id"])
        .values(latest_version=values["version"], updated_at=func.now())
    )
    return row


async def download_counts(session: AsyncSession, dataset_id: str) -> dict[int, int]:
    statement = select(dataset_download.c.version, dataset_download.c.downloads).where(
        dataset_download.c.dataset_id == dataset_id
    )
    return {row.version: row.downloads for row in await session.execute(statement)}


async def claim_flush(session: AsyncSession, batch: str) -> bool:
    """Record a counter batch as applied; False if an earlier run already applied it."""
    statement = (
        pg_insert(download_flush)
        .values(batch=batch)
        .on_conflict_do_nothing()
        .returning(download_flush.c.batch)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def add_downloads(session: AsyncSession, counts: Mapping[tuple[str, int], int]) -> None:
    if not counts:
        return
    rows = [
        {"dataset_id": dataset_id, "version": number, "downloads": added}
        for (dataset_id, number), added in sorted(counts.items())  # sorted: no deadlocks
    ]
    statement = pg_insert(dataset_download).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[dataset_download.c.dataset_id, dataset_download.c.version],
        set_={"downloads": dataset_download.c.downloads + statement.excluded.downloads},
    )
    await session.execute(statement)


async def prune_flushes(session: AsyncSession, before: datetime) -> None:
    await session.execute(delete(download_flush).where(download_flush.c.flushed_at < before))


async def active_api_key(session: AsyncSession, key_hash: str) -> RowMapping | None:
    statement = select(api_key).where(
        api_key.c.key_hash == key_hash, api_key.c.revoked_at.is_(None)
    )
    return (await session.execute(statement)).mappings().one_or_none()


async def insert_api_key(session: AsyncSession, values: Mapping[str, Any]) -> RowMapping:
    statement = insert(api_key).values(**values).returning(api_key)
    row: RowMapping = (await session.execute(statement)).mappings().one()
    return row


async def revoke_api_key(session: AsyncSession, key_id: int) -> bool:
    statement = (
        update(api_key)
        .where(api_key.c.id == key_id, api_key.c.revoked_at.is_(None))
        .values(revoked_at=func.now())
        .returning(api_key.c.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None
