"""One download of a dataset version, decided: which file, for whom, and which bytes.

Checks in order: unknown dataset or version 404; an unknown or revoked API key 401; then the
file's conditions (``serving.locate``: a matching ``If-None-Match`` 304, an unsatisfiable range
416); a spent daily quota 429. Only then is the download counted (a range that starts past
byte 0 is a resume, not a new download) and either served from local storage or redirected to
the object store. HEAD is never counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redis.asyncio import Redis
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import NotFound, TooManyRequests, Unauthorized
from common.pii.blind_index import BlindIndex
from ip_search.opendata import apikeys, repository
from ip_search.opendata.counters import count_download
from ip_search.opendata.quota import take_quota
from ip_search.opendata.serving import Conditions, Delivery, FileSource, ServedFile, locate


@dataclass(frozen=True, slots=True)
class DownloadRequest:
    dataset_id: str
    version: int
    counted: bool  # a GET; HEAD only asks about the file
    conditions: Conditions
    api_key: str | None


@dataclass(frozen=True, slots=True)
class DownloadContext:
    redis: Redis
    files: FileSource
    index: BlindIndex
    now: datetime


async def deliver(
    session: AsyncSession, context: DownloadContext, request: DownloadRequest
) -> Delivery:
    version = await _version(session, request.dataset_id, request.version)
    key = await _api_key(session, context.index, request.api_key)
    delivery = await locate(context.files, served_file(version), request.conditions)
    if request.counted and not delivery.not_modified:
        await _take_quota(context, key)
        if delivery.starts_a_download:
            await count_download(context.redis, request.dataset_id, request.version)
    return delivery


def served_file(version: RowMapping) -> ServedFile:
    key: str = version["storage_key"]
    name = key.rsplit("/", 1)[-1]
    suffix = name.rsplit(".", 1)[-1] if "." in name else "bin"
    return ServedFile(
        storage_key=key,
        sha256=version["sha256"],
        size=version["size_bytes"],
        media_type=version["media_type"],
        filename=f"{version['dataset_id']}-v{version['version']}.{suffix}",
    )


async def _version(session: AsyncSession, dataset_id: str, number: int) -> RowMapping:
    version = await repository.version(session, dataset_id, number)
    if version is not None:
        return version
    if await repository.dataset_by_id(session, dataset_id) is None:
        raise NotFound(f"no dataset {dataset_id!r}")
    raise NotFound(f"dataset {dataset_id!r} has no version {number}")


async def _api_key(session: AsyncSession, index: BlindIndex, key: str | None) -> RowMapping | None:
    if key is None:
        return None
    row = await repository.active_api_key(session, apikeys.key_hash(index, key))
    if row is None:
        raise Unauthorized("unknown or revoked API key")
    return row


async def _take_quota(context: DownloadContext, key: RowMapping | None) -> None:
    if key is None:
        return
    decision = await take_quota(context.redis, key["id"], key["daily_quota"], context.now)
    if not decision.allowed:
        raise TooManyRequests(decision.retry_after_seconds)
