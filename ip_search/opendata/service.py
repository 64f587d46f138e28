"""Catalog use cases: list and read datasets, publish versions, the changefeed, API keys.

Takes the session first, raises ``common.errors``, never commits (``CommittingRoute`` does).
Publishing locks the dataset row, so two officers publishing at once get versions n and n+1.
"""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.errors import Conflict, NotFound
from common.pagination import Page, split_page
from common.pii.blind_index import BlindIndex
from ip_search.opendata import apikeys, repository
from ip_search.opendata.schemas import (
    LICENCE,
    PUBLISHER,
    ApiKeyIn,
    ApiKeyOut,
    ChangesOut,
    DatasetIn,
    DatasetOut,
    DatasetSummary,
    RegisterVersionIn,
    VersionOut,
)
from ip_search.opendata.storage import LocalStorage, StoredFile
from ip_search.opendata.views import dataset_out, dataset_summary, version_out


async def list_datasets(
    session: AsyncSession,
    *,
    text: str | None,
    frequency: str | None,
    keyword: str | None,
    cursor: str | None,
    limit: int,
) -> Page[DatasetSummary]:
    rows = await repository.dataset_page(
        session, text=text, frequency=frequency, keyword=keyword, cursor=cursor, limit=limit
    )
    kept, next_cursor = split_page(rows, limit, lambda row: [row["id"]])
    return Page[DatasetSummary](items=[dataset_summary(r) for r in kept], next_cursor=next_cursor)


async def existing_dataset(
    session: AsyncSession, dataset_id: str, *, for_update: bool = False
) -> RowMapping:
    row = await repository.dataset_by_id(session, dataset_id, for_update=for_update)
    if row is None:
        raise NotFound(f"no dataset {dataset_id!r}")
    return row


async def read_dataset(session: AsyncSession, dataset_id: str, base_url: str) -> DatasetOut:
    row = await existing_dataset(session, dataset_id)
    versions = await repository.versions_of(session, dataset_id)
    counts = await repository.download_counts(session, dataset_id)
    return dataset_out(row, versions, counts, base_url)


async def create_dataset(session: AsyncSession, body: DatasetIn, audit: RequestAudit) -> DatasetOut:
    if await repository.dataset_by_id(session, body.id) is not None:
        raise Conflict(f"dataset {body.id!r} exists")
    values = body.model_dump(mode="json") | {"publisher": PUBLISHER, "licence": LICENCE}
    row = await repository.insert_dataset(session, values)
    await audit.record("open_data.dataset.create", "dataset", body.id)
    return dataset_out(row, [], {}, "")


async def changes_since(
    session: AsyncSession,
    dataset_id: str,
    since: int,
    *,
    cursor: str | None,
    limit: int,
    base_url: str,
) -> ChangesOut:
    row = await existing_dataset(session, dataset_id)
    rows = await repository.versions_after(session, dataset_id, since, cursor=cursor, limit=limit)
    kept, next_cursor = split_page(rows, limit, lambda version: [version["version"]])
    return ChangesOut(
        dataset_id=dataset_id,
        since=since,
        latest_version=row["latest_version"],
        items=[version_out(version, base_url) for version in kept],
        next_cursor=next_cursor,
    )


async def register_version(
    session: AsyncSession,
    storage: LocalStorage,
    dataset_id: str,
    body: RegisterVersionIn,
    *,
    audit: RequestAudit,
    base_url: str,
) -> VersionOut:
    """Publish a file already in storage as the next version (hashed in a worker thread)."""
    row = await existing_dataset(session, dataset_id, for_update=True)
    stored = await storage.describe(body.storage_key)
    version = await _publish(
        session, row, stored, row_count=body.row_count, change_note=body.change_note, audit=audit
    )
    return version_out(version, base_url)


async def upload_version(
    session: AsyncSession,
    storage: LocalStorage,
    dataset_id: str,
    chunks: AsyncIterator[bytes],
    *,
    max_bytes: int,
    row_count: int | None,
    change_note: str,
    audit: RequestAudit,
    base_url: str,
) -> VersionOut:
    """Store an uploaded body (hashed as it streams in) and publish it as the next version.

    The body is received before the dataset row is locked, so a slow upload holds no lock;
    the existence check first means an unknown dataset is refused before any byte is stored.
    """
    await existing_dataset(session, dataset_id)
    received = await storage.receive(chunks, max_bytes)
    row = await existing_dataset(session, dataset_id, for_update=True)
    number = (row["latest_version"] or 0) + 1
    key = f"{dataset_id}/{dataset_id}-v{number}-{received.sha256[:12]}{_suffix(row)}"
    stored = await storage.place(received, key)
    version = await _publish(
        session, row, stored, row_count=row_count, change_note=change_note, audit=audit
    )
    return version_out(version, base_url)


def _suffix(row: RowMapping) -> str:
    return mimetypes.guess_extension(row["media_type"]) or ".bin"


async def _publish(
    session: AsyncSession,
    row: RowMapping,
    stored: StoredFile,
    *,
    row_count: int | None,
    change_note: str,
    audit: RequestAudit,
) -> RowMapping:
    number = (row["latest_version"] or 0) + 1
    version = await repository.insert_version(
        session,
        {
            "dataset_id": row["id"],
            "version": number,
            "storage_key": stored.key,
            "sha256": stored.sha256,
            "size_bytes": stored.size,
            "row_count": row_count,
            "media_type": row["media_type"],
            "change_note": change_note,
            "published_by": audit.principal.audit_name,
        },
    )
    details = {"sha256": stored.sha256, "size_bytes": stored.size, "storage_key": stored.key}
    record_id = f"{row['id']}/{number}"
    await audit.record("open_data.version.publish", "dataset_version", record_id, details=details)
    return version


async def create_api_key(
    session: AsyncSession, index: BlindIndex, body: ApiKeyIn, audit: RequestAudit
) -> ApiKeyOut:
    key = apikeys.new_key()
    row = await repository.insert_api_key(
        session,
        {
            "key_hash": apikeys.key_hash(index, key),
            "prefix": apikeys.display_prefix(key),
            "label": body.label,
            "daily_quota": body.daily_quota,
            "requests_per_minute": body.requests_per_minute,
            "created_by": audit.principal.audit_name,
        },
    )
    await audit.record("open_data.api_key.create", "api_key", str(row["id"]))
    return ApiKeyOut.model_validate(dict(row) | {"key": key})


async def revoke_api_key(session: AsyncSession, key_id: int, audit: RequestAudit) -> None:
    if not await repository.revoke_api_key(session, key_id):
        raise NotFound(f"no active API key {key_id}")
    await audit.record("open_data.api_key.revoke", "api_key", str(key_id))
